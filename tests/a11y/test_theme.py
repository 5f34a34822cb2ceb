"""Night mode: follows the phone's setting, can be switched in the footer, is remembered."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.a11y.conftest import OpenAs
from tests.a11y.world import World
from tests.conftest import form_csrf_token

pytestmark = pytest.mark.browser

DARK_BG = "rgb(15, 23, 32)"  # --bg in the dark theme
LIGHT_BG = "rgb(245, 247, 249)"


def background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def theme_cookie(page: Page) -> str | None:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies.get("theme")


def test_the_app_follows_the_phones_dark_setting(open_as: OpenAs) -> None:
    page = open_as("officer", "/", color_scheme="dark").page
    assert page.locator("html").get_attribute("data-theme") == "auto"
    assert background(page) == DARK_BG
    # The switch offers the other theme.
    expect(page.locator(".theme-to-light")).to_be_visible()
    expect(page.locator(".theme-to-dark")).to_be_hidden()


def test_night_mode_switch_is_remembered_across_pages_reloads_and_logout(open_as: OpenAs) -> None:
    page = open_as("officer", "/field/new", color_scheme="light").page
    assert background(page) == LIGHT_BG
    page.locator(".theme-to-dark").focus()
    page.keyboard.press("Enter")
    assert background(page) == DARK_BG
    # In place, without losing the page; the keyboard stays on the switch.
    assert page.url.endswith("/field/new")
    expect(page.locator(".theme-to-light")).to_be_focused()
    assert theme_cookie(page) == "dark"

    page.goto("/field/mine")
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert background(page) == DARK_BG
    page.locator("#logout-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/login.*"))
    assert background(page) == DARK_BG, "the login page forgot night mode"


def test_switching_back_to_the_phones_own_setting_follows_the_phone_again(
    open_as: OpenAs,
) -> None:
    page = open_as("officer", "/", color_scheme="light").page
    page.locator(".theme-to-dark").click()
    page.locator(".theme-to-light").click()
    assert theme_cookie(page) == "auto"
    page.emulate_media(color_scheme="dark")
    assert background(page) == DARK_BG


def test_the_switch_works_without_javascript(world: World, _session_app: Flask) -> None:
    client = _session_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'data-theme="auto"' in page
    response = client.post(
        "/theme",
        data={"theme": "dark", "next": "/login", "csrf_token": form_csrf_token(page)},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "theme=dark" in response.headers["Set-Cookie"]
    assert 'data-theme="dark"' in client.get("/login").get_data(as_text=True)
    # Nonsense is ignored, and "next" cannot lead off the site.
    response = client.post(
        "/theme",
        data={"theme": "<b>", "next": "//evil.example", "csrf_token": form_csrf_token(page)},
    )
    assert "Set-Cookie" not in response.headers
    assert "evil.example" not in response.headers["Location"]
