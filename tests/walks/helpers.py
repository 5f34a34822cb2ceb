"""Small factories for safety walk tests: a planned walk, a participant's phone, payloads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import api_post, form_csrf_token
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkStop

CENTRUM = (59.8366, 13.1440)
STOPS = [
    ("Stortorget", 59.8366, 13.1440),
    ("Busstationen", 59.8380, 13.1420),
    ("Parken", 59.8350, 13.1460),
]


def make_walk(app: Flask, creator_id: int, **values: Any) -> SafetyWalk:
    """A planned walk starting in an hour with three stops; returned detached with its stops."""
    from webapp.walks.service import _unique_code

    with app.app_context():
        walk = SafetyWalk(
            name=values.pop("name", "Trygghetsvandring centrum"),
            starts_at=values.pop("starts_at", datetime.now(UTC) + timedelta(hours=1)),
            created_by_id=creator_id,
            join_code=values.pop("join_code", _unique_code()),
            headcount={},
            **values,
        )
        for position, (name, lat, lon) in enumerate(STOPS, start=1):
            walk.stops.append(WalkStop(name=name, lat=lat, lon=lon, position=position))
        db.session.add(walk)
        db.session.commit()
        walk.stops  # noqa: B018 - load before detaching
        db.session.expunge(walk)
        return walk


def join(app: Flask, code: str, **about: str) -> FlaskClient:
    """A phone that opened the QR link and pressed "Join" (optionally saying group etc.)."""
    phone = app.test_client()
    page = phone.get(f"/walk/join/{code}")
    assert page.status_code == 200, page.get_data(as_text=True)
    response = phone.post(
        f"/walk/join/{code}",
        data={"csrf_token": form_csrf_token(page.get_data(as_text=True)), **about},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return phone


def spot(**overrides: Any) -> dict[str, Any]:
    observed = (datetime.now(UTC) - timedelta(minutes=5)).astimezone().isoformat()
    return {
        "id": str(uuid.uuid4()),
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
        "accuracy_m": 8,
        "observed_at": observed,
        "category": "belysning",
        "note": "Trasig lampa vid gångtunneln",
        **overrides,
    }


def rating(**overrides: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "lighting": 1,
        "overview": 2,
        "people": 0,
        "upkeep": 3,
        "walkway": 2,
        "feeling": 1,
        **overrides,
    }


def post_spot(phone: FlaskClient, walk_id: int, payload: dict[str, Any]):  # type: ignore[no-untyped-def]
    return api_post(phone, f"/api/v1/walks/{walk_id}/spots", payload)


def post_rating(phone: FlaskClient, walk_id: int, stop_id: int, payload: dict[str, Any]):  # type: ignore[no-untyped-def]
    return api_post(phone, f"/api/v1/walks/{walk_id}/stops/{stop_id}/ratings", payload)
