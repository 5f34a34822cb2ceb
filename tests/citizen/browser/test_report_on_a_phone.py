"""A resident reports a place from a phone with no signal; it reaches the server exactly once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    poll,
    wait_for_outbox,
    wait_for_outbox_count,
    wait_for_service_worker,
)
from tests.citizen.helpers import HOSTILE, make_report
from webapp.citizen.models import PublicReport
from webapp.extensions import db

pytestmark = pytest.mark.browser


def _rows(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return [
            (r.category_code, r.text, r.status)
            for r in db.session.execute(db.select(PublicReport)).scalars()
        ]


def test_an_anonymous_report_made_offline_is_synced_exactly_once(phone, app):
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 1
    page = phone.page
    page.goto("/report")
    wait_for_service_worker(page)
    # The worker keeps the pages it has served; the first visit came before it was installed
    # (a resident who opened the link once before, or opens it again, has it cached).
    page.goto("/report")
    wait_for_outbox(page)

    phone.go_offline()
    page.locator("#use-position").tap()
    expect(page.locator("#place-status")).to_have_attribute("data-state", "manual")
    page.locator("input[name=category][value='belysning']").locator("..").tap()
    page.fill("#report-text", "Mörk gångtunnel under järnvägen")
    page.locator("#report-save").tap()
    wait_for_outbox_count(page, 1)
    assert _rows(app) == []

    # The phone closes the page and opens it again, still without signal: the report waits.
    page.reload()
    wait_for_outbox_count(page, 1)
    assert _rows(app) == []

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    expect(page.locator("#report-status")).not_to_be_empty()
    # Background Sync may send the same item again after `online`: still one row.
    page.wait_for_timeout(1500)
    assert _rows(app) == [("belysning", "Mörk gångtunnel under järnvägen", "pending")]


def test_a_published_hostile_report_is_shown_as_text_on_the_public_page(phone, app):
    make_report(app, status="published", public_text=HOSTILE, text="original")
    dialogs: list[str] = []
    phone.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page = phone.page

    page.goto("/report")
    item = page.locator("#published-list li").first
    expect(item).to_contain_text("HOSTILE-MARK")

    assert "<script>alert(1)</script>" in item.inner_text()
    assert page.locator("#published-list img, #published-list script").count() == 0
    # The marker's popup is built with textContent too.
    page.locator("#published-map path.leaflet-interactive").first.click(force=True)
    poll(page, "() => !!document.querySelector('#published-map .leaflet-popup-content')")
    popup = page.locator("#published-map .leaflet-popup-content")
    expect(popup).to_contain_text(re.compile("HOSTILE-MARK"))
    assert popup.locator("img, script").count() == 0
    assert dialogs == []
