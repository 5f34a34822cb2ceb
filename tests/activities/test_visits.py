"""Business visits: organisation numbers, topics, and outside-tätort computed from the area."""

from __future__ import annotations

import re

import pytest

from tests.activities.helpers import INSIDE_TATORT, OUTSIDE_TATORT, ago, load, visit_payload
from tests.conftest import api_post, form_csrf_token
from webapp.activities.kinds.orgnr import OrgNumberProblem, check_org_number
from webapp.activities.views import local_input

URL = "/api/v1/activities"


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("556036-0793", "556036-0793"),
        ("5560360793", "556036-0793"),
        (" 212000-1355 ", "212000-1355"),
    ],
)
def test_valid_organisation_numbers_are_normalised(value, normalised):
    assert check_org_number(value) == (normalised, None)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("556036-0794", OrgNumberProblem.CHECK_DIGIT),
        ("556036-079", OrgNumberProblem.FORMAT),
        ("55603-60793", OrgNumberProblem.FORMAT),
        ("AB556036-0793", OrgNumberProblem.FORMAT),
        ("16556036-0793", OrgNumberProblem.FORMAT),
        # Skatteverket's test personnummer: a sole trader's number is a person's number.
        ("640823-3234", OrgNumberProblem.PERSONAL),
    ],
)
def test_invalid_organisation_numbers_are_refused(value, problem):
    assert check_org_number(value) == (None, problem)


def test_visit_outside_the_tatort_is_flagged_outside(officer_client):
    body = api_post(officer_client, URL, visit_payload()).get_json()
    assert body["outside_tatort"] is True
    assert body["details"]["org_number"] == "556036-0793"


def test_visit_inside_the_tatort_is_not_outside(officer_client):
    lat, lon = INSIDE_TATORT
    body = api_post(officer_client, URL, visit_payload(lat=lat, lon=lon)).get_json()
    assert body["outside_tatort"] is False


def test_outside_tatort_cannot_be_typed_in(officer_client):
    lat, lon = INSIDE_TATORT
    response = api_post(officer_client, URL, visit_payload(lat=lat, lon=lon, outside_tatort=True))
    assert response.status_code == 422


def test_outside_tatort_follows_the_edited_area_geometry(app, officer_client):
    from webapp.extensions import db
    from webapp.geo.areas import Area

    with app.app_context():
        tatort = db.session.execute(db.select(Area).filter_by(code="sunne-tatort")).scalar_one()
        lat, lon = OUTSIDE_TATORT
        tatort.geometry = {
            "type": "Polygon",
            "coordinates": [
                [
                    [lon - 0.1, lat - 0.1],
                    [lon + 0.1, lat - 0.1],
                    [lon + 0.1, lat + 0.1],
                    [lon - 0.1, lat - 0.1],
                ]
            ],
        }
        db.session.commit()
    assert api_post(officer_client, URL, visit_payload()).get_json()["outside_tatort"] is False


def test_visit_needs_a_position_and_a_business_name(officer_client):
    payload = visit_payload()
    del payload["lat"], payload["lon"]
    payload["details"]["business_name"] = " "
    response = api_post(officer_client, URL, payload)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"lat", "details.business_name"} <= set(fields)


def test_organisation_number_errors_come_back_on_the_field(officer_client):
    payload = visit_payload()
    payload["details"]["org_number"] = "640823-3234"
    response = api_post(officer_client, URL, payload)
    assert response.status_code == 422
    assert "sole trader" in response.get_json()["error"]["fields"]["details.org_number"]


def test_visit_without_organisation_number_is_fine(officer_client):
    payload = visit_payload()
    payload["details"]["org_number"] = None
    assert api_post(officer_client, URL, payload).status_code == 201


def test_unknown_topic_is_refused(officer_client):
    payload = visit_payload()
    payload["details"]["topics"] = ["inbrott_stold", "skatt"]
    response = api_post(officer_client, URL, payload)
    assert "details.topics" in response.get_json()["error"]["fields"]


def test_visit_through_the_form(app, officer_client):
    html = officer_client.get("/activities/new/foretagsbesok").get_data(as_text=True)
    activity_id = re.search(r'name="id" value="([^"]+)"', html).group(1)
    lat, lon = OUTSIDE_TATORT
    form = {
        "csrf_token": form_csrf_token(html),
        "id": activity_id,
        "started_at": local_input(ago(days=2)),
        "lat": str(lat).replace(".", ","),  # a Swedish keyboard's decimal comma
        "lon": str(lon),
        "manual_position": "1",
        "details.business_name": "Gården i Rottneros",
        "details.org_number": "5560360793",
        "details.topics": ["bedrageri"],
        "details.outcome": "Info om bedrägerier via telefon.",
        "visibility": "police",
    }
    response = officer_client.post("/activities/new/foretagsbesok", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    visit = load(app, activity_id)
    assert visit.outside_tatort is True
    assert visit.manual_position is True
    assert visit.details["org_number"] == "556036-0793"
    detail = officer_client.get(f"/activities/{activity_id}").get_data(as_text=True)
    assert "Gården i Rottneros" in detail


def test_form_shows_the_same_messages_as_the_api(officer_client):
    html = officer_client.get("/activities/new/foretagsbesok").get_data(as_text=True)
    form = {
        "csrf_token": form_csrf_token(html),
        "id": re.search(r'name="id" value="([^"]+)"', html).group(1),
        "started_at": local_input(ago(days=2)),
        "details.business_name": "X",
        "details.org_number": "556036-0794",
        "details.topics": ["trygghet"],
    }
    response = officer_client.post("/activities/new/foretagsbesok", data=form)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    api = api_post(
        officer_client,
        URL,
        {**visit_payload(), "details": {**visit_payload()["details"], "org_number": "556036-0794"}},
    )
    message = api.get_json()["error"]["fields"]["details.org_number"]
    assert message in text.replace("&#39;", "'")
