"""Accessibility fixtures: one seeded Sunne, a logged-in browser state per persona, phones.

The browser fixtures of tests/browser are reused (Debian's chromium through Playwright). The
database is seeded once for the package (`world`); no test here asks for the function-scoped
`app` fixture, which would wipe it. Each persona logs in once; its session cookie is reused:
- `open_tab(persona, path)`: a new tab in the persona's shared 360×740 phone, for tests that only
  look (axe, measurements), so CSS and JS come from the browser's cache;
- `open_as(persona, path, **options)`: a phone of its own, for tests that change cookies, go
  offline, log in or out, or need other context options (colour scheme, viewport).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.a11y.pages import PageType, page_types
from tests.a11y.world import PERSONAS, World, build_world
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in
from tests.conftest import clean_database
from webapp.extensions import db, limiter
from webapp.ops.reference import seed_reference_data

# The browser fixtures of tests/browser, shared (one Playwright driver per test session).
playwright = browser_fixtures.playwright
chromium_path = browser_fixtures.chromium_path
browser = browser_fixtures.browser
live_server = browser_fixtures.live_server

# Waits as long as the contexts' own default: a loaded CI machine is slow to get a GPS fix.
expect.set_options(timeout=15_000)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# The smallest common phone: WCAG's reflow (1.4.10) is tested at 320 CSS px; 360 is Sunne's phones.
SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="package")
def world(_session_app: Flask) -> Iterator[World]:
    with _session_app.app_context():
        clean_database()
        seed_reference_data()
        limiter.reset()
    yield build_world(_session_app)
    with _session_app.app_context():
        clean_database()
        seed_reference_data()
        db.session.remove()


@pytest.fixture(scope="package")
def storage_states(world: World, browser, live_server: str, _session_app: Flask) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Persona -> Playwright storage state (the session cookie) after logging in once."""
    states: dict[str, Any] = {"anonymous": None}
    net = BrowserNet(tile_host=tile_host(_session_app))
    for persona, username in PERSONAS.items():
        context = new_phone_context(browser, live_server, net, service_workers="block")
        page = context.new_page()
        log_in(page, username, world.password)
        states[persona] = context.storage_state()
        context.close()
    context = new_phone_context(browser, live_server, net, service_workers="block")
    page = context.new_page()
    page.goto(f"/walk/join/{world.join_code}")
    page.click("#join-walk")
    page.wait_for_url(f"**/walk/{world.walk}")
    states["participant"] = context.storage_state()
    context.close()
    assert net.leaks == []
    return states


@pytest.fixture(scope="package")
def pages(world: World, _session_app: Flask) -> dict[str, PageType]:
    """The page types whose feature exists in this app."""
    endpoints = set(_session_app.view_functions)
    return {p.name: p for p in page_types(world) if p.endpoint is None or p.endpoint in endpoints}


class Opened:
    """A page opened as a persona, and what went wrong while it was open."""

    def __init__(self, context, page, net: BrowserNet, errors: list[str]) -> None:  # type: ignore[no-untyped-def]
        self.context = context
        self.page = page
        self.net = net
        self.errors = errors


@pytest.fixture
def open_as(browser, live_server: str, storage_states: dict[str, Any], _session_app: Flask):  # type: ignore[no-untyped-def]
    """open_as(persona, path, **context options) -> Opened; a 360×740 phone unless told."""
    opened: list[Opened] = []

    def factory(persona: str, path: str, **options: Any) -> Opened:
        net = BrowserNet(tile_host=tile_host(_session_app))
        context = new_phone_context(
            browser,
            live_server,
            net,
            viewport=options.pop("viewport", SMALL_PHONE),
            storage_state=storage_states[persona],
            service_workers="block",
            **options,
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        if path:
            page.goto(path)
            page.wait_for_load_state("load")
        result = Opened(context, page, net, errors)
        opened.append(result)
        return result

    yield factory
    for item in opened:
        item.context.close()
    for item in opened:
        assert item.net.leaks == [], f"requests left 127.0.0.1: {item.net.leaks}"
        assert item.errors == [], f"JavaScript errors in the page: {item.errors}"


OpenAs = Callable[..., Opened]


@pytest.fixture(scope="package")
def _persona_contexts(
    browser, live_server: str, storage_states: dict[str, Any], _session_app: Flask
):  # type: ignore[no-untyped-def]
    """One 360×740 phone per persona, kept for the package: pages share its cache of CSS and JS."""
    contexts: dict[str, tuple[Any, BrowserNet]] = {}

    def get(persona: str) -> tuple[Any, BrowserNet]:
        if persona not in contexts:
            net = BrowserNet(tile_host=tile_host(_session_app))
            context = new_phone_context(
                browser,
                live_server,
                net,
                viewport=SMALL_PHONE,
                storage_state=storage_states[persona],
                service_workers="block",
            )
            contexts[persona] = (context, net)
        return contexts[persona]

    yield get
    for context, _net in contexts.values():
        context.close()


@pytest.fixture
def open_tab(_persona_contexts):  # type: ignore[no-untyped-def]
    """open_tab(persona, path) -> Page: a new tab in the persona's shared phone.

    For tests that only look (axe, measurements). Tests that change cookies, go offline or log
    in or out use `open_as`, which makes a phone of their own.
    """
    opened: list[tuple[Any, BrowserNet, list[str]]] = []

    def factory(persona: str, path: str) -> Any:
        context, net = _persona_contexts(persona)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path)
        page.wait_for_load_state("load")
        opened.append((page, net, errors))
        return page

    yield factory
    for page, _net, _errors in opened:
        page.close()
    for _page, net, errors in opened:
        assert net.leaks == [], f"requests left 127.0.0.1: {net.leaks}"
        assert errors == [], f"JavaScript errors in the page: {errors}"


OpenTab = Callable[[str, str], Any]
