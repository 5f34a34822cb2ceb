"""Shared phones forget (issue 16): once the session is gone, no police or municipal record page
can be read from the service worker's caches, the stored entry forms are purged as soon as the
server says the session ended, record pages are never stored by the browser either, and one
account's waiting entries are neither shown to nor sent by another account on the same phone.
"""

# ruff: noqa: F811 - pytest fixtures imported from the browser conftest are parameters here

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from tests.activities.helpers import meeting_payload
from tests.browser.conftest import (  # noqa: F401 - the shared browser fixtures
    browser,
    chromium_path,
    live_server,
    phone,
    playwright,
    pytest_runtest_makereport,
)
from tests.browser.helpers import (
    log_in,
    outbox_items,
    poll,
    save_observation,
    server_observations,
    wait_for_offline_forms,
    wait_for_outbox_count,
    wait_for_position,
    wait_for_service_worker,
)
from tests.conftest import api_post

POLICE_NOTE = "Hemlig polisanteckning 4711 om trappan vid torget"
MEETING_NOTE = "Mötesanteckning 0815 om årskurs 8"

# Every response body in every cache of this origin that contains `secret`.
CACHED_WITH = """async (secret) => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const text = await (await cache.match(request)).text();
      if (text.includes(secret)) found.push(name + ' ' + request.url);
    }
  }
  return found;
}"""

