"""POST /api/v1/observations: created once, replays succeed, changed content conflicts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask

from tests.observations.conftest import (
    URL,
    observation_count,
    observed_at,
    payload,
    post_observation,
)
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.observations.models import Observation


def audit_entries(app: Flask, action: str, target_id: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = db.select(AuditEntry).filter_by(action=action)
        if target_id is not None:
            query = query.filter_by(target_id=target_id)
        return list(db.session.execute(query).scalars())


def stored_row(app: Flask, observation_id: str) -> dict[str, Any]:
    with app.app_context():
        row = db.session.get(Observation, observation_id)
        assert row is not None
        return {
            "lat": row.lat,
            "lon": row.lon,
            "note": row.note,
            "category": row.category_code,
            "rating": row.rating,
            "observed_at": row.observed_at,
            "author_id": row.author_id,
            "content_hash": row.content_hash,
        }


def test_first_post_creates_the_observation_and_returns_the_stored_record(
    app, officer, officer_client
):
    body = payload(observed_at=observed_at(hours_ago=3))
    response = post_observation(officer_client, body)

    assert response.status_code == 201
    assert response.headers["Location"] == f"{URL}/{body['id']}"
    record = response.get_json()
    assert record["id"] == body["id"]
    assert record["lat"] == body["lat"] and record["lon"] == body["lon"]
    assert record["accuracy_m"] == body["accuracy_m"]
    assert record["category"] == "belysning"
    assert record["note"] == body["note"]
    assert record["rating"] == 2
    assert record["visibility"] == "police"  # an officer's default
    assert record["status"] == "new"
    assert record["photos"] == []
    assert "author_id" not in record
    assert observation_count(app) == 1
    with app.app_context():
        assert db.session.get(Observation, body["id"]).author_id == officer.id


@pytest.mark.parametrize(
    "sent",
    ["+02:00", "-05:30", "+00:00", "+05:45"],
)
def test_observed_at_is_echoed_with_the_offset_the_phone_sent(officer_client, sent):
    from datetime import datetime, timedelta, timezone

    sign = -1 if sent.startswith("-") else 1
    hours, minutes = (int(part) for part in sent[1:].split(":"))
    zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    moment = observed_at(hours_ago=2, zone=zone)
    assert moment.endswith(sent)

    created = post_observation(officer_client, payload(observed_at=moment))
    assert created.status_code == 201
    assert created.get_json()["observed_at"] == moment
    assert datetime.fromisoformat(created.get_json()["observed_at"]) == datetime.fromisoformat(
        moment
    )

    fetched = officer_client.get(f"{URL}/{created.get_json()['id']}")
    assert fetched.get_json()["observed_at"] == moment


def test_replaying_same_uuid_returns_the_stored_observation(app, officer_client):
    body = payload()
    first = post_observation(officer_client, body)
    assert first.status_code == 201

    replay = post_observation(officer_client, body)

    assert replay.status_code == 200
    assert replay.get_json() == first.get_json()
    assert "Location" not in replay.headers
    assert observation_count(app) == 1


def test_replay_with_the_uuid_in_another_spelling_is_still_a_replay(app, officer_client):
    body = payload()
    assert post_observation(officer_client, body).status_code == 201

    replay = post_observation(officer_client, {**body, "id": body["id"].upper()})

    assert replay.status_code == 200
    assert replay.get_json()["id"] == body["id"]
    assert observation_count(app) == 1


def test_replay_with_the_same_instant_in_another_offset_keeps_the_original(app, officer_client):
    from datetime import UTC, datetime

    body = payload()
    first = post_observation(officer_client, body).get_json()
    as_utc = datetime.fromisoformat(body["observed_at"]).astimezone(UTC).isoformat()

    replay = post_observation(officer_client, {**body, "observed_at": as_utc})

    assert replay.status_code == 200
    assert replay.get_json()["observed_at"] == first["observed_at"] == body["observed_at"]


@pytest.mark.parametrize(
    "change",
    [
        {"note": "En helt annan anteckning"},
        {"category": "trafik"},
        {"lat": 59.8400},
        {"lon": 13.1500},
        {"rating": 5},
        {"rating": None},
        {"accuracy_m": 40.0},
        {"observed_at": observed_at(hours_ago=5)},
        {"visibility": "shared"},
        {"manual_position": True},
    ],
    ids=lambda change: next(iter(change)),
)
def test_same_uuid_with_different_content_is_a_409_and_changes_nothing(app, officer_client, change):
    body = payload()
    assert post_observation(officer_client, body).status_code == 201
    before = stored_row(app, body["id"])

    response = post_observation(officer_client, {**body, **change})

    assert response.status_code == 409
    assert response.is_json
    assert response.get_json()["error"]["code"] == "conflict"
    assert stored_row(app, body["id"]) == before
    assert observation_count(app) == 1


def test_same_uuid_from_another_user_is_a_409_that_leaks_nothing(
    app, officer_client, as_user, coordinator
):
    secret_note = "Hemlig polisiär iakttagelse vid järnvägsstationen"
    body = payload(note=secret_note)
    assert post_observation(officer_client, body).status_code == 201
    before = stored_row(app, body["id"])

    # Identical content and a coordinator (who could read it) still do not make it theirs.
    for attempt in (body, {**body, "note": "annan text"}):
        response = post_observation(as_user(coordinator), attempt)
        assert response.status_code == 409
        text = response.get_data(as_text=True)
        assert secret_note not in text
        assert "järnvägsstationen" not in text
        assert set(response.get_json()) == {"error"}

    assert stored_row(app, body["id"]) == before
    assert observation_count(app) == 1


def test_audit_entry_observation_create_is_written_once(app, officer, officer_client):
    body = payload()
    post_observation(officer_client, body)
    post_observation(officer_client, body)
    post_observation(officer_client, {**body, "note": "ändrad"})

    entries = audit_entries(app, "observation.create", body["id"])
    assert len(entries) == 1
    assert entries[0].actor_id == officer.id
    assert entries[0].target_type == "observations"


def test_staff_and_coordinator_may_create_with_their_visibilities(staff_client, coordinator_client):
    assert post_observation(staff_client, payload()).get_json()["visibility"] == "municipality"
    assert post_observation(staff_client, payload(visibility="shared")).status_code == 201
    assert post_observation(coordinator_client, payload(visibility="police")).status_code == 201


def test_admin_may_not_create_observations(as_user, admin):
    response = post_observation(as_user(admin), payload())
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_anonymous_post_is_401_json(client):
    response = post_observation(client, payload())
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_post_without_csrf_token_is_refused(app, officer_client):
    response = officer_client.post(URL, json=payload())
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert observation_count(app) == 0


def test_get_single_observation_enforces_visibility(officer_client, as_user, staff, coordinator):
    record = post_observation(officer_client, payload()).get_json()
    url = f"{URL}/{record['id']}"

    assert officer_client.get(url).get_json() == record
    assert as_user(coordinator).get(url).status_code == 200
    assert as_user(staff).get(url).status_code == 404
    assert officer_client.get(f"{URL}/{uuid.uuid4()}").status_code == 404
    assert officer_client.get(f"{URL}/not-a-uuid").status_code == 404


def test_reading_a_police_observation_is_audited(app, officer_client, as_user, coordinator):
    record = post_observation(officer_client, payload()).get_json()
    as_user(coordinator).get(f"{URL}/{record['id']}")
    assert len(audit_entries(app, "observation.read", record["id"])) == 1


@pytest.mark.parametrize(
    "note",
    [
        "<script>alert(1)</script>",
        "${alert(1)}",
        "`${document.cookie}`",
        "</script><script>alert('x')</script>",
        "<img src=x onerror=alert(1)> & \"quotes\" 'single' \\ backslash",
        "Ölkaféet på Storgatan — «citat» 🚲",
    ],
)
def test_hostile_text_round_trips_unchanged_as_text(officer_client, note):
    created = post_observation(officer_client, payload(note=note))
    assert created.status_code == 201
    assert created.mimetype == "application/json"
    assert created.headers["X-Content-Type-Options"] == "nosniff"
    assert created.get_json()["note"] == note

    fetched = officer_client.get(f"{URL}/{created.get_json()['id']}")
    assert fetched.get_json()["note"] == note

    geojson = officer_client.get("/api/v1/observations.geojson")
    assert geojson.mimetype == "application/geo+json"
    notes = [f["properties"]["note"] for f in geojson.get_json()["features"]]
    assert notes == [note]


def test_a_submit_writes_what_an_orm_insert_of_the_same_entry_writes(app, officer, officer_client):
    """The API stores with Core statements for speed (service.store_observation); the demo and
    other paths insert the ORM object, whose mapper events derive the map columns and the area
    membership. Both must store the same row and the same membership, audit entry and event."""
    from webapp.core.outbox.models import OutboxEvent
    from webapp.observations.areas import RURAL_AREA_ID, observation_areas
    from webapp.observations.service import new_observation
    from webapp.observations.validation import validate_observation

    for lat, lon in [(59.8366, 13.1440), (59.9000, 13.0500)]:  # centrum, the countryside
        body = payload(lat=lat, lon=lon, observed_at=observed_at(hours_ago=30))
        assert post_observation(officer_client, body).status_code == 201
        with app.test_request_context():
            clean, errors = validate_observation({**body, "id": str(uuid.uuid4())}, officer)
            assert errors == {}
        with app.app_context():  # as the demo does: no request, so no audit entry expected
            db.session.add(new_observation(clean, officer))
            db.session.commit()
            orm_id = clean.id

        with app.app_context():
            api_row, orm_row = (db.session.get(Observation, key) for key in (body["id"], orm_id))
            columns = [c.name for c in Observation.__table__.columns]
            differ = {"id", "created_at", "content_hash"}  # the hash covers the id
            assert {c: getattr(api_row, c) for c in columns if c not in differ} == {
                c: getattr(orm_row, c) for c in columns if c not in differ
            }

            def membership(key: str) -> list[tuple]:
                rows = db.session.execute(
                    db.select(observation_areas).where(observation_areas.c.observation_id == key)
                ).mappings()
                return sorted(
                    tuple(v for k, v in row.items() if k != "observation_id") for row in rows
                )

            assert membership(body["id"]) == membership(orm_id)
            area_ids = {row[0] for row in membership(body["id"])}
            assert (RURAL_AREA_ID in area_ids) == (lat == 59.9000)
            assert len(area_ids) >= 1

            event = db.session.execute(
                db.select(OutboxEvent).filter_by(target_id=body["id"])
            ).scalar_one()
            assert event.type == "observation.created"
            assert event.target_type == "observations"
            assert f"/api/v1/observations/{body['id']}" in event.payload
        entries = audit_entries(app, "observation.create", body["id"])
        assert [(e.actor_id, e.actor_label, e.detail) for e in entries] == [
            (officer.id, officer.username, {"visibility": "police"})
        ]


def test_a_submit_after_an_area_was_added_counts_in_the_new_area(app, officer_client):
    """Each process keeps the areas' outlines and checks them against the database with every
    submit (on PostgreSQL inside the submit's one statement): an area added after this process
    read them must hold the next observation made in it."""
    from webapp.geo.areas import Area
    from webapp.observations.areas import observation_areas

    lat, lon = 59.8366, 13.1440
    assert post_observation(officer_client, payload(lat=lat, lon=lon)).status_code == 201
    with app.app_context():
        square = [[lon - 0.001, lat - 0.001], [lon + 0.001, lat - 0.001],
                  [lon + 0.001, lat + 0.001], [lon - 0.001, lat + 0.001],
                  [lon - 0.001, lat - 0.001]]  # fmt: skip
        area = Area(
            code="kvarteret",
            name="Kvarteret",
            kind="patrol",
            geometry={"type": "Polygon", "coordinates": [square]},
        )
        db.session.add(area)
        db.session.commit()
        area_id = area.id
    body = payload(lat=lat, lon=lon)
    assert post_observation(officer_client, body).status_code == 201
    with app.app_context():
        areas = set(
            db.session.scalars(
                db.select(observation_areas.c.area_id).where(
                    observation_areas.c.observation_id == body["id"]
                )
            )
        )
    assert area_id in areas
    assert len(areas) >= 2  # and still the areas it lay in before


def test_a_submit_is_few_statements(app, officer_client):
    """Each statement costs the web worker CPU (on PostgreSQL a round trip): a submit is the
    login check and one statement on PostgreSQL (psycopg sends BEGIN and COMMIT itself); on
    SQLite BEGIN IMMEDIATE, the login check, the areas' version and the four INSERTs."""
    from sqlalchemy import event

    from tests.conftest import csrf_token

    post_observation(officer_client, payload())  # the first request of a client reads more
    headers = {"X-CSRFToken": csrf_token(officer_client)}
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, context, _many) -> None:  # type: ignore[no-untyped-def]
        if not context.execution_options.get("audit_watch"):  # the tests' own look-up
            statements.append(statement.split(None, 1)[0].upper())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert officer_client.post(URL, json=payload(), headers=headers).status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", count)
    if engine.dialect.name == "postgresql":
        assert statements == ["SELECT", "WITH"], statements
    else:  # BEGIN, login, the row, its audit entry and event, the areas' version, membership
        expected = ["BEGIN", "SELECT", "INSERT", "INSERT", "INSERT", "SELECT", "INSERT"]
        assert statements == expected, statements
