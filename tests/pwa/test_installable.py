"""Installability (Chromium's own verdict over CDP) and a tour that must stay on 127.0.0.1."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS, PHONE, BrowserNet, tile_host
from tests.browser.helpers import log_in, wait_for_service_worker

pytestmark = pytest.mark.browser


def test_chromium_reports_the_app_installable(
    playwright, chromium_path, live_server, app, officer, tmp_path
):
    # A persistent profile: from an incognito-like context Chromium always answers "in-incognito".
    net = BrowserNet(tile_host=tile_host(app))
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path,
        args=CHROMIUM_ARGS,
        base_url=live_server,
        **PHONE,
    )
    try:
        context.route("**/*", net.handle)
        page = context.pages[0] if context.pages else context.new_page()
        log_in(page, "officer")
        wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)
        try:
            errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
            manifest = cdp.send("Page.getAppManifest")
        finally:
            cdp.detach()  # one left attached breaks offline emulation (FACTS.md)
    finally:
        context.close()
    assert errors == []
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert net.leaks == []


def test_a_tour_of_the_field_pages_never_leaves_127_0_0_1(phone, app, officer):
    page = phone.page
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    log_in(page, "officer")
    wait_for_service_worker(page)
    for path in ("/", "/field/new", "/field/mine", "/help/install", "/offline"):
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
    page.goto("/field/new")
    expect(page.locator("#obs-map .leaflet-tile-pane")).to_be_attached()
    page.wait_for_timeout(500)  # let the map ask for its tiles
    assert phone.net.leaks == []
    # The map did ask its configured tile server, and the route blocked every one of those.
    assert phone.net.tiles, "expected the map to request tiles (blocked in tests)"
    assert violations == []
    # 360 px wide phones: nothing scrolls sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/field/new", "/field/mine", "/help/install"):
        page.goto(path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