# The paths of every page a user's forms cache holds (the shell cache is the same for everyone).
USER_PAGES = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith('trygg-forms-') && !name.startsWith('trygg-pages-')) continue;
    for (const request of await (await caches.open(name)).keys()) {
      const path = new URL(request.url).pathname;
      if (!path.startsWith('/__trygg/')) paths.push(path);
    }
  }
  return paths;
}"""


def police_observation(client: FlaskClient) -> str:
    payload = {
        "id": str(uuid.uuid4()),
        "lat": 59.8366,
        "lon": 13.1440,
        "accuracy_m": 8,
        "observed_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "category": "otrygg-plats",
        "note": POLICE_NOTE,
        "visibility": "police",
    }
    response = api_post(client, "/api/v1/observations", payload)
    assert response.status_code == 201, response.get_json()
    return payload["id"]


def meeting(client: FlaskClient) -> str:
    payload = meeting_payload(note=MEETING_NOTE, visibility="shared")
    response = api_post(client, "/api/v1/activities", payload)
    assert response.status_code == 201, response.get_json()
    return payload["id"]


def user_pages(page: Page) -> list[str]:
    return page.evaluate(USER_PAGES)


@pytest.mark.browser
def test_record_pages_cannot_be_read_offline_once_the_session_is_gone(
    phone, app, officer, staff, coordinator, as_user
):  # type: ignore[no-untyped-def]
    pages = {
        f"/review/observations/{police_observation(as_user(officer))}": POLICE_NOTE,
        f"/activities/{meeting(as_user(staff))}": MEETING_NOTE,
    }
    page = phone.page
    log_in(page, "coordinator")
    wait_for_service_worker(page)
    for url, note in pages.items():
        page.goto(url)
        expect(page.locator("main")).to_contain_text(note)

    # The browser is closed: its session cookie is gone, the profile with its caches stays.
    phone.context.clear_cookies()
    phone.go_offline()
    for url, note in pages.items():
        page.goto(url)
        expect(page.locator("#offline-page")).to_be_visible()
        assert note not in page.content()
        assert page.evaluate(CACHED_WITH, note) == [], f"{note!r} is in a cache"


@pytest.mark.browser
@pytest.mark.parametrize("server_says", ["a page for nobody", "401 from the API"])
def test_stored_forms_are_purged_as_soon_as_the_server_says_the_session_ended(
    phone, app, officer, server_says
):  # type: ignore[no-untyped-def]
    page = phone.page
    log_in(page, "officer")
    wait_for_service_worker(page)
    poll(page, f"() => ({USER_PAGES})().then(paths => paths.includes('/field/new'))")

    phone.context.clear_cookies()  # the session ended (browser closed, idle expiry, logout)
    if server_says == "a page for nobody":
        page.goto("/report")  # any page: it is made for "nobody" now
    else:
        status = page.evaluate("() => fetch('/api/v1/me').then(r => r.status)")
        assert status == 401
    poll(page, f"() => ({USER_PAGES})().then(paths => paths.length === 0)")

    phone.go_offline()
    page.goto("/field/new")
    expect(page.locator("#offline-page")).to_be_visible()


@pytest.mark.browser
def test_another_account_can_neither_see_nor_send_waiting_entries_of_a_logged_out_user(
    phone, app, officer, staff
):  # type: ignore[no-untyped-def]
    page = phone.page
    log_in(page, "officer")
    wait_for_service_worker(page)
    page.goto("/field/new")
    wait_for_position(page)
    phone.go_offline()
    save_observation(page, "otrygg-plats", note="Väntar i polisens utkorg")
    (waiting,) = outbox_items(page)

    # The browser is closed without logging out; a colleague from the kommun takes the phone.
    phone.context.clear_cookies()
    phone.go_online()
    expect(page.locator("#relogin-banner")).to_be_visible()  # the flush found no session
    log_in(page, "staff")
    staff_id = page.locator("body").get_attribute("data-user-id")
    page.get_by_role("link", name="Mina registreringar").first.click()
    expect(page).to_have_url(re.compile(r"/field/mine$"))
    expect(page.locator("#outbox-empty")).to_be_visible()
    expect(page.locator("#outbox-list > li")).to_have_count(0)
    expect(page.locator("#net-status .outbox-count")).to_be_hidden()
    assert "Väntar i polisens utkorg" not in page.content()
    # Nothing of the colleague's own waits, so "Send now" is not offered; a send forced as the
    # button would (and as coming online does) sends nothing of the officer's either.
    expect(page.locator("main [data-outbox-flush]")).to_be_hidden()
    result = page.evaluate("async () => (await TryggOutbox.flush({force: true})).sent.length")
    assert result == 0
    assert server_observations(app) == {}
    # The forms the worker keeps now are the colleague's own.
    wait_for_offline_forms(page)
    owner = page.evaluate(
        """async () => {
        for (const name of (await caches.keys()).filter(n => n.startsWith('trygg-forms-'))) {
          const meta = await (await caches.open(name)).match('/__trygg/forms-meta');
          if (meta) return (await meta.json()).user;
        }
        return null;
    }"""
    )
    assert owner == staff_id

    # The officer comes back: the entry is still on the phone and arrives exactly once.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Logga ut").click()
    expect(page.locator("body")).not_to_have_attribute("data-user-id", re.compile(r"\d"))
    log_in(page, "officer")
    wait_for_outbox_count(page, 0, timeout=30)
    assert set(server_observations(app)) == {waiting["id"]}


def test_record_pages_and_api_answers_say_no_store(
    app: Flask, officer, coordinator, as_user
) -> None:  # type: ignore[no-untyped-def]
    observation_id = police_observation(as_user(officer))
    client = as_user(coordinator)
    for url in (
        f"/review/observations/{observation_id}",
        "/patrols/",
        "/activities/",
        "/field/mine",
        "/",
        "/api/v1/observations.geojson",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url
    page = client.get(f"/review/observations/{observation_id}")
    assert page.headers["X-Trygg-Session"] == str(coordinator.id)
    anonymous = app.test_client().get("/report")
    assert anonymous.headers["X-Trygg-Session"] == "none"
    # The app shell is the same for everyone and keeps its long cache life.
    assert "no-store" not in app.test_client().get("/static/js/app.js").headers["Cache-Control"]


def test_the_offline_copy_of_the_patrol_page_holds_no_patrols(app: Flask, officer, as_user) -> None:  # type: ignore[no-untyped-def]
    from tests.activities.helpers import patrol_payload

    client = as_user(officer)
    started = patrol_payload(details={"participants_count": 7, "organisations": ["police"]})
    assert api_post(client, "/api/v1/activities", started).status_code == 201
    online = client.get("/patrols/").get_data(as_text=True)
    assert f"/patrols/{started['id']}" in online
    stored = client.get("/patrols/", headers={"X-Trygg-Precache": "1"}).get_data(as_text=True)
    assert started["id"] not in stored
    assert 'id="patrol-start-form"' in stored


def test_the_forms_list_names_every_form_the_user_may_record(
    app: Flask, officer, staff, admin, as_user
) -> None:  # type: ignore[no-untyped-def]
    def pages(user: Any) -> list[str]:
        response = as_user(user).get("/field/offline-pages")
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"]
        return response.get_json()["pages"]

    police = pages(officer)
    assert {"/", "/field/new", "/field/mine", "/activities/new", "/patrols/"} <= set(police)
    assert {"/activities/new/foretagsbesok", "/activities/new/andt"} <= set(police)
    assert "/activities/new/samverkan-skola-soc" in pages(staff)
    assert pages(admin) == []
    assert app.test_client().get("/field/offline-pages").status_code == 401
