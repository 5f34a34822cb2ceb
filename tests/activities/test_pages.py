"""Every activity page renders for the roles that use it, in Swedish and in English."""

from __future__ import annotations

import re

import pytest

from tests.activities.helpers import (
    ago,
    andt_payload,
    iso,
    meeting_payload,
    patrol_payload,
    visit_payload,
)
from tests.conftest import api_post, form_csrf_token

URL = "/api/v1/activities"


@pytest.fixture
def one_of_each(officer_client):  # type: ignore[no-untyped-def]
    ids = {}
    for name, payload in (
        ("patrol", patrol_payload()),
        ("visit", visit_payload()),
        ("andt", andt_payload()),
        ("meeting", meeting_payload()),
    ):
        response = api_post(officer_client, URL, payload)
        assert response.status_code == 201, response.get_json()
        ids[name] = payload["id"]
    return ids


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_pages_render_for_the_officer(officer_client, one_of_each, locale):
    token = form_csrf_token(officer_client.get("/").get_data(as_text=True))
    officer_client.post("/language", data={"locale": locale, "csrf_token": token})
    pages = ["/activities/", "/activities/new", "/activities/follow-ups", "/patrols/", "/promises/"]
    pages += [
        f"/activities/new/{code}" for code in ("foretagsbesok", "andt", "samverkan-skola-soc")
    ]
    for activity_id in one_of_each.values():
        pages += [f"/activities/{activity_id}", f"/activities/{activity_id}/edit"]
    pages.append(f"/patrols/{one_of_each['patrol']}")
    for page in pages:
        response = officer_client.get(page, follow_redirects=True)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert f'<html lang="{locale}"' in html


def test_patrol_edit_form_changes_participants_and_keeps_the_route(
    app, officer_client, one_of_each
):
    patrol_id = one_of_each["patrol"]
    route = {"type": "LineString", "coordinates": [[13.144, 59.8366], [13.146, 59.837]]}
    api_post(
        officer_client, f"{URL}/{patrol_id}/stop", {"ended_at": iso(ago(minutes=5)), "route": route}
    )
    page = officer_client.get(f"/activities/{patrol_id}/edit").get_data(as_text=True)
    form = {
        "csrf_token": form_csrf_token(page),
        "started_at": re.search(r'name="started_at" value="([^"]+)"', page).group(1),
        "ended_at": re.search(r'name="ended_at" value="([^"]*)"', page).group(1),
        "details.participants_count": "4",
        "details.organisations": ["police", "municipality"],
        "area": "sunne-centrum",
        "visibility": "police",
    }
    response = officer_client.post(f"/activities/{patrol_id}/edit", data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/patrols/{patrol_id}")
    body = officer_client.get(f"{URL}/{patrol_id}").get_json()
    assert body["details"]["participants_count"] == 4
    assert body["route"] == route


def test_swedish_is_the_default_language_of_the_activity_pages(app, officer_client, started_patrol):
    app.config["LANGUAGES"] = ("sv", "en")
    assert "Spårar rutt" in officer_client.get("/patrols/").get_data(as_text=True)
    form = officer_client.get("/activities/new/andt").get_data(as_text=True)
    assert "Skriv inte namn eller personnummer" in form
    payload = andt_payload(note="Pratade med 640823-3234")
    message = api_post(officer_client, URL, payload).get_json()["error"]["fields"]["note"]
    assert "personnummer" in message
