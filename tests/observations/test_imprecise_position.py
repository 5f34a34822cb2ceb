"""An observation saved with a GPS fix worse than the limit keeps that it is imprecise (issue 15):
the phone says so when the user chose "save anyway", the server sees it from accuracy_m too, and
the coordinator reads it in the API, the GeoJSON and on the review page."""

from __future__ import annotations

from flask import Flask

from tests.observations.conftest import GEOJSON_URL, create, payload, post_observation
from webapp.extensions import db
from webapp.observations.models import Observation


def stored_flag(app: Flask, observation_id: str) -> bool:
    with app.app_context():
        row = db.session.get(Observation, observation_id)
        assert row is not None
        return row.imprecise_position


def test_save_anyway_with_a_poor_fix_is_stored_as_imprecise(app, officer_client):
    body = create(officer_client, accuracy_m=120.0, imprecise_position=True)
    assert body["imprecise_position"] is True
    assert stored_flag(app, body["id"]) is True


def test_a_fix_worse_than_the_limit_is_imprecise_even_if_the_phone_did_not_say(app, officer_client):
    app.config["GPS_ACCURACY_LIMIT_M"] = 50
    assert create(officer_client, accuracy_m=120.0)["imprecise_position"] is True
    assert create(officer_client, accuracy_m=50.0)["imprecise_position"] is False


def test_a_pin_placed_by_hand_is_not_imprecise(app, officer_client):
    body = create(officer_client, accuracy_m=None, manual_position=True, imprecise_position=True)
    assert body["imprecise_position"] is False


def test_a_replay_of_an_imprecise_entry_is_the_same_entry(app, officer_client):
    sent = payload(accuracy_m=120.0, imprecise_position=True)
    assert post_observation(officer_client, sent).status_code == 201
    assert post_observation(officer_client, sent).status_code == 200


def test_the_flag_must_be_a_boolean(app, officer_client):
    response = post_observation(officer_client, payload(imprecise_position="yes"))
    assert response.status_code in (400, 422)
    assert "imprecise_position" in response.get_json()["error"]["fields"]


def test_the_coordinator_sees_the_flag_on_the_map_data_and_the_review_page(
    app, officer_client, as_user, coordinator
):
    imprecise = create(
        officer_client, accuracy_m=120.0, imprecise_position=True, visibility="police"
    )
    precise = create(officer_client, accuracy_m=8.0, visibility="police")
    client = as_user(coordinator)
    features = {f["id"]: f["properties"] for f in client.get(GEOJSON_URL).get_json()["features"]}
    assert features[imprecise["id"]]["imprecise_position"] is True
    assert features[precise["id"]]["imprecise_position"] is False
    page = client.get(f"/review/observations/{imprecise['id']}").get_data(as_text=True)
    assert 'id="imprecise-position"' in page
    page = client.get(f"/review/observations/{precise['id']}").get_data(as_text=True)
    assert 'id="imprecise-position"' not in page
