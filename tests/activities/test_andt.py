"""ANDT interventions: counts by age band, substances, and no personal identity numbers."""

from __future__ import annotations

import re

import pytest

from tests.activities.helpers import ago, andt_payload, load
from tests.conftest import api_post, form_csrf_token
from webapp.activities.views import local_input

URL = "/api/v1/activities"
# Skatteverket's published test numbers (valid check digits), in the spellings people type.
PERSONNUMMER = ["640823-3234", "196408233234", "6408233234", "19640823-3234"]


def test_counts_by_age_band_are_stored(app, officer_client):
    body = api_post(officer_client, URL, andt_payload()).get_json()
    assert body["details"]["reached"] == {"under_15": 3, "age_15_17": 5, "age_18_20": 1}
    assert body["details"]["substances"] == ["alkohol", "tobak"]


def test_missing_age_bands_count_as_zero(officer_client):
    payload = andt_payload()
    payload["details"]["reached"] = {"age_15_17": 2}
    body = api_post(officer_client, URL, payload).get_json()
    assert body["details"]["reached"] == {"under_15": 0, "age_15_17": 2, "age_18_20": 0}


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, 10_000])
def test_counts_must_be_whole_numbers_in_range(officer_client, bad):
    payload = andt_payload()
    payload["details"]["reached"]["under_15"] = bad
    response = api_post(officer_client, URL, payload)
    assert response.status_code == 422
    assert "details.reached.under_15" in response.get_json()["error"]["fields"]


def test_unknown_age_band_is_refused(officer_client):
    payload = andt_payload()
    payload["details"]["reached"]["age_21_25"] = 2
    response = api_post(officer_client, URL, payload)
    assert "details.reached.age_21_25" in response.get_json()["error"]["fields"]


def test_kind_of_intervention_and_a_substance_are_required(officer_client):
    payload = andt_payload()
    payload["details"]["intervention"] = "razzia"
    payload["details"]["substances"] = []
    fields = api_post(officer_client, URL, payload).get_json()["error"]["fields"]
    assert {"details.intervention", "details.substances"} <= set(fields)


@pytest.mark.parametrize("number", PERSONNUMMER)
@pytest.mark.parametrize("field", ["note", "place", "details.actions"])
def test_text_with_a_personal_identity_number_is_refused(officer_client, number, field):
    payload = andt_payload()
    text = f"Pratade med {number} vid kiosken"
    if field.startswith("details."):
        payload["details"][field.split(".", 1)[1]] = text
    else:
        payload[field] = text
    response = api_post(officer_client, URL, payload)
    assert response.status_code == 422
    message = response.get_json()["error"]["fields"][field]
    assert "personal identity number" in message


def test_ordinary_numbers_in_text_are_fine(officer_client):
    payload = andt_payload(note="Kontroll kl 21.30, buss 400, tel 0565-123 45, 2016-05-03")
    assert api_post(officer_client, URL, payload).status_code == 201


def test_form_says_no_names_and_refuses_identity_numbers(app, officer_client):
    html = officer_client.get("/activities/new/andt").get_data(as_text=True)
    assert "Do not write names or personal identity numbers" in html
    activity_id = re.search(r'name="id" value="([^"]+)"', html).group(1)
    form = {
        "csrf_token": form_csrf_token(html),
        "id": activity_id,
        "started_at": local_input(ago(hours=2)),
        "place": "Busstationen",
        "details.intervention": "kontroll",
        "details.reached.under_15": "",
        "details.reached.age_15_17": "4",
        "details.reached.age_18_20": "2",
        "details.substances": ["alkohol"],
        "details.actions": "Beslag av öl från 640823-3234",
    }
    refused = officer_client.post("/activities/new/andt", data=form)
    assert refused.status_code == 422
    assert "personal identity number" in refused.get_data(as_text=True)
    assert load(app, activity_id) is None
    form["details.actions"] = "Beslag av öl, föräldrar kontaktade."
    assert officer_client.post("/activities/new/andt", data=form).status_code == 302
    stored = load(app, activity_id)
    assert stored.details["reached"] == {"under_15": 0, "age_15_17": 4, "age_18_20": 2}


def test_detail_page_shows_the_total_reached(officer_client):
    body = api_post(officer_client, URL, andt_payload()).get_json()
    html = officer_client.get(f"/activities/{body['id']}").get_data(as_text=True)
    assert re.search(r"<dd>\s*9\s*<span", html)
