"""An activity form saved online on a phone with a weak signal: it says it is sending, and the
server's answer (the record, or the fields to fix) comes in one round trip.

Found by a first-time user: online, an ANDT entry with the end before the start, latitude 91 and
longitude "abc" said "Sparad i telefonen" at once, and the field errors came only 6-10 s later:
the form's "send now" was a whole outbox flush (a fresh CSRF token, then /me, then the entry,
three round trips through a weak signal). Each test here runs with every API round trip taking
WEAK_SIGNAL_S, on a 360 px phone, and also fails if a request left 127.0.0.1 or the page threw
a JavaScript error (see the `phone` fixture).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import Phone
from tests.browser.helpers import (
    end_all_sessions,
    log_in,
    outbox_items,
    wait_for_service_worker,
)
from webapp.activities.models import Activity
from webapp.core.localtime import local_today
from webapp.extensions import db

pytestmark = pytest.mark.browser

WEAK_SIGNAL_S = 0.8  # one round trip to the API; three of them took longer than the 2 s allowed
QUEUED = "Sparad i telefonen"
# Where the screenshot of the refused form goes, beside the journeys' (tests/journeys/conftest.py).
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("JOURNEY_SHOTS", ROOT / "instance" / "journey-shots"))

# Installed before the tap: every text the status line shows, and the form's states, in order.
RECORD_STATUS = """() => {
  window.__statusTexts = [];
  window.__formStates = [];
  const form = document.getElementById('activity-form');
  const status = form.querySelector('[data-save-status]');
  new MutationObserver(() => window.__statusTexts.push(status.textContent))
    .observe(status, {childList: true, characterData: true, subtree: true});
  new MutationObserver(() => window.__formStates.push(form.dataset.state))
    .observe(form, {attributes: true, attributeFilter: ['data-state']});
}"""


class ApiLog:
    """The API requests the server got, each answered after a weak signal's round trip."""

    def __init__(self, delay: Callable[[str, str], float]) -> None:
        self.delay = delay
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def since(self, mark: int) -> list[tuple[str, str]]:
        with self.lock:
            return self.requests[mark:]

    def mark(self) -> int:
        with self.lock:
            return len(self.requests)


@pytest.fixture
def weak_signal(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiLog]:
    """Every /api/ request waits WEAK_SIGNAL_S before the app answers (the live server is
    threaded, so requests still overlap); `log.delay` can make one path slower."""
    log = ApiLog(lambda method, path: WEAK_SIGNAL_S)
    inner = app.wsgi_app

    def slow(environ, start_response):  # type: ignore[no-untyped-def]
        path = environ.get("PATH_INFO", "")
        if path.startswith("/api/"):
            method = environ.get("REQUEST_METHOD", "GET")
            with log.lock:
                log.requests.append((method, path))
            time.sleep(log.delay(method, path))
        return inner(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", slow)
    yield log


def open_andt_form(phone: Phone) -> Page:
    page = phone.page
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "officer")
    wait_for_service_worker(page)
    page.goto("/activities/new/andt")
    page.wait_for_load_state("load")
    expect(page.locator("#net-status .net-indicator")).to_have_text("Uppkopplad")
    return page


def fill_andt(page: Page, *, start: str, end: str, lat: str, lon: str) -> None:
    page.fill("#f-started_at", start)
    page.fill("#f-ended_at", end)
    page.locator("input[name='details.intervention'][value=samtal]").check()
    page.fill("#f-details-reached-under_15", "2")
    page.fill("#f-details-reached-age_15_17", "6")
    page.locator("input[name='details.substances'][value=tobak]").check()
    page.fill("#f-place", "Skateparken")
    page.fill("#f-lat-input", lat)
    page.fill("#f-lon-input", lon)


def yesterday_at(hour: int) -> str:
    return f"{(local_today() - timedelta(days=1)).isoformat()}T{hour:02d}:00"


