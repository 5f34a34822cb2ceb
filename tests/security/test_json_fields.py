"""JSON never carries a field the caller may not see: links to records of the other data
controller are left out, and walk participants see nobody's identity.

(The matrix test also searches every answer for markers and ids of unreadable records.)
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from tests.conftest import api_post
from tests.security.world import World, build_world, client_for

IDENTITY_KEYS = ("author", "participant", "user", "created_by", "actor", "moderated_by")


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


def test_staff_reading_a_shared_observation_do_not_learn_of_its_police_patrol_or_walk(app, world):
    observation = world.targets["observation:shared"]["observation_id"]
    readers = {role: client_for(app, world, role) for role in ("staff", "officer", "coordinator")}

    seen = {
        role: client.get(f"/api/v1/observations/{observation}").get_json()
        for role, client in readers.items()
    }

    police_patrol = world.targets["patrol:police"]["activity_id"]
    police_walk = world.targets["walk:police"]["walk_id"]
    assert (seen["staff"]["activity_id"], seen["staff"]["walk_id"]) == (None, None)
    for role in ("officer", "coordinator"):
        assert (seen[role]["activity_id"], seen[role]["walk_id"]) == (police_patrol, police_walk)
    assert seen["staff"]["note"] == seen["officer"]["note"]  # the record itself is shared


def test_an_officer_reading_a_municipal_record_link_sees_no_municipal_meeting(app, world):
    observation = world.targets["observation:municipality"]["observation_id"]
    staff = client_for(app, world, "staff").get(f"/api/v1/observations/{observation}").get_json()
    assert staff["activity_id"] == world.targets["meeting:municipality"]["activity_id"]
    assert (
        client_for(app, world, "officer").get(f"/api/v1/observations/{observation}").status_code
        == 404
    )


def test_the_review_page_does_not_link_a_duplicate_the_reader_may_not_see(app, world):
    observation = world.targets["observation:shared"]["observation_id"]
    police = world.targets["observation:police"]["observation_id"]
    staff_page = client_for(app, world, "staff").get(f"/review/observations/{observation}")
    officer_page = client_for(app, world, "officer").get(f"/review/observations/{observation}")
    assert police not in staff_page.get_data(as_text=True)
    assert police in officer_page.get_data(as_text=True)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_walk_participants_see_no_identity_of_anyone(app, world):
    phone = client_for(app, world, "participant")
    walk = world.targets["walk:shared"]
    base = f"/api/v1/walks/{walk['walk_id']}"
    observed = datetime.now(UTC).isoformat()
    spot = {"id": str(uuid.uuid4()), "lat": 59.8366, "lon": 13.144, "observed_at": observed,
            "category": "belysning", "note": "lampa"}  # fmt: skip
    rating = {"id": str(uuid.uuid4()), "feeling": 2}
    check = {"id": str(uuid.uuid4()), "answer": "partly"}
    session = phone.get("/api/v1/walk-session").get_json()
    answers = [
        phone.get(base).get_json(),
        phone.get(f"{base}/spots").get_json(),
        phone.get(f"{base}/measures/{walk['measure_id']}").get_json(),
        api_post(phone, f"{base}/spots", spot).get_json(),
        api_post(phone, f"{base}/stops/{walk['stop_id']}/ratings", rating).get_json(),
        api_post(phone, f"{base}/measures/{walk['measure_id']}/checks", check).get_json(),
    ]
    for answer in [session, *answers]:
        identity = {k for k in _keys(answer) if any(word in k for word in IDENTITY_KEYS)}
        assert identity == set(), answer
    # Only the walk session names the phone's own outbox (walk-<its id>); nothing else does.
    participant = world.participant_session["participant_id"]
    assert session["outbox_scope"] == f"walk-{participant}"
    assert all(participant not in str(answer) for answer in answers)


def test_others_spots_reach_a_participant_without_their_notes(app, world):
    phone = client_for(app, world, "participant")
    spots = phone.get(f"/api/v1/walks/{world.targets['walk:shared']['walk_id']}/spots").get_json()
    others = [s for s in spots["spots"] if not s["mine"]]
    assert others and all(set(s) == {"id", "lat", "lon", "category", "mine"} for s in others)


def test_the_checkable_measure_shows_residents_no_internal_note(app, world):
    phone = client_for(app, world, "participant")
    walk = world.targets["walk:shared"]
    measure = phone.get(f"/api/v1/walks/{walk['walk_id']}/measures/{walk['measure_id']}").get_json()
    assert "internal_note" not in measure and "SHAREDMARK" not in str(measure)
