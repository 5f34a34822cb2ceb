"""A resident reports a place from a phone with no signal; it reaches the server exactly once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    outbox_items,
    poll,
    wait_for_outbox,
    wait_for_outbox_count,
    wait_for_service_worker,
)
from tests.citizen.helpers import HOSTILE, REPORTS_URL, make_report
from webapp.citizen.models import PublicReport
from webapp.extensions import db

pytestmark = pytest.mark.browser


def _rows(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return [
            (r.category_code, r.text, r.status)
            for r in db.session.execute(db.select(PublicReport)).scalars()
        ]


def _report_answers(page) -> list[int]:  # type: ignore[no-untyped-def]
    """The status of every report the phone sends, in order (recorded as they arrive)."""
    statuses: list[int] = []

    def record(response) -> None:  # type: ignore[no-untyped-def]
        if response.request.method == "POST" and response.url.endswith(REPORTS_URL):
            statuses.append(response.status)

    page.on("response", record)
    return statuses


def _fill_report(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#use-position").tap()
    expect(page.locator("#place-status")).to_have_attribute("data-state", "manual")
    page.locator("input[name=category][value='belysning']").locator("..").tap()
    page.fill("#report-text", text)
    page.locator("#report-save").tap()


def test_an_anonymous_report_made_offline_is_synced_exactly_once(phone, app):
    # No fill time here: this whole offline round trip takes about a second, so a fill time
    # of 1 s made the outcome depend on where in a wall-clock second the page was served (the
    # token keeps whole seconds). Reports sent too early are the next tests' subject.
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 0
    page = phone.page
    answers = _report_answers(page)
    page.goto("/report")
    wait_for_service_worker(page)
    # The worker keeps the pages it has served; the first visit came before it was installed
    # (a resident who opened the link once before, or opens it again, has it cached).
    page.goto("/report")
    wait_for_outbox(page)

    phone.go_offline()
    _fill_report(page, "Mörk gångtunnel under järnvägen")
    wait_for_outbox_count(page, 1)
    assert _rows(app) == []

    # The phone closes the page and opens it again, still without signal: the report waits.
    page.reload()
    wait_for_outbox_count(page, 1)
    assert _rows(app) == []
    # The header's count leads to the resident's own list, not to the officers' My records.
    expect(page.locator("#net-status .outbox-count")).to_have_attribute(
        "href", "/report#my-reports"
    )

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    expect(page.locator("#report-status")).not_to_be_empty()
    assert _rows(app) == [("belysning", "Mörk gångtunnel under järnvägen", "pending")]
    # One thank-you, the resident's own: no officers' "1 entry sent" toast (app.js says it
    # 50 ms after the flush, so give it the time it would take).
    page.wait_for_timeout(300)
    expect(page.locator("#outbox-announcer")).to_be_empty()
    # Once the item has left the outbox nothing can send it again (a flush reads the outbox
    # under a lock), so no waiting is needed: stored once, any other answer a replay.
    assert answers.count(201) == 1, answers
    assert set(answers) <= {200, 201}, answers


def test_a_missing_place_or_category_is_said_at_the_map_and_the_categories(phone):
    """Not by the send button a screen below: the problem scrolls into view and takes focus."""
    page = phone.page
    page.goto("/report")
    wait_for_outbox(page)

    page.locator("#report-save").tap()
    expect(page.locator("#place-error")).to_be_visible()
    expect(page.locator("#place-error")).not_to_be_empty()
    expect(page.locator("#use-position")).to_be_focused()
    expect(page.locator("#report-map")).to_be_in_viewport(ratio=0.5)
    expect(page.locator("#report-error")).to_be_hidden()

    page.locator("#use-position").tap()
    expect(page.locator("#place-error")).to_be_hidden()
    page.locator("#report-save").tap()
    expect(page.locator("#category-error")).to_be_visible()
    expect(page.locator("input[name=category]").first).to_be_focused()
    expect(page.locator("#category-legend")).to_be_in_viewport()
    assert outbox_items(page) == []


def test_a_personnummer_in_the_text_is_said_at_the_text_and_nothing_is_kept(phone, app):
    """On the phone, offline too: before, the server's refusal came back in a box under the
    form. Everything the resident chose and typed stays."""
    page = phone.page
    page.goto("/report")
    wait_for_outbox(page)
    phone.go_offline()
    _fill_report(page, "Killen 100512-1234 brukar stå här")

    text = page.locator("#report-text")
    expect(page.locator("#report-text-error")).to_contain_text("personnummer")
    expect(text).to_be_focused()
    expect(text).to_be_in_viewport()
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=category][value='belysning']")).to_be_checked()
    expect(page.locator("#place-status")).to_have_attribute("data-state", "manual")
    assert outbox_items(page) == []

    text.fill("Ungdomar brukar stå här på kvällen")
    expect(page.locator("#report-text-error")).to_be_hidden()
    page.locator("#report-save").tap()
    wait_for_outbox_count(page, 1)
    assert _rows(app) == []


def test_the_report_page_works_offline_after_any_page_of_the_app_was_opened(phone, app):
    """The worker stores /report when it installs: no earlier visit to /report is needed."""
    page = phone.page
    page.goto("/feedback")
    wait_for_service_worker(page)

    phone.go_offline()
    page.goto("/report")
    expect(page.locator("#report-form")).to_be_visible()
    wait_for_outbox(page)
    _fill_report(page, "Trasig lampa vid bryggan")
    wait_for_outbox_count(page, 1)
    assert _rows(app) == []

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    assert _rows(app) == [("belysning", "Trasig lampa vid bryggan", "pending")]


def test_a_report_sent_sooner_than_the_fill_time_waits_on_the_phone_not_lost(phone, app):
    """Background Sync, "online" or "Send now" may flush the moment a report is saved; the
    server then says "later" (429) and the report stays in the outbox until it is accepted."""
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 3600  # every send is too early, deterministically
    page = phone.page
    answers = _report_answers(page)
    page.goto("/report")
    wait_for_outbox(page)

    _fill_report(page, "Otrygg parkering")
    wait_for_outbox_count(page, 1)
    page.locator("[data-outbox-flush]").tap()
    # The attempt is counted when it starts ("sending"); the item is "waiting" again once the
    # answer is handled, a moment after it arrived (on a busy machine, a read in between saw
    # "sending"): wait for the end of the round, then check it.
    poll(
        page,
        "() => TryggOutbox.list().then(items => items.length === 1 && items[0].attempts > 0"
        " && items[0].state === 'waiting')",
    )
    assert 429 in answers and 201 not in answers, answers
    assert [i["state"] for i in outbox_items(page)] == ["waiting"]
    assert _rows(app) == []

    # The outbox tries again by itself when its back-off ends; now the report is taken.
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 0
    wait_for_outbox_count(page, 0, timeout=30)
    assert _rows(app) == [("belysning", "Otrygg parkering", "pending")]
    assert answers.count(201) == 1, answers


def test_a_published_hostile_report_is_shown_as_text_on_the_public_page(phone, app):
    make_report(app, status="published", public_text=HOSTILE, text="original")
    dialogs: list[str] = []
    phone.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page = phone.page

    page.goto("/report")
    item = page.locator("#published-list li").first
    expect(item).to_contain_text("HOSTILE-MARK")

    assert "<script>alert(1)</script>" in item.inner_text()
    assert page.locator("#published-list img, #published-list script").count() == 0
    # The marker's popup is built with textContent too.
    page.locator("#published-map path.leaflet-interactive").first.click(force=True)
    poll(page, "() => !!document.querySelector('#published-map .leaflet-popup-content')")
    popup = page.locator("#published-map .leaflet-popup-content")
    expect(popup).to_contain_text(re.compile("HOSTILE-MARK"))
    assert popup.locator("img, script").count() == 0
    assert dialogs == []


def test_reports_made_offline_on_an_old_cached_page_each_arrive_once(phone, app):
    """The page's form token is single use and expires (issue 16); the outbox exchanges it for
    a fresh one when it sends, so two reports made offline on one page, long after the page
    was cached, both arrive, once each."""
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 0
    app.config["CITIZEN_FORM_MAX_AGE_SECONDS"] = 2
    page = phone.page
    answers = _report_answers(page)
    page.goto("/report")
    wait_for_service_worker(page)
    page.goto("/report")
    wait_for_outbox(page)

    phone.go_offline()
    _fill_report(page, "Mörk gångtunnel")
    _fill_report(page, "Trasig lampa vid bryggan")
    wait_for_outbox_count(page, 2)
    page.wait_for_timeout(2500)  # the page's token has expired meanwhile

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    assert sorted(_rows(app)) == [
        ("belysning", "Mörk gångtunnel", "pending"),
        ("belysning", "Trasig lampa vid bryggan", "pending"),
    ]
    assert answers.count(201) == 2, answers
    assert set(answers) <= {200, 201}, answers


def test_a_keyboard_puts_the_pin_where_the_cross_is(phone, app):  # type: ignore[no-untyped-def]
    """No pointer: the map moves with the arrow keys and Enter puts the pin at its cross (before,
    a keyboard could only use the phone's own position, not the place being reported)."""
    page = phone.page
    page.goto("/report")
    wait_for_outbox(page)
    map_element = page.locator("#report-map")
    map_element.focus()
    expect(map_element).to_be_focused()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    status = page.locator("#place-status")
    expect(status).to_have_attribute("data-state", "manual")
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#report-error")).to_be_hidden()  # Enter did not send the form
    assert outbox_items(page) == []

    assert_pin_at_the_cross(page)

    # The button does the same after the map was moved again.
    map_element.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert_pin_off_the_cross(page)
    page.get_by_role("button", name="Sätt nålen vid krysset").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    assert_pin_at_the_cross(page)


def _pin_offset(page) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Where the pin's tip is, from the middle of the map (CSS pixels)."""
    pin = page.locator("#report-map .leaflet-marker-icon").bounding_box()
    box = page.locator("#report-map").bounding_box()
    assert pin and box
    return (
        pin["x"] + pin["width"] / 2 - (box["x"] + box["width"] / 2),
        pin["y"] + pin["height"] - (box["y"] + box["height"] / 2),
    )


def assert_pin_at_the_cross(page) -> None:  # type: ignore[no-untyped-def]
    dx, dy = _pin_offset(page)
    assert abs(dx) < 3 and abs(dy) < 3, (dx, dy)


def assert_pin_off_the_cross(page) -> None:  # type: ignore[no-untyped-def]
    """The map moved under the pin (the arrow keys pan with an animation: waited for)."""
    for _ in range(40):
        dx, _dy = _pin_offset(page)
        if abs(dx) > 20:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the map did not move: {dx}")


def test_a_text_cut_at_its_limit_says_so(phone, app):  # type: ignore[no-untyped-def]
    """A paste longer than the limit was cut without a word: the box now says it is full, and
    how much room is left once it is nearly full."""
    page = phone.page
    page.goto("/report")
    wait_for_outbox(page)
    text = page.locator("#report-text")
    limit = int(text.get_attribute("maxlength") or 0)
    count = page.locator("#report-text + .char-count")
    expect(count).to_be_hidden()
    text.fill("Mörk gångtunnel. " * 10)
    expect(count).to_be_hidden()  # far from the limit: nothing to say
    text.fill("x" * (limit - 50))
    expect(count).to_have_text("50 tecken kvar.")
    text.fill("Mörk gångtunnel under järnvägen. " * 60)  # ~2,000 characters pasted
    expect(text).to_have_value(re.compile(rf"^.{{{limit}}}$", re.S))
    expect(count).to_have_text(
        f"Texten har nått gränsen på {limit:,} tecken. Det som var längre kom inte med.".replace(
            ",", "\u00a0"
        )
    )