def status_texts(page: Page) -> list[str]:
    return page.evaluate("() => window.__statusTexts")


def activities(app: Flask) -> list[Activity]:
    with app.app_context():
        return list(db.session.execute(db.select(Activity)).scalars())


def test_refused_online_shows_the_errors_at_once_with_everything_typed_kept(
    phone, app, officer, weak_signal
):
    page = open_andt_form(phone)
    # "Slutade" before "Startade", latitude 91, longitude "abc".
    fill_andt(page, start=yesterday_at(10), end=yesterday_at(9), lat="91", lon="abc")
    page.evaluate(RECORD_STATUS)
    mark = weak_signal.mark()

    page.locator("#activity-form button[type=submit]").tap()

    # Within 2 s (one round trip), next to the fields, and the form is ready to fix.
    expect(page.locator("#f-lat #f-lat-client-error")).to_be_visible(timeout=2_000)
    expect(page.locator("#f-lat #f-lon-client-error")).to_be_visible()
    expect(page.locator("#f-ended_at-client-error")).to_contain_text("före starttiden")
    expect(page.locator("#f-lat-input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#activity-form")).to_have_attribute("data-state", "rejected")
    expect(page.locator("[data-form-alert]")).to_be_visible()
    expect(page.locator("#activity-form button[type=submit]")).to_be_enabled()

    # It said what it did ("Skickar …"), never that it waits on the phone.
    texts = status_texts(page)
    assert any(text.startswith("Skickar") for text in texts), texts
    assert not any(QUEUED in text for text in texts), texts
    assert "queued" not in page.evaluate("() => window.__formStates")
    expect(page.locator("[data-save-status]")).not_to_contain_text(QUEUED)

    # Everything typed is still there.
    expect(page.locator("#f-started_at")).to_have_value(yesterday_at(10))
    expect(page.locator("#f-ended_at")).to_have_value(yesterday_at(9))
    expect(page.locator("#f-lat-input")).to_have_value("91")
    expect(page.locator("#f-lon-input")).to_have_value("abc")
    expect(page.locator("#f-place")).to_have_value("Skateparken")
    expect(page.locator("#f-details-reached-age_15_17")).to_have_value("6")
    expect(page.locator("input[name='details.intervention'][value=samtal]")).to_be_checked()
    expect(page.locator("input[name='details.substances'][value=tobak]")).to_be_checked()

    # One round trip: the entry itself, with the page's own CSRF token (no token fetch, no /me).
    assert weak_signal.since(mark) == [("POST", "/api/v1/activities")]
    assert outbox_items(page) == []  # fixed here, so nothing is left to be refused again later
    assert activities(app) == []

    # What the phone shows (looked at by a human): the first field to fix has the focus.
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "andt-refused-360.png"))
    page.locator("#f-lat").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "andt-refused-360-position.png"))
    page.screenshot(path=str(SHOTS / "andt-refused-360-full.png"), full_page=True)

    # Fixed in place, the same form is saved and lands on the record.
    page.fill("#f-ended_at", yesterday_at(11))
    page.fill("#f-lat-input", "59.8366")
    page.fill("#f-lon-input", "13.1440")
    page.locator("#activity-form button[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/activities/[0-9a-f-]{36}"))
    expect(page.get_by_text("Sparat.")).to_be_visible()
    (row,) = activities(app)
    assert row.place == "Skateparken" and row.lat == pytest.approx(59.8366)


def test_valid_entry_online_lands_on_its_record(phone, app, officer, weak_signal):
    page = open_andt_form(phone)
    fill_andt(page, start=yesterday_at(10), end=yesterday_at(11), lat="59.8366", lon="13.1440")
    page.evaluate(RECORD_STATUS)
    page.locator("#activity-form button[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/activities/[0-9a-f-]{36}$"), timeout=3_000)
    expect(page.get_by_text("Sparat.")).to_be_visible()
    (row,) = activities(app)
    assert row.details["reached"] == {"under_15": 2, "age_15_17": 6, "age_18_20": 0}
    assert outbox_items(page) == []


