"""Every activity page renders for the roles that use it, in Swedish and in English."""

from __future__ import annotations

import re
from datetime import timedelta

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


def _listed_ids(html: str) -> list[str]:
    return re.findall(r'href="/(?:activities|patrols)/([0-9a-f-]{36})"', html)


def _pager_link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a class="btn" rel="{rel}" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_the_activity_list_pages_back_through_every_activity_keeping_its_filter(officer_client):
    """A year of work is more than one page: every activity is reachable by "Older", and the
    filter chosen stays on every page (the list used to stop at the latest 200)."""
    created = []
    for i in range(53):
        payload = andt_payload(started_at=iso(ago(days=i, hours=2)))
        assert api_post(officer_client, URL, payload).status_code == 201
        created.append(payload["id"])
    other = visit_payload()
    assert api_post(officer_client, URL, other).status_code == 201

    first = officer_client.get("/activities/?type=andt").get_data(as_text=True)
    assert _listed_ids(first) == created[:50]  # newest first
    assert _pager_link(first, "prev") is None
    older = _pager_link(first, "next")
    assert older is not None and "type=andt" in older and "page=2" in older

    second = officer_client.get(older).get_data(as_text=True)
    assert _listed_ids(second) == created[50:]
    assert "Page 2" in second
    assert _pager_link(second, "next") is None
    assert "type=andt" in (_pager_link(second, "prev") or "")

    everything = officer_client.get("/activities/").get_data(as_text=True)
    assert other["id"] in _listed_ids(everything)
    assert officer_client.get("/activities/?page=x").status_code == 404


def test_one_page_of_activities_shows_no_pager(officer_client, one_of_each):
    html = officer_client.get("/activities/").get_data(as_text=True)
    assert set(one_of_each.values()) <= set(_listed_ids(html))
    assert 'class="pager"' not in html


def test_earlier_patrols_page_back_under_the_start_form(officer_client):
    created = []
    for i in range(27):
        started = ago(days=i, hours=3)
        payload = patrol_payload(
            started_at=iso(started), ended_at=iso(started + timedelta(hours=1))
        )
        assert api_post(officer_client, URL, payload).status_code == 201, payload
        created.append(payload["id"])
    first = officer_client.get("/patrols/").get_data(as_text=True)
    assert _listed_ids(first) == created[:25]
    second = officer_client.get(_pager_link(first, "next")).get_data(as_text=True)
    assert _listed_ids(second) == created[25:]


def test_a_record_opened_after_saving_through_the_api_says_saved_once(officer_client):
    """The offline-capable forms save through the API and then open the record with
    `?saved=1` (`?stopped=1` for a patrol): the page says so, at its own address."""
    visit = visit_payload()
    api_post(officer_client, URL, visit)
    response = officer_client.get(f"/activities/{visit['id']}?saved=1")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/activities/{visit['id']}"
    assert "Saved." in officer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved." not in officer_client.get(f"/activities/{visit['id']}").get_data(as_text=True)

    started = ago(hours=2)
    patrol = patrol_payload(started_at=iso(started))
    api_post(officer_client, URL, patrol)
    running = officer_client.get(f"/patrols/{patrol['id']}?stopped=1")
    assert running.status_code == 200  # not stopped: nothing to say
    assert "Patrol stopped." not in running.get_data(as_text=True)
    api_post(officer_client, f"{URL}/{patrol['id']}/stop", {"ended_at": iso(ago(minutes=5))})
    stopped = officer_client.get(f"/patrols/{patrol['id']}?stopped=1", follow_redirects=True)
    assert "Patrol stopped." in stopped.get_data(as_text=True)
