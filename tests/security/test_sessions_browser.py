"""Issue 16 in a real browser: a session cookie copied to another browser dies at logout.

Two browser contexts stand for two devices (or a device and a thief who copied the cookie): the
copy is made with Playwright's cookie API, then the first device logs out through the visible
button, and the second gets the login page instead of the account.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import (  # noqa: F401 - the shared browser fixtures
    BrowserNet,
    browser,
    chromium_path,
    live_server,
    new_phone_context,
    playwright,
)
from tests.conftest import PASSWORD, make_user
from webapp.core.access import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def devices(browser, live_server: str, app: Flask) -> Iterator:  # type: ignore[no-untyped-def]  # noqa: F811
    """devices() -> a new browser context's page; all closed after the test."""
    with app.app_context():
        make_user(Role.OFFICER, "officer")
    contexts = []

    def make() -> Page:
        # No service worker: this is about what the server answers (the field helper tests the
        # worker's caches on 401).
        context = new_phone_context(
            browser, live_server, BrowserNet(tile_host=None), service_workers="block"
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("officer")
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("body")).to_have_attribute("data-user-id", re.compile(r"^\d+$"))


def copy_cookie(source: Page, target: Page) -> None:
    cookies = [c for c in source.context.cookies() if c["name"] == "trygg_session"]
    assert cookies, "no session cookie to copy"
    target.context.add_cookies(cookies)


def expect_login_page(page: Page) -> None:
    page.goto("/field/mine")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()


def test_a_copied_cookie_gets_the_login_page_after_logout(devices):
    phone, other = devices(), devices()
    log_in(phone)
    copy_cookie(phone, other)
    other.goto("/field/mine")
    expect(other).to_have_url(re.compile(r"/field/mine$"))  # the copy works while the session lives

    phone.get_by_role("button", name="Logga ut", exact=True).click()
    expect(phone.get_by_role("heading", name="Logga in")).to_be_visible()

    expect_login_page(other)
    assert other.request.get("/api/v1/me").status == 401


def test_log_out_on_all_devices_from_the_account_page(devices):
    phone, desktop, copy = devices(), devices(), devices()
    log_in(phone)
    log_in(desktop)
    copy_cookie(desktop, copy)

    phone.get_by_role("link", name=re.compile("officer")).click()  # the name in the footer
    phone.get_by_role("button", name="Logga ut på alla enheter").click()
    expect(phone.get_by_text("Du är utloggad på alla enheter.")).to_be_visible()

    expect_login_page(desktop)
    expect_login_page(copy)
