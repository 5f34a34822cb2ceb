"""A participant sees only their own walk's shared content: every id outside it is a 404.

The ids are guessed the way an attacker would: other walks, their stops and spots, observations
and measures by number or UUID. Staff pages and the staff API do not open at all (no login).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from tests.conftest import api_post
from tests.walks.helpers import join, make_walk, post_rating, post_spot, rating, spot
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation


@pytest.fixture
def two_walks(app, coordinator):  # type: ignore[no-untyped-def]
    mine = make_walk(app, coordinator.id, name="Min vandring")
    other = make_walk(app, coordinator.id, name="Annan vandring", visibility="police")
    phone = join(app, mine.join_code)
    stranger = join(app, other.join_code)
    other_spot = spot(note="Hemlig anteckning")
    assert post_spot(stranger, other.id, other_spot).status_code == 201
    return mine, other, phone, other_spot


def _police_records(app, coordinator):  # type: ignore[no-untyped-def]
    with app.app_context():
        observation = Observation(
            id=str(uuid.uuid4()),
            lat=59.8366,
            lon=13.144,
            observed_at=datetime.now(UTC),
            category_code="narkotika",
            note="Polisens iakttagelse",
            visibility="police",
            author_id=coordinator.id,
            content_hash="x",
        )
        measure = Measure(
            title="Polisens åtgärd", visibility="police", created_by_id=coordinator.id
        )
        db.session.add_all([observation, measure])
        db.session.commit()
        return observation.id, measure.id


def test_other_walks_pages_and_api_are_404(app, two_walks):
    mine, other, phone, other_spot = two_walks
    assert phone.get(f"/walk/{other.id}").status_code == 404
    assert phone.get(f"/walk/{other.id + 1000}").status_code == 404
    for url in (
        f"/api/v1/walks/{other.id}",
        f"/api/v1/walks/{other.id}/spots",
        "/api/v1/walks/999999",
    ):
        response = phone.get(url)
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"] == "not_found"
    assert post_spot(phone, other.id, spot()).status_code == 404
    assert post_rating(phone, other.id, other.stops[0].id, rating()).status_code == 404


def test_stops_of_another_walk_are_404_even_under_my_walk(app, two_walks):
    mine, other, phone, _ = two_walks
    assert post_rating(phone, mine.id, other.stops[0].id, rating()).status_code == 404
    assert post_rating(phone, mine.id, 999999, rating()).status_code == 404
    assert post_rating(phone, mine.id, mine.stops[0].id, rating()).status_code == 201


def test_photos_only_go_to_my_own_spots_on_my_walk(app, two_walks):
    mine, other, phone, other_spot = two_walks
    photo = str(uuid.uuid4())
    for walk_id, spot_id in (
        (mine.id, other_spot["id"]),
        (other.id, other_spot["id"]),
        (mine.id, str(uuid.uuid4())),
    ):
        response = phone.put(
            f"/api/v1/walks/{walk_id}/spots/{spot_id}/photos/{photo}",
            data=b"\xff\xd8",
            headers={"X-CSRFToken": phone.get("/api/v1/csrf-token").get_json()["csrf_token"]},
        )
        assert response.status_code == 404


def test_measures_and_observations_cannot_be_reached_by_guessing(app, coordinator, two_walks):
    mine, other, phone, _ = two_walks
    observation_id, measure_id = _police_records(app, coordinator)
    assert phone.get(f"/api/v1/walks/{mine.id}/measures/{measure_id}").status_code == 404
    check = {"id": str(uuid.uuid4()), "answer": "resolved"}
    assert (
        api_post(phone, f"/api/v1/walks/{mine.id}/measures/{measure_id}/checks", check).status_code
        == 404
    )
    # The staff API and pages do not open to a participant at all: no account, no session.
    for url in (
        f"/api/v1/observations/{observation_id}",
        "/api/v1/observations.geojson",
        "/api/v1/measures.geojson",
    ):
        response = phone.get(url)
        assert response.status_code == 401, url
        assert "Polisens" not in response.get_data(as_text=True)
    for url in (
        f"/measures/{measure_id}",
        f"/walks/{mine.id}",
        f"/walks/{other.id}/protocol",
        f"/review/observations/{observation_id}",
        "/walks/",
    ):
        response = phone.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert api_post(phone, "/api/v1/observations", spot()).status_code == 401


def test_a_participant_sees_other_spots_of_the_walk_without_their_notes(app, coordinator):
    walk = make_walk(app, coordinator.id)
    alice, bob = join(app, walk.join_code), join(app, walk.join_code)
    post_spot(alice, walk.id, spot(note="Alice ser en trasig lampa"))
    post_spot(bob, walk.id, spot(note="Bob ser klotter", category="skadegorelse"))
    seen = bob.get(f"/api/v1/walks/{walk.id}/spots").get_json()["spots"]
    assert len(seen) == 2
    assert "Alice" not in str(seen)
    assert [s["note"] for s in seen if s["mine"]] == ["Bob ser klotter"]
    page = bob.get(f"/walk/{walk.id}").get_data(as_text=True)
    assert "Alice ser" not in page and "Bob ser klotter" in page


def test_the_participant_page_never_shows_internal_notes(app, coordinator):
    walk = make_walk(app, coordinator.id, notes="INTERNT: ring fastighetsägaren")
    page = join(app, walk.join_code).get(f"/walk/{walk.id}").get_data(as_text=True)
    assert "INTERNT" not in page
