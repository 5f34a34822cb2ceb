"""Journey: an officer's login ends elsewhere; the next observation waits for a login, not for
a signal, and reaches the coordinator once the officer has logged in again.

The officer reports a broken lamp on a phone that has signal all along. Before saving, the
login ends in another tab (a colleague borrowed the phone and logged out). The save bar must
not promise "when there is a signal": it says the entry is kept until the officer logs in
again, and the banner offers the login. After it, the entry is sent, and the coordinator finds
it in the review queue.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.journeys.helpers import log_out_in_another_tab, open_menu_link

NOTE = "Trasig lampa vid gångtunnelns norra ände"
SAVED_FOR_LOGIN = "Sparad i telefonen – skickas när du har loggat in igen."


def test_an_observation_saved_after_logging_out_elsewhere_reaches_the_coordinator(people, demo):  # type: ignore[no-untyped-def]
    officer = people("officer", phone=True)
    page = officer.page
    officer.log_in("polis")
    open_menu_link(page, "Ny iakttagelse")
    expect(page.locator("#gps-status")).to_have_attribute("data-state", "fix")

    log_out_in_another_tab(officer.context)  # type: ignore[attr-defined]

    page.locator("label.category-option", has_text="Belysning").click()
    page.get_by_text("Mer (anteckning, bedömning, foto)").click()
    page.get_by_label("Anteckning").fill(NOTE)
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator("#save-status")).to_have_text(SAVED_FOR_LOGIN)
    banner = page.get_by_role("alert").filter(has_text="Du är inte längre inloggad")
    expect(banner).to_be_visible()
    officer.shot("saved-while-logged-out")

    banner.get_by_role("link", name="Logga in igen").click()
    page.get_by_label("Användarnamn").fill("polis")
    page.get_by_label("Lösenord").fill("sunne-demo-2016")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Ny iakttagelse")).to_be_visible()
    expect(page.locator("#outbox-announcer")).to_contain_text("1 registrering har skickats in.")
    assert officer.errors == []

    coordinator = people("samordnare", phone=False)
    coordinator.log_in("samordnare")
    open_menu_link(coordinator.page, "Granskning")
    expect(coordinator.page.get_by_role("link", name=NOTE, exact=False)).to_be_visible()
    assert coordinator.errors == []