def test_no_answer_in_time_says_saved_on_the_phone_and_a_late_refusal_still_shows(
    phone, app, officer, weak_signal
):
    """A server that does not answer within the form's patience: the entry waits on the phone
    and the form says so; the refusal that comes later still lands at the fields."""
    page = open_andt_form(phone)
    weak_signal.delay = lambda method, path: 8.0 if method == "POST" else WEAK_SIGNAL_S
    fill_andt(page, start=yesterday_at(10), end=yesterday_at(9), lat="91", lon="abc")
    page.evaluate(RECORD_STATUS)
    page.locator("#activity-form button[type=submit]").tap()

    status = page.locator("[data-save-status]")
    expect(status).to_contain_text("Skickar")
    expect(status).to_contain_text(QUEUED, timeout=7_000)  # the form's patience: 6 s
    (waiting,) = outbox_items(page)  # on the phone while the server thinks
    assert waiting["state"] in ("waiting", "sending")
    expect(page.locator("#f-lat-client-error")).to_be_visible(timeout=5_000)
    expect(page.locator("#f-lon-input")).to_have_value("abc")
    assert status_texts(page)[0].startswith("Skickar")
    assert outbox_items(page) == []


def test_leaving_while_it_is_sent_loses_nothing(phone, app, officer, weak_signal):
    """Gone from the form before the answer: the entry is on the phone, and the refusal that the
    next flush brings is kept in "My records" with the fields to fix."""
    page = open_andt_form(phone)
    weak_signal.delay = lambda method, path: 2.0 if method == "POST" else WEAK_SIGNAL_S
    fill_andt(page, start=yesterday_at(10), end=yesterday_at(9), lat="91", lon="abc")
    page.locator("#activity-form button[type=submit]").tap()
    expect(page.locator("[data-save-status]")).to_contain_text("Skickar")
    page.goto("/field/mine")
    record = page.locator("#outbox-list .record")
    expect(record).to_have_count(1)
    expect(record).to_have_attribute("data-state", "rejected", timeout=10_000)
    expect(record.locator(".record-fields")).to_contain_text("Latitud")
    (item,) = outbox_items(page)
    assert item["state"] == "rejected" and set(item["fields"]) >= {"lat", "lon", "ended_at"}
    assert activities(app) == []


