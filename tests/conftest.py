"""Shared fixtures: one app and database per session, cleaned between tests, and personas.

The database is SQLite in a temporary file by default. Set TEST_DATABASE_URL (e.g.
postgresql://postgres@127.0.0.1:5432/test) to run the whole suite against PostgreSQL; CI does both.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask import session as flask_session
from flask.testing import FlaskClient
from sqlalchemy import text

# Every test runs under the audit watch: a request that commits a change without an audit entry
# in the same transaction fails the test that made it (tests/security/audit_watch.py).
from tests.security.audit_watch import audit_watch  # noqa: E402,F401  (an autouse fixture)
from webapp import create_app
from webapp.auth import login_sessions
from webapp.auth.cli import new_user
from webapp.auth.models import User
from webapp.core.access import Role
from webapp.extensions import db, limiter
from webapp.map.cells import MapCell, MapCellDelta
from webapp.ops.reference import seed_reference_data

PASSWORD = "correct horse battery staple"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return f"database: {'postgresql (' + url + ')' if url else 'sqlite (temporary file)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


@pytest.fixture(scope="session")
def _session_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PHOTO_DIR": str(tmp_path_factory.mktemp("photos")),
        },
    )
    with app.app_context():
        db.drop_all()
        _drop_alembic_version()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_alembic_version() -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def clean_database() -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        # Deleting the observations made their triggers write -1 deltas: the map's roll-up goes
        # last, or the next test would start with negative counts.
        for table in (MapCellDelta.__table__, MapCell.__table__):
            conn.execute(table.delete())


@pytest.fixture
def app(_session_app: Flask) -> Iterator[Flask]:
    """The app with an empty database holding only the reference data.

    No app context stays pushed: requests from the test client must get their own context
    (and so their own `g` and database session), as in production. Use `with app.app_context()`
    to look at the database.
    """
    saved = dict(_session_app.config)
    with _session_app.app_context():
        clean_database()
        seed_reference_data()
        limiter.reset()
        for path in Path(_session_app.config["PHOTO_DIR"]).glob("*"):
            path.unlink()
    yield _session_app
    _session_app.config.clear()
    _session_app.config.update(saved)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def make_user(
    role: Role, username: str, *, organisation: str | None = None, active: bool = True
) -> User:
    """Create a user and return it detached, with its columns loaded, for use outside a context."""
    user = new_user(username, role, PASSWORD, organisation)
    user.active = active
    db.session.add(user)
    db.session.commit()
    db.session.refresh(user)
    db.session.expunge(user)
    return user


@pytest.fixture
def officer(app: Flask) -> User:
    with app.app_context():
        return make_user(Role.OFFICER, "officer")


@pytest.fixture
def staff(app: Flask) -> User:
    with app.app_context():
        return make_user(Role.STAFF, "staff")


@pytest.fixture
def coordinator(app: Flask) -> User:
    with app.app_context():
        return make_user(Role.COORDINATOR, "coordinator", organisation="municipality")


@pytest.fixture
def admin(app: Flask) -> User:
    with app.app_context():
        return make_user(Role.ADMIN, "admin")


@pytest.fixture
def outsider(app: Flask) -> User:
    """A municipal account with no business in police records: must get 403/404 there."""
    with app.app_context():
        return make_user(Role.STAFF, "outsider")


def login(client: FlaskClient, user: User) -> FlaskClient:
    """Log in through the session directly (the login form has its own tests): a server-side
    session row, its token and the user id in the cookie, as webapp.auth.views.log_in does."""
    with client.application.test_request_context():
        row = login_sessions.start(user)
        token = flask_session[login_sessions.TOKEN_KEY]
        db.session.commit()
        assert row.id
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[login_sessions.TOKEN_KEY] = token
    return client


@pytest.fixture
def as_user(app: Flask):  # type: ignore[no-untyped-def]
    """as_user(user) -> a fresh test client logged in as that user."""

    def factory(user: User) -> FlaskClient:
        return login(app.test_client(), user)

    return factory


def csrf_token(client: FlaskClient) -> str:
    return client.get("/api/v1/csrf-token").get_json()["csrf_token"]


def form_csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def api_post(client: FlaskClient, url: str, payload: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    headers = {"X-CSRFToken": csrf_token(client), **kwargs.pop("headers", {})}
    return client.post(url, json=payload, headers=headers, **kwargs)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL for tests that need PostgreSQL itself; skips cleanly where none runs."""
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_URL
    if not url.startswith("postgres"):
        url = DEFAULT_PG_URL
    try:
        import psycopg

        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ):
            pass
    except Exception as error:  # noqa: BLE001 - any failure means "no server here"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(
                f"REQUIRE_POSTGRES is set but PostgreSQL is not reachable at {url}: {error}"
            )
        pytest.skip(f"no PostgreSQL server reachable at {url} ({error.__class__.__name__})")
    return url


# ---- the photo store (webapp/core/blobs.py): run photo tests on both backends ----------------


@pytest.fixture(params=["folder", "database"])
def photo_backend(request: pytest.FixtureRequest, app: Flask) -> str:
    """Parametrise a test over TRYGG_PHOTO_BACKEND (the app fixture restores the config)."""
    app.config["PHOTO_BACKEND"] = request.param
    return request.param


def stored_keys(app: Flask) -> list[str]:
    """Every blob in the configured store; with the folder backend every file in PHOTO_DIR,
    half-written ones (.tmp) included, so that a left-over file shows up."""
    from webapp.core.blobs import store

    with app.app_context():
        if app.config.get("PHOTO_BACKEND") == "database":
            keys = list(store().iter_keys())
            db.session.commit()
            return keys
        directory = Path(app.config["PHOTO_DIR"])
        return sorted(p.name for p in directory.rglob("*") if p.is_file())


def stored_bytes(app: Flask, key: str) -> bytes:
    from webapp.core.blobs import store

    with app.app_context():
        data = b"".join(store().open(key))
        db.session.commit()
        return data


def remove_stored(app: Flask, key: str) -> None:
    from webapp.core.blobs import store

    with app.app_context():
        store().delete(key)
        db.session.commit()
