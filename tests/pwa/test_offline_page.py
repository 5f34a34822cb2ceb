"""The /offline page on a phone: it offers what this phone keeps for its visitor, and it comes
back to the page asked for by itself once the network is back, or on "Try again".

The page is stored once for everyone (sw.js, without cookies), so which links it shows is decided
in the phone (offline-page.js) from the forms the worker keeps for a login.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import log_in, wait_for_offline_forms, wait_for_service_worker

pytestmark = pytest.mark.browser

# Without signal the worker may wait for the network up to its timeout (sw.js, 6 s).
OFFLINE_LOAD = 15_000


def offline_page(page: Page, path: str = "/help/install"):  # type: ignore[no-untyped-def]
    page.goto(path)
    box = page.locator("#offline-page")
    expect(box).to_be_visible(timeout=OFFLINE_LOAD)
    return box


def test_the_offline_page_offers_the_forms_only_while_logged_in_and_reloads_when_online(
    phone, app, officer
):  # type: ignore[no-untyped-def]
    page = phone.page
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "officer")
    wait_for_service_worker(page)
    wait_for_offline_forms(page)

    phone.go_offline()
    box = offline_page(page)
    page.wait_for_load_state("load")
    expect(box.get_by_role("link", name="Ny iakttagelse")).to_be_visible()
    expect(box.get_by_role("link", name="Mina registreringar")).to_be_visible()
    expect(box.get_by_role("link", name="Tillbaka till vandringen")).to_be_hidden()
    expect(box.get_by_role("button", name="Försök igen")).to_be_visible()

    # The signal comes back: the page asked for loads by itself.
    phone.go_online()
    expect(page.get_by_role("heading", name="Installera Trygg Sunne i din telefon")).to_be_visible(
        timeout=OFFLINE_LOAD
    )

    page.get_by_role("button", name="Logga ut").tap()
    expect(page).to_have_url(re.compile(r"/login"))
    phone.go_offline()
    box = offline_page(page)
    # Logged out: the officers' pages would only bring this page back. Trying again is all.
    expect(box.get_by_role("link", name="Ny iakttagelse")).to_be_hidden()
    expect(box.get_by_role("link", name="Mina registreringar")).to_be_hidden()
    expect(box.locator("#offline-forms")).to_be_hidden()
    retry = box.get_by_role("button", name="Försök igen")
    expect(retry).to_have_class(re.compile(r"\bbtn-primary\b"))
    retry.tap()  # still no signal: the same page again
    expect(page.locator("#offline-page")).to_be_visible(timeout=OFFLINE_LOAD)
    page.wait_for_load_state("load")
    phone.go_online()
    expect(page.get_by_role("heading", name="Installera Trygg Sunne i din telefon")).to_be_visible(
        timeout=OFFLINE_LOAD
    )
