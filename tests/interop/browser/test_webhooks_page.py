"""The coordinator's webhook page in a real browser: register a receiver, see the secret once,
see the delivery log after an event, press "Skicka igen" (issue 20)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, tile_host
from tests.browser.helpers import log_in
from tests.interop.helpers import always, receiver, run_worker
from tests.interop.test_webhooks import new_measure

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[3]
SHOTS = Path(os.environ.get("JOURNEY_SHOTS", ROOT / "instance" / "journey-shots"))


def test_coordinator_registers_a_receiver_and_sends_a_delivery_again(
    app, browser, live_server, coordinator, as_user
):
    app.config["WEBHOOK_RETRY_SCHEDULE"] = [0]
    net = BrowserNet(tile_host=tile_host(app))
    context = browser.new_context(
        base_url=live_server, locale="sv-SE", timezone_id="Europe/Stockholm",
        viewport={"width": 1366, "height": 900},
    )  # fmt: skip
    context.set_default_timeout(15_000)
    context.route("**/*", net.handle)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        with receiver(always(204)) as rx:
            log_in(page, "coordinator")
            page.goto("/")
            page.get_by_role("link", name="Webhooks").first.click()
            expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
            page.get_by_label("Mottagarens adress (URL)").fill(rx.url)
            page.get_by_label("Beskrivning").fill("Kommunens GIS")
            page.get_by_label("measure.created").check()
            page.get_by_role("button", name="Lägg till mottagare").click()

            secret_box = page.get_by_label("Hemlighet")
            secret = secret_box.input_value()
            assert re.fullmatch(r"whsec_[A-Za-z0-9+/=]{44}", secret)
            rx.secret = secret
            page.get_by_role("link", name="Till mottagarens leveranslogg").click()
            assert secret not in page.content(), "the secret was shown a second time"
            expect(page.get_by_text("Inget skickat än.")).to_be_visible()

            new_measure(as_user(coordinator))  # someone decides a measure
            run_worker(app)
            page.reload()
            log = page.locator("table.webhook-log")
            expect(log).to_contain_text("measure.created")
            expect(log).to_contain_text("levererad")
            expect(log.locator("ol.attempts li")).to_have_count(1)

            page.get_by_role("button", name="Skicka igen").click()
            expect(page.get_by_text("Skickad igen: mottagaren svarade 204.")).to_be_visible()
            expect(page.locator("table.webhook-log ol.attempts li")).to_have_count(2)
            expect(page.locator("table.webhook-log")).to_contain_text("skickad igen")
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "webhooks-delivery-log.png"), full_page=True)

        assert len(rx.received) == 2 and all(r.verified for r in rx.received)
        assert rx.received[0].msg_id == rx.received[1].msg_id
    finally:
        context.close()
    assert net.leaks == [] and errors == []
