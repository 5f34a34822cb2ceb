"""Helpers for the observation API tests: a valid payload and posting it as a persona."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import api_post
from webapp.extensions import db
from webapp.observations.models import Observation

URL = "/api/v1/observations"
GEOJSON_URL = "/api/v1/observations.geojson"
CEST = timezone(timedelta(hours=2))
STORTORGET = (59.8366, 13.1440)


def observed_at(hours_ago: float = 1.0, zone: timezone = CEST) -> str:
    """An ISO 8601 time with an explicit offset, to the second (as phones send it)."""
    moment = datetime.now(UTC) - timedelta(hours=hours_ago)
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


def payload(**overrides: Any) -> dict[str, Any]:
    """A valid observation as the field app would send it; override any field."""
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "lat": STORTORGET[0],
        "lon": STORTORGET[1],
        "accuracy_m": 8.0,
        "observed_at": observed_at(),
        "category": "belysning",
        "note": "Trasig gatlampa vid busshållplatsen",
        "rating": 2,
    }
    body.update(overrides)
    return body


def post_observation(client: FlaskClient, body: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    return api_post(client, URL, body, **kwargs)


def create(client: FlaskClient, **overrides: Any) -> dict[str, Any]:
    """Post a valid observation and return the stored record (asserting 201)."""
    response = post_observation(client, payload(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def observation_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Observation))


@pytest.fixture
def officer_client(as_user, officer):  # type: ignore[no-untyped-def]
    return as_user(officer)


@pytest.fixture
def staff_client(as_user, staff):  # type: ignore[no-untyped-def]
    return as_user(staff)


@pytest.fixture
def coordinator_client(as_user, coordinator):  # type: ignore[no-untyped-def]
    return as_user(coordinator)
