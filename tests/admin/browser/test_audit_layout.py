"""The audit log in a real browser: all six columns at a desk, one card per entry on a phone.

At 1366 px the table sat in main's 48rem column: "Detaljer" was cut mid-word and "Från" could not
be seen. At 360 px it was a wide table to swipe sideways.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, tile_host
from tests.browser.helpers import log_in
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.measures.models import Measure

pytestmark = pytest.mark.browser

COLUMNS = ("När", "Vem", "Händelse", "Objekt", "Detaljer", "Från")


def _entries(app, coordinator) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        measure = Measure(title="Belysning i gångtunneln vid Kolsnäs", created_by_id=coordinator.id)
        db.session.add(measure)
        db.session.flush()
        db.session.add_all(
            [
                AuditEntry(
                    action="measure.status_change", actor_label="samordnare",
                    target_type="measures", target_id=str(measure.id), ip="192.168.100.200",
                    detail={"from_status": "in_progress", "to_status": "done", "as_owner": False},
                ),
                AuditEntry(
                    action="export.download", actor_label="samordnare", target_type="report",
                    ip="192.168.100.201",
                    detail={"kind": "council_report", "format": "pdf", "from": "2026-07-01",
                            "to": "2026-09-30", "promises": [3, 4], "police_measures": 0,
                            "police_walk_measures": 0},
                ),
            ]
        )  # fmt: skip
        db.session.commit()


def _open_the_log(browser, live_server: str, app, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server, locale="sv-SE", timezone_id="Europe/Stockholm",
        viewport={"width": width, "height": 800},
    )  # fmt: skip
    context.set_default_timeout(15_000)
    context.route("**/*", BrowserNet(tile_host=tile_host(app)).handle)
    page = context.new_page()
    log_in(page, "coordinator")
    page.goto("/")
    page.locator("summary", has_text="Samordning").click()
    page.get_by_role("link", name="Händelselogg", exact=True).click()
    expect(page.get_by_role("heading", name="Händelselogg")).to_be_visible()
    return context, page


def _overflow(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => {
          const wrap = document.querySelector('main .table-wrap');
          return {page: document.documentElement.scrollWidth - window.innerWidth,
                  table: wrap.scrollWidth - wrap.clientWidth};
        }"""
    )


def test_at_a_desk_every_column_of_the_log_is_in_view(app, browser, live_server, coordinator):
    _entries(app, coordinator)
    context, page = _open_the_log(browser, live_server, app, 1366)
    try:
        assert _overflow(page) == {"page": 0, "table": 0}
        for name in COLUMNS:
            header = page.get_by_role("columnheader", name=name, exact=True)
            expect(header).to_be_in_viewport()
        row = page.get_by_role("row").filter(has_text="192.168.100.200")
        expect(row.get_by_text("192.168.100.200")).to_be_in_viewport()
        expect(row).to_contain_text("tidigare status: pågår · ny status: klar")
        expect(
            row.get_by_role("link", name="Åtgärd: Belysning i gångtunneln vid Kolsnäs")
        ).to_be_visible()
    finally:
        context.close()


def test_on_a_phone_each_entry_is_a_card_without_sideways_scrolling(
    app, browser, live_server, coordinator
):
    _entries(app, coordinator)
    context, page = _open_the_log(browser, live_server, app, 360)
    try:
        assert _overflow(page) == {"page": 0, "table": 0}
        card = page.get_by_role("row").filter(has_text="192.168.100.201")
        expect(card).to_contain_text("Laddade ner export")
        expect(card).to_contain_text("slag: rapport till Lokala rådet")
        address = card.get_by_text("192.168.100.201")
        address.scroll_into_view_if_needed()
        box = address.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        # A card: what happened heads it, each value on a line of its own under it.
        heading = card.get_by_text("Laddade ner export").bounding_box()
        assert heading is not None and heading["y"] + heading["height"] <= box["y"]
    finally:
        context.close()


def test_on_a_phone_the_records_link_is_a_thumb_sized_target(
    app, browser, live_server, coordinator
):
    """It was the name's one line of text, about 20 px high: easy to miss with a thumb."""
    with app.app_context():
        measure = Measure(title="Sandning", created_by_id=coordinator.id)
        db.session.add(measure)
        db.session.flush()
        db.session.add(
            AuditEntry(action="measure.read", actor_label="samordnare", target_type="measures",
                       target_id=str(measure.id), ip="192.168.100.202")
        )  # fmt: skip
        db.session.commit()
    context, page = _open_the_log(browser, live_server, app, 360)
    try:
        card = page.get_by_role("row").filter(has_text="192.168.100.202")
        link = card.get_by_role("link", name="Åtgärd: Sandning")
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
        assert box["x"] + box["width"] <= 360
        # A tap near the target's lower edge, below the name's line of text, opens the measure.
        page.mouse.click(box["x"] + 10, box["y"] + box["height"] - 4)
        expect(page.get_by_role("heading", name="Sandning", exact=True)).to_be_visible()
    finally:
        context.close()
