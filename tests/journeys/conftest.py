"""Journeys: one Playwright test per thing a person does, from `/` (or a QR link) to where the
next person sees the result.

Rules (issue 15): only what a person can do - visible links and buttons, typing, tapping, picking
files, drawing on the map with real pointer events, going offline and online. No direct POSTs, no
typed URLs past the start, no reading the database to make progress (a test may read it at the
very end to check that something arrived exactly once, beside the check in the UI).

Every journey runs on the Sunne demo data (`seed-demo`), as a first-time user would meet the
product, and saves a screenshot of its end state in JOURNEY_SHOTS (default
`instance/journey-shots/`), which `python3 dev.py screenshots` also uses for the README.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import (  # noqa: F401 - the shared browser fixtures
    CHROMIUM_ARGS,
    BrowserNet,
    browser,
    chromium_path,
    live_server,
    playwright,
    pytest_runtest_makereport,
    tile_host,
)
from webapp.ops.demo.data import DEMO_PASSWORD, seed_demo

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("JOURNEY_SHOTS", ROOT / "instance" / "journey-shots"))

SUNNE_CENTRUM = {"latitude": 59.8366, "longitude": 13.1440, "accuracy": 8}
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.journey)


@pytest.fixture
def demo(app: Flask) -> Flask:
    """The app with the Sunne demo data, as `python3 dev.py run` serves it."""
    with app.app_context():
        seed_demo()
    return app


@dataclass
class Person:
    """One person with one device: a browser context, its page and its network switch."""

    name: str
    context: object
    page: Page
    net: BrowserNet
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def go_offline(self) -> None:
        self.net.offline = True
        self.context.set_offline(True)  # type: ignore[attr-defined]

    def go_online(self) -> None:
        # Routes first: the "online" event starts a flush that must get through.
        self.net.offline = False
        self.context.set_offline(False)  # type: ignore[attr-defined]

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        """Save what this person sees now; the journey's end state is looked at by a human."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def log_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        """From the start page, through the visible login link, like a person."""
        page = self.page
        page.goto("/")
        login_link = page.get_by_role("link", name=re.compile(r"^(Logga in|Log in)$"))
        if login_link.count():
            login_link.first.click()
        page.get_by_label(re.compile("Användarnamn|User name|Username")).fill(username)
        page.get_by_label(re.compile("^(Lösenord|Password)$")).fill(password)
        page.get_by_role("button", name=re.compile("^(Logga in|Log in)$")).click()
        expect(page.locator("body")).to_have_attribute("data-user-id", re.compile(r"^\d+$"))
        page.wait_for_load_state("load")


@pytest.fixture
def people(request, browser, live_server: str, demo: Flask) -> Iterator[Callable[..., Person]]:  # type: ignore[no-untyped-def]  # noqa: F811
    """people("officer", phone=True) -> a new person with their own browser context."""
    made: list[Person] = []

    def make(name: str, *, phone: bool = True, dark: bool = False, **overrides) -> Person:  # type: ignore[no-untyped-def]
        net = BrowserNet(tile_host=tile_host(demo))
        options = {
            **(PHONE if phone else DESKTOP),
            "base_url": live_server,
            "locale": "sv-SE",
            "timezone_id": "Europe/Stockholm",
            "geolocation": SUNNE_CENTRUM,
            "permissions": ["geolocation", "background-sync"],
            "service_workers": "allow",
            "color_scheme": "dark" if dark else "light",
            "accept_downloads": True,
            **overrides,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        context.route("**/*", net.handle)
        page = context.new_page()
        person = Person(name=name, context=context, page=page, net=net)
        page.on("pageerror", lambda error: person.errors.append(str(error)))
        page.on("console", lambda m: person.console.append(f"{m.type}: {m.text}"))
        made.append(person)
        return person

    yield make
    report = getattr(request.node, "rep_call", None)
    for person in made:
        if report is not None and report.failed:
            try:
                body = person.page.inner_text("body")[:2000]
                print(f"--- {person.name} saw {person.page.url} ---\n{body}")
            except Exception as error:  # noqa: BLE001 - diagnostics only
                print(f"--- could not read {person.name}'s page: {error}")
            print("--- console ---\n" + "\n".join(person.console[-30:]))
        person.context.close()  # type: ignore[attr-defined]
    for person in made:
        assert person.net.leaks == [], f"requests left 127.0.0.1: {person.net.leaks}"
        assert person.errors == [], f"JavaScript errors on {person.name}'s pages: {person.errors}"
