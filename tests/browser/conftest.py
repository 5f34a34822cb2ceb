"""Browser fixtures: the real app served from a thread, Debian's chromium driven by Playwright.

Every request whose host is not 127.0.0.1 is blocked and recorded, and each test fails if one
happened (map tiles from the configured tile server are the one expected kind: they are blocked
too and counted apart, since "tests never fetch tiles"). The same route is the offline switch:
`context.set_offline(True)` alone does not cut the service worker's own requests (FACTS.md), so
`BrowserNet.offline` aborts them as well.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SUNNE_CENTRUM = {"latitude": 59.8366, "longitude": 13.1440, "accuracy": 10}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "sv-SE",
    "timezone_id": "Europe/Stockholm",
}


def chromium_or_skip() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    reason = "chromium is not installed (apt-get install chromium) - browser tests need it"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail("REQUIRE_BROWSER=1 but " + reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return chromium_or_skip()


@pytest.fixture(scope="session")
def live_server(_session_app: Flask) -> Iterator[str]:
    """The session's app on a free port; each test's `app` fixture still cleans the database."""
    server = make_server("127.0.0.1", 0, _session_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class _Driver:
    """The one Playwright driver of the test session.

    Other conftests re-export these fixtures (tests/walks/browser); pytest then makes a second
    session instance, and a second sync_playwright() cannot start inside the running first one.
    So the driver is shared and stopped when its last user is done.
    """

    instance = None
    users = 0


@pytest.fixture(scope="session")
def playwright(chromium_path: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    if not _Driver.users:
        _Driver.instance = sync_playwright().start()
    _Driver.users += 1
    yield _Driver.instance
    _Driver.users -= 1
    if not _Driver.users:
        _Driver.instance.stop()
        _Driver.instance = None


@pytest.fixture(scope="session")
def browser(playwright, chromium_path: str):  # type: ignore[no-untyped-def]
    browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class BrowserNet:
    """The context's one way out: blocks and records what leaves 127.0.0.1; can cut everything."""

    tile_host: str | None
    offline: bool = False
    leaks: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)

    def handle(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        host = urlsplit(url).hostname
        if host != "127.0.0.1":
            (self.tiles if self._is_tile(host) else self.leaks).append(url)
            route.abort("blockedbyclient")
        elif self.offline:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    def _is_tile(self, host: str | None) -> bool:
        if not host or not self.tile_host:
            return False
        return host == self.tile_host or host.endswith("." + self.tile_host.lstrip("*."))


def tile_host(app: Flask) -> str | None:
    return urlsplit(app.config["TILE_URL"].replace("{s}.", "")).hostname


@dataclass
class Phone:
    """One phone: a browser context with a page, its network switch and the server's URL."""

    context: object
    page: object
    net: BrowserNet
    base_url: str

    def go_offline(self) -> None:
        self.net.offline = True
        self.context.set_offline(True)  # type: ignore[attr-defined]

    def go_online(self) -> None:
        # Routes first: the "online" event starts a flush that must get through.
        self.net.offline = False
        self.context.set_offline(False)  # type: ignore[attr-defined]


def new_phone_context(browser, base_url: str, net: BrowserNet, **overrides):  # type: ignore[no-untyped-def]
    options = {
        **PHONE,
        "base_url": base_url,
        "geolocation": SUNNE_CENTRUM,
        "permissions": ["geolocation", "background-sync"],
        "service_workers": "allow",
        **overrides,
    }
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    context.route("**/*", net.handle)
    return context


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    # Lets the `phone` fixture know whether the test failed, to print what the phone showed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


@pytest.fixture
def phone(request, browser, live_server: str, app: Flask) -> Iterator[Phone]:  # type: ignore[no-untyped-def]
    net = BrowserNet(tile_host=tile_host(app))
    context = new_phone_context(browser, live_server, net)
    page = context.new_page()
    errors: list[str] = []
    console: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    yield Phone(context=context, page=page, net=net, base_url=live_server)
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            print(f"--- the phone showed {page.url} ---\n{page.inner_text('body')[:2000]}")
        except Exception as error:  # noqa: BLE001 - diagnostics only
            print(f"--- could not read the page: {error}")
        print("--- console ---\n" + "\n".join(console[-30:]))
    context.close()
    assert net.leaks == [], f"requests left 127.0.0.1: {net.leaks}"
    assert errors == [], f"JavaScript errors in the page: {errors}"
