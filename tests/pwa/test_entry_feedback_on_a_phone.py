"""What the observation form and My records say on a 360 px phone during a patrol that loses
its signal: news of an earlier save never reads as the answer for the next one, the save bar
stays small offline, a chosen photo can be taken out again, and no signal is a neutral wait, not
an error, with no requests made while the phone knows it is offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Phone
from tests.browser.helpers import (
    jpeg_bytes,
    log_in,
    outbox_items,
    server_observations,
    wait_for_offline_forms,
    wait_for_outbox_count,
    wait_for_position,
    wait_for_service_worker,
)

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
SENT = re.compile(r"^Skickat \d\d:\d\d\.$")
QUEUED = "Sparad i telefonen – skickas när det finns nät."
# What the pages ask the server for by themselves; none of it while the phone is offline.
BACKGROUND = re.compile(r"/api/v1/(csrf-token|me|observations)")


# Pixels between the waiting count and the word after it (a flex item once dropped the space).
GAP_AFTER_NUMBER = """link => {
  const number = link.querySelector('[data-outbox-count]');
  const range = document.createRange();
  range.selectNodeContents(number.nextSibling);
  return range.getBoundingClientRect().left - number.getBoundingClientRect().right;
}"""


def tap_category(page: Page, label: str) -> None:
    page.locator("label.category-option", has_text=label).tap()


def watch_background_requests(phone: Phone) -> list[str]:
    seen: list[str] = []
    phone.context.on(  # type: ignore[attr-defined]
        "request",
        lambda request: seen.append(request.url) if BACKGROUND.search(request.url) else None,
    )
    return seen


def test_the_save_bar_speaks_only_of_the_last_save_and_stays_small_offline(phone, app, officer):
    page = phone.page
    page.set_viewport_size(SMALL_PHONE)
    # Without Background Sync, whose wake-up would send the held-back entry at once.
    phone.context.clear_permissions()
    phone.context.grant_permissions(["geolocation"])
    log_in(page, "officer")
    page.goto("/field/new")
    wait_for_position(page)
    status = page.locator("#save-status")
    toast = page.locator("#outbox-announcer")
    waiting = page.locator(".save-bar a.save-waiting-link")
    send_now = page.locator(".save-bar [data-outbox-flush]")

    # Observation 1, online: sent, said with the time (each save's answer is its own).
    tap_category(page, "Belysning")
    page.locator("#obs-save").tap()
    expect(status).to_have_attribute("data-state", "sent")
    expect(status).to_have_text(SENT)
    expect(toast).to_have_text("1 registrering har skickats in.")
    expect(send_now).to_be_hidden()  # nothing waits

    # The next entry begins: "Sent" no longer speaks of anything under "Save".
    tap_category(page, "Trafik")
    expect(status).to_be_hidden()
    expect(status).to_have_text("")

    # Observation 2 on a weak signal (the server does not take it): kept on the phone. The
    # earlier toast would read as news of this one, so it goes.
    def weak_signal(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.method == "POST" and failing:
            failed.append(route.request.url)
            route.fulfill(status=503, json={"error": {"code": "server_error", "message": "nere"}})
        else:
            route.fallback()

    failed: list[str] = []
    failing = [True]
    phone.context.route("**/api/v1/observations", weak_signal)  # type: ignore[attr-defined]
    page.locator("#obs-save").tap()
    expect(status).to_have_attribute("data-state", "queued")
    expect(status).to_have_text(QUEUED)
    expect(toast).to_be_hidden()
    expect(waiting).to_have_text(re.compile(r"^1 väntar\b"))
    assert waiting.evaluate(GAP_AFTER_NUMBER) >= 3  # the space is there on screen too
    expect(waiting).to_have_accessible_name(re.compile("1 väntar.*Mina registreringar"))
    expect(send_now).to_be_visible()  # online, and something waits: the button can send it
    assert failed

    # The signal goes: "Send now" could do nothing, so it goes too.
    seen = watch_background_requests(phone)
    phone.go_offline()
    expect(send_now).to_be_hidden()

    # Observation 3, offline, with a photo chosen by mistake and taken out again: the rest of
    # the entry stays.
    tap_category(page, "Skadegörelse")
    page.locator("#obs-more > summary").tap()
    page.locator("#obs-note").fill("Krossad ruta i busskuren")
    with page.expect_file_chooser() as chooser:
        page.locator("#obs-photo").tap()
    chooser.value.set_files(
        files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(800, 600)}]
    )
    expect(page.locator("#obs-photo-preview")).to_be_visible()
    remove = page.get_by_role("button", name="Ta bort bilden")
    remove.tap()
    expect(page.locator("#obs-photo-preview")).to_be_hidden()
    expect(remove).to_be_hidden()
    expect(page.locator("#obs-photo")).to_be_focused()
    assert page.locator("#obs-photo").evaluate("input => input.files.length") == 0
    expect(page.locator("#obs-note")).to_have_value("Krossad ruta i busskuren")
    expect(page.locator("input[name=category][value=skadegorelse]")).to_be_checked()
    page.locator("#obs-save").tap()
    expect(status).to_have_attribute("data-state", "queued")
    expect(status).to_have_text(QUEUED)
    expect(waiting).to_have_text(re.compile(r"^2 väntar\b"))
    expect(toast).to_be_hidden()

    # Compact: Save and one line, not a quarter of the screen over the form.
    bar = page.locator(".save-bar").bounding_box()
    assert bar is not None and bar["height"] <= 140, bar
    assert page.locator(".save-bar").evaluate("bar => bar.scrollWidth <= bar.clientWidth")
    kept = [item for item in outbox_items(page) if item["note"] == "Krossad ruta i busskuren"]
    assert [item["photos"] for item in kept] == [0]

    page.wait_for_timeout(1500)  # any retry timer or page-load flush would have asked by now
    assert seen == [], "requests made while the phone was offline"

    # The signal is back: both go, the bar says so with the time, and the toast counts them.
    failing.clear()
    phone.go_online()
    wait_for_outbox_count(page, 0)
    expect(status).to_have_text(SENT)
    expect(toast).to_have_text("2 registreringar har skickats in.")
    expect(send_now).to_be_hidden()
    expect(waiting).to_be_hidden()
    assert len(server_observations(app)) == 3


def test_my_records_offline_shows_a_neutral_wait_and_asks_before_discarding(phone, app, officer):
    page = phone.page
    page.set_viewport_size(SMALL_PHONE)
    log_in(page, "officer")
    wait_for_service_worker(page)
    page.goto("/field/new")
    wait_for_position(page)
    assert "/field/mine" in wait_for_offline_forms(page)
    seen = watch_background_requests(phone)
    phone.go_offline()
    for category in ("Belysning", "Trafik"):
        tap_category(page, category)
        page.locator("#obs-save").tap()
        expect(page.locator("#save-status")).to_have_attribute("data-state", "queued")

    page.locator("#net-status .outbox-count").tap()
    expect(page).to_have_url(re.compile(r"/field/mine$"))
    records = page.locator("#outbox-list > li")
    expect(records).to_have_count(2)
    first = records.first
    expect(first.locator(".state-badge")).to_have_text("Väntar på nät")
    expect(first.locator(".record-problem")).to_be_hidden()
    expect(page.locator("main")).not_to_contain_text("Ingen anslutning vid senaste försöket")
    expect(page.locator("#outbox-list .record-problem:visible")).to_have_count(0)
    badge_colour = first.locator(".state-badge").evaluate("b => getComputedStyle(b).color")
    error_colour = page.locator("body").evaluate(
        "b => { const p = document.createElement('p'); p.className = 'error'; b.append(p);"
        " const c = getComputedStyle(p).color; p.remove(); return c; }"
    )
    assert badge_colour != error_colour

    # Discard is set apart, at the far end of its row, not red beside a wait, and asks first.
    discard = first.get_by_role("button", name="Släng")
    expect(discard).not_to_have_class(re.compile(r"\bbtn-danger\b"))
    box, item = discard.bounding_box(), first.bounding_box()
    assert box and item and item["x"] + item["width"] - (box["x"] + box["width"]) < 4, (box, item)
    asked: list[str] = []

    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer)
    discard.tap()
    expect(records).to_have_count(2)
    assert asked and "för gott" in asked[0]

    server_status = page.locator("#server-status")
    expect(server_status).to_have_text("Dina registreringar på servern visas när det finns nät.")
    page.wait_for_timeout(1500)
    assert seen == [], "requests made while the phone was offline"

    # The signal comes back: the entries go, and the server's list comes without a reload.
    phone.go_online()
    wait_for_outbox_count(page, 0)
    expect(page.locator("#server-list > li")).to_have_count(2)
    expect(server_status).to_be_hidden()
    assert len(server_observations(app)) == 2
