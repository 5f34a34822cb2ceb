"""Duplicate suggestions on the review page: same category, within 30 m and 7 days, one click."""

from __future__ import annotations

from tests.conftest import form_csrf_token
from tests.map.helpers import add_observation
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.observations.duplicates import duplicate_suggestions
from webapp.observations.models import Observation

# About 20 m and 50 m north of the demo point (1 degree of latitude is about 111 km).
LAT = 59.8366
LAT_20M = LAT + 20 / 111_320
LAT_50M = LAT + 50 / 111_320


def _suggested_ids(app, observation_id: str, user) -> list[str]:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        observation = db.session.get(Observation, observation_id)
        return [s.observation.id for s in duplicate_suggestions(observation, user)]


def test_records_of_the_same_category_close_in_place_and_time_are_suggested(
    app, officer, coordinator
):
    with app.app_context():
        viewed = add_observation(officer, hours_ago=1)
        near = add_observation(officer, lat=LAT_20M, hours_ago=30)
        add_observation(officer, lat=LAT_50M, hours_ago=2)  # too far away
        add_observation(officer, hours_ago=24 * 8)  # too long ago
        add_observation(officer, category="skadegorelse", hours_ago=2)  # another kind of problem
        add_observation(officer, status="duplicate", hours_ago=2)  # already merged elsewhere
    assert _suggested_ids(app, viewed, coordinator) == [near]


def test_the_radius_and_window_come_from_the_configuration(app, officer, coordinator):
    with app.app_context():
        viewed = add_observation(officer, hours_ago=1)
        far = add_observation(officer, lat=LAT_50M, hours_ago=1)
    app.config["DUPLICATE_RADIUS_M"] = 60
    try:
        assert _suggested_ids(app, viewed, coordinator) == [far]
    finally:
        app.config["DUPLICATE_RADIUS_M"] = 30


def test_a_record_the_viewer_may_not_read_is_never_suggested(app, officer, staff):
    with app.app_context():
        viewed = add_observation(staff, visibility="shared")
        add_observation(officer, visibility="police", lat=LAT_20M)
        shared = add_observation(officer, visibility="shared", lat=LAT_20M)
    assert _suggested_ids(app, viewed, staff) == [shared]


def test_the_review_page_shows_distance_and_time_and_merges_with_one_click(
    app, officer, coordinator, as_user
):
    with app.app_context():
        earlier = add_observation(officer, note="Lampan vid torget", lat=LAT_20M, hours_ago=26)
        later = add_observation(officer, note="Trasig lampa Stortorget", hours_ago=2)
    client = as_user(coordinator)
    page = client.get(f"/review/observations/{later}").get_data(as_text=True)
    assert "Lampan vid torget" in page
    assert "20 m bort, 1 dygn tidigare" in page
    assert "Klistra" not in page and f'name="other_id" value="{earlier}"' in page
    response = client.post(
        f"/review/observations/{later}/merge",
        data={"csrf_token": form_csrf_token(page), "other_id": earlier},
    )
    # The earlier record stays; the page of the one kept comes next.
    assert response.status_code == 302 and response.headers["Location"].endswith(earlier)
    with app.app_context():
        row = db.session.get(Observation, later)
        assert row.status == "duplicate" and row.duplicate_of_id == earlier
        assert db.session.get(Observation, earlier).status == "new"
        audit = db.session.execute(
            db.select(AuditEntry).filter_by(action="observation.duplicate")
        ).scalar_one()
        assert audit.target_id == later
    # Merged away, it is no longer offered on the original's page.
    assert (
        "Trasig lampa Stortorget"
        not in client.get(f"/review/observations/{earlier}")
        .get_data(as_text=True)
        .split("Möjliga dubbletter")[1]
    )


def test_merging_from_the_original_keeps_the_original(app, officer, coordinator, as_user):
    with app.app_context():
        earlier = add_observation(officer, hours_ago=26)
        later = add_observation(officer, hours_ago=2)
    client = as_user(coordinator)
    token = form_csrf_token(client.get(f"/review/observations/{earlier}").get_data(as_text=True))
    client.post(
        f"/review/observations/{earlier}/merge", data={"csrf_token": token, "other_id": later}
    )
    with app.app_context():
        assert db.session.get(Observation, later).duplicate_of_id == earlier
        assert db.session.get(Observation, earlier).duplicate_of_id is None


def test_only_coordinators_merge(app, officer, staff, as_user):
    with app.app_context():
        one = add_observation(officer, visibility="shared", hours_ago=3)
        two = add_observation(officer, visibility="shared", hours_ago=2)
    client = as_user(officer)
    page = client.get(f"/review/observations/{one}").get_data(as_text=True)
    assert "Möjliga dubbletter" not in page
    response = client.post(
        f"/review/observations/{one}/merge",
        data={"csrf_token": form_csrf_token(page), "other_id": two},
    )
    assert response.status_code == 403
