"""The coordinator hides a report for "Annat skäl" on a phone, with a script and without one.

With a script the words field shows only when "Annat skäl" is picked, and keeps what was typed
while another reason is tried. Without one it is always there. Either way, sending "Annat skäl"
without words comes back with the message at the field and the choice kept; with words the
report is hidden and its page says why.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in
from tests.citizen.helpers import make_report
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

WORDS = "Gäller en privat tomt, inte en allmän plats"
REQUIRED = "Skriv skälet med några ord när du väljer ”Annat skäl”."


def _refuse_then_hide(page: Page) -> None:
    """Send "Annat skäl" without words, read the message, type them and hide."""
    reason = page.get_by_label("Skäl att dölja den")
    reason.select_option(label="Annat skäl")
    words = page.get_by_label("Annat skäl: vilket?")
    expect(words).to_be_visible()
    page.get_by_role("button", name="Dölj", exact=True).click()
    expect(page.locator("#hide-note-error")).to_have_text(REQUIRED)
    expect(reason).to_have_value("other")
    expect(words).to_be_visible()
    expect(words).to_have_attribute("aria-invalid", "true")
    # The refused form is in view on a phone, not at the page's top.
    expect(words).to_be_in_viewport()
    words.fill(WORDS)
    page.get_by_role("button", name="Dölj", exact=True).click()
    expect(page.get_by_text("Synpunkten är dold.")).to_be_visible()


def _assert_hidden_with_words(page: Page, report_id: str) -> None:
    page.goto(f"/citizen/reports/{report_id}")
    expect(page.locator("#hidden-because")).to_have_text(f"Annat skäl – {WORDS}")


def test_the_words_field_shows_with_another_reason_and_keeps_what_was_typed(
    phone, app, coordinator
):  # type: ignore[no-untyped-def]
    report_id = make_report(app, text="Mörkt vid en tomt")
    page = phone.page
    log_in(page, coordinator.username)
    page.goto(f"/citizen/reports/{report_id}")
    reason = page.get_by_label("Skäl att dölja den")
    words = page.locator("#hide-note")
    expect(words).to_be_hidden()  # no reason chosen yet
    reason.select_option(label="Annat skäl")
    expect(words).to_be_visible()
    words.fill("Gäller en privat")
    reason.select_option(label="Samma sak som en annan synpunkt")
    expect(words).to_be_hidden()
    reason.select_option(label="Annat skäl")
    expect(words).to_have_value("Gäller en privat")
    words.fill("")
    _refuse_then_hide(page)
    _assert_hidden_with_words(page, report_id)


def test_without_a_script_the_field_is_there_and_the_same_rules_hold(
    browser, live_server, app, coordinator
):  # type: ignore[no-untyped-def]
    report_id = make_report(app, text="Mörkt vid en tomt")
    net = BrowserNet(tile_host=tile_host(app))
    context = new_phone_context(
        browser, live_server, net, java_script_enabled=False, service_workers="block"
    )
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", coordinator.username)
        page.fill("#password", PASSWORD)
        page.click("main form button[type=submit]")
        page.goto(f"/citizen/reports/{report_id}")
        expect(page.get_by_label("Annat skäl: vilket?")).to_be_visible()
        _refuse_then_hide(page)
        _assert_hidden_with_words(page, report_id)
    finally:
        context.close()
    assert net.leaks == []