def test_a_refused_entry_opens_again_in_its_form_and_is_sent_from_there(
    phone, app, officer, weak_signal
):
    """Refused after the officer left the form: "Rätta i formuläret" in "My records" puts the
    entry back into its form with the reasons at the fields, so nothing is typed twice."""
    page = open_andt_form(phone)
    weak_signal.delay = lambda method, path: 2.0 if method == "POST" else WEAK_SIGNAL_S
    fill_andt(page, start=yesterday_at(10), end=yesterday_at(9), lat="91", lon="abc")
    page.fill("#f-details-actions", "Samtal om snus vid skateparken")
    page.locator("#activity-form button[type=submit]").tap()
    expect(page.locator("[data-save-status]")).to_contain_text("Skickar")
    page.goto("/field/mine")
    record = page.locator("#outbox-list .record")
    expect(record).to_have_attribute("data-state", "rejected", timeout=10_000)
    expect(record).to_contain_text("Rätta i formuläret")
    # The list says it all here: no "(ingen anteckning)" for text kept in the form's own fields,
    # and no banner sending the officer to the page already open.
    expect(record.locator(".record-note")).to_be_hidden()
    expect(page.locator("#outbox-alert")).to_be_hidden()
    (refused,) = outbox_items(page)
    page.screenshot(path=str(SHOTS / "mine-refused-activity-360.png"), full_page=True)
    weak_signal.delay = lambda method, path: WEAK_SIGNAL_S

    record.get_by_role("link", name="Rätta i formuläret").tap()
    expect(page).to_have_url(re.compile(r"/activities/new/andt\?fix="))
    # Everything typed is back, with the server's reasons at the fields.
    expect(page.locator("#f-place")).to_have_value("Skateparken")
    expect(page.locator("#f-details-actions")).to_have_value("Samtal om snus vid skateparken")
    expect(page.locator("#f-started_at")).to_have_value(yesterday_at(10))
    expect(page.locator("#f-details-reached-age_15_17")).to_have_value("6")
    expect(page.locator("input[name='details.intervention'][value=samtal]")).to_be_checked()
    expect(page.locator("input[name='details.substances'][value=tobak]")).to_be_checked()
    expect(page.locator("#f-lon-input")).to_have_value("abc")
    expect(page.locator("#f-lat-client-error")).to_be_visible()
    expect(page.locator("[data-form-alert]")).to_be_visible()
    page.screenshot(path=str(SHOTS / "activity-fix-in-form-360.png"), full_page=True)

    page.fill("#f-ended_at", yesterday_at(11))
    page.fill("#f-lat-input", "59.8366")
    page.fill("#f-lon-input", "13.1440")
    page.locator("#activity-form button[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/activities/[0-9a-f-]{36}$"), timeout=5_000)
    expect(page.get_by_text("Sparat.")).to_be_visible()
    (row,) = activities(app)
    assert row.id == refused["id"]  # the same entry, not a second one
    assert row.place == "Skateparken" and row.details["actions"].startswith("Samtal om snus")
    assert outbox_items(page) == []


def test_an_entry_saved_offline_says_so_when_it_has_been_sent(phone, app, officer):
    """Back online with the form still open: "Saved on this phone" must not stay on screen as if
    the entry still waited."""
    page = open_andt_form(phone)
    phone.go_offline()
    fill_andt(page, start=yesterday_at(10), end=yesterday_at(11), lat="59.8366", lon="13.1440")
    page.locator("#activity-form button[type=submit]").tap()
    status = page.locator("[data-save-status]")
    expect(status).to_contain_text(QUEUED)
    phone.go_online()
    expect(status).to_have_text(
        "Registreringen som sparades i telefonen har skickats.", timeout=20_000
    )
    assert len(activities(app)) == 1


SAVED_FOR_LOGIN = "Sparad i telefonen – skickas när du har loggat in igen."


def test_an_entry_saved_after_the_login_ended_says_it_waits_for_a_login(phone, app, officer):
    """Online all along, so "sent when there is a signal" would not be true: the entry waits
    for a login, saved on the phone, and the banner offers it."""
    page = open_andt_form(phone)
    end_all_sessions(app, "officer")
    fill_andt(page, start=yesterday_at(10), end=yesterday_at(11), lat="59.8366", lon="13.1440")
    page.locator("#activity-form button[type=submit]").tap()
    status = page.locator("[data-save-status]")
    expect(status).to_have_text(SAVED_FOR_LOGIN, timeout=20_000)
    expect(page.locator("#relogin-banner")).to_be_visible()
    (waiting,) = outbox_items(page)
    assert waiting["state"] == "waiting"
    assert activities(app) == []


def test_an_entry_saved_offline_says_it_waits_for_a_login_once_the_signal_finds_none(
    phone, app, officer
):
    page = open_andt_form(phone)
    phone.go_offline()
    fill_andt(page, start=yesterday_at(10), end=yesterday_at(11), lat="59.8366", lon="13.1440")
    page.locator("#activity-form button[type=submit]").tap()
    status = page.locator("[data-save-status]")
    expect(status).to_have_text("Sparad i telefonen – skickas när det finns nät.")
    end_all_sessions(app, "officer")
    phone.go_online()
    expect(page.locator("#relogin-banner")).to_be_visible(timeout=20_000)
    expect(status).to_have_text(SAVED_FOR_LOGIN)
    assert activities(app) == []
