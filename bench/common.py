"""Shared set-up for the benchmarks: a throw-away app on its own database, bulk data."""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app
from webapp.auth.cli import new_user
from webapp.auth.models import User
from webapp.core.access import Role
from webapp.extensions import db
from webapp.geo.tiles import derive_columns
from webapp.observations.areas import area_shapes, observation_areas, rows_for
from webapp.observations.models import Observation
from webapp.ops.reference import CATEGORIES, seed_reference_data


def bench_app() -> Flask:
    """SQLite in a temp dir by default; BENCH_DATABASE_URL to measure PostgreSQL."""
    url = os.environ.get("BENCH_DATABASE_URL")
    workdir = tempfile.mkdtemp(prefix="trygg-bench-")
    if not url:
        url = f"sqlite:///{workdir}/bench.sqlite"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "PHOTO_DIR": f"{workdir}/photos"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_reference_data()
    return app


def ensure_user(username: str, role: Role) -> User:
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar()
    if user is None:
        user = new_user(username, role, "bench-password-123")
        db.session.add(user)
        db.session.commit()
    return user


def insert_observations(author_id: int, count: int, *, days: int = 365, batch: int = 5000) -> None:
    """`count` observations spread evenly over the last `days` days around Sunne centrum."""
    rng = random.Random(42)
    codes = [c[0] for c in CATEGORIES]
    now = datetime.now(UTC)
    shapes = area_shapes(db.session.connection())
    for start in range(0, count, batch):
        rows = []
        for i in range(start, min(start + batch, count)):
            rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "lat": 59.8366 + rng.gauss(0, 0.004),
                    "lon": 13.1440 + rng.gauss(0, 0.008),
                    "accuracy_m": 10.0,
                    "observed_at": now - timedelta(seconds=(i / count) * days * 86400),
                    "observed_utc_offset_min": 60,
                    "category_code": codes[i % len(codes)],
                    "note": f"Iakttagelse {i}",
                    "visibility": "shared" if i % 3 else "police",
                    "status": "new",
                    "author_id": author_id,
                    "content_hash": "bench",
                    "manual_position": False,
                }
            )
        for row in rows:  # a Core bulk insert skips the model's events: fill the map columns
            row.update(derive_columns(row["lat"], row["lon"], row["observed_at"]))
        db.session.execute(db.insert(Observation), rows)
        # Core inserts skip the mapper events that keep the area membership (trends per area).
        members = [m for row in rows for m in rows_for(SimpleNamespace(**row), shapes)]
        if members:
            db.session.execute(observation_areas.insert(), members)
        db.session.commit()


@contextmanager
def timed(label: str, results: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start


def login(client, user: User) -> None:  # type: ignore[no-untyped-def]
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def logged_in(app: Flask, user_id: int) -> FlaskClient:
    """A test client with a live server-side login session of the user."""
    from flask import session as flask_session

    from webapp.auth import login_sessions

    client = app.test_client()
    with app.test_request_context():
        login_sessions.start(db.session.get(User, user_id))
        token = flask_session[login_sessions.TOKEN_KEY]
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[login_sessions.TOKEN_KEY] = token
    return client
