"""An officer on their own phone ticks "Håll mig inloggad på den här telefonen": closing the
browser (or the installed app) and opening it again keeps the login. Without the tick, or on a
shared phone, closing the browser ends it, as before."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def log_in_on_a_phone(context, username: str, *, stay: bool):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    if stay:
        page.get_by_label("Håll mig inloggad på den här telefonen").check()
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("body")).to_have_attribute("data-user-id", str(_user_id(page)))
    return page


def _user_id(page) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_function("document.body.dataset.userId")
    return page.evaluate("document.body.dataset.userId")


def reopened(browser, live_server: str, app: Flask, context):  # type: ignore[no-untyped-def]
    """The browser closed and opened again: what a browser keeps is its cookies that have an
    expiry; cookies of the browsing session (expires -1) are gone."""
    kept = [c for c in context.storage_state()["cookies"] if c["expires"] != -1]
    context.close()
    net = BrowserNet(tile_host=tile_host(app))
    return new_phone_context(
        browser, live_server, net, storage_state={"cookies": kept, "origins": []}
    )


@pytest.mark.parametrize("stay", [True, False])
def test_the_login_outlives_closing_the_browser_only_when_asked(
    browser, live_server: str, app: Flask, officer, stay: bool
):
    net = BrowserNet(tile_host=tile_host(app))
    context = new_phone_context(browser, live_server, net)
    log_in_on_a_phone(context, officer.username, stay=stay)
    cookie = next(c for c in context.cookies() if c["name"] == app.config["SESSION_COOKIE_NAME"])
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    if stay:  # kept for the shift, no longer
        assert time.time() + (hours - 1) * 3600 < cookie["expires"] <= time.time() + hours * 3600
    else:
        assert cookie["expires"] == -1

    context = reopened(browser, live_server, app, context)
    try:
        page = context.new_page()
        page.goto("/")
        if stay:
            expect(page.locator("body")).to_have_attribute("data-user-id", str(officer.id))
            expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
        else:
            expect(page.locator("body")).not_to_have_attribute("data-user-id", str(officer.id))
            expect(page).to_have_url(f"{live_server}/login?next=/")
    finally:
        context.close()
