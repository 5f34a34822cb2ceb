"""The measures list on a phone: every measure's deadline and "overdue" tag are on the screen.

At 360-390 px the five-column table used to scroll sideways inside its box, so the deadline
and the red "overdue" tag of a measure sat out of sight; on a phone each measure is now a card.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.journeys.helpers import open_menu_link
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure

pytestmark = pytest.mark.browser


def _measure(coordinator, title: str, deadline: date) -> None:  # type: ignore[no-untyped-def]
    measure = Measure(
        title=title,
        created_by_id=coordinator.id,
        owner="municipality_technical",
        owner_detail="gatu- och parkavdelningen",
        lat=59.8366,
        lon=13.144,
        deadline=deadline,
    )
    measure.change_status("decided", by=coordinator.id, comment="Beslut på vandringen")
    db.session.add(measure)
    db.session.commit()


def test_the_measures_list_shows_each_deadline_and_overdue_tag_on_a_phone(phone, app, coordinator):  # type: ignore[no-untyped-def]
    today = local_today()
    passed = today - timedelta(days=3)
    with app.app_context():
        _measure(coordinator, "Klipp buskaget vid gångvägen mot skolan", passed)
        _measure(
            coordinator, "Fler vuxna ute vid busstationen fredagkvällar", today + timedelta(days=40)
        )
    page = phone.page
    log_in(page, "coordinator")
    open_menu_link(page, "Åtgärder")
    expect(page.get_by_role("heading", name="Åtgärder", level=1)).to_be_visible()

    width = page.viewport_size["width"]
    overdue = page.locator("tr.overdue")
    expect(overdue.get_by_text("försenad")).to_be_visible()
    for cell in [overdue.get_by_text("försenad"), *page.locator("tbody td").all()]:
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (cell, box, width)
    # Each value says what it is, as the hidden column heading would.
    expect(overdue.locator("td[data-label='Sista datum']")).to_contain_text(str(passed.year))
    for wrap in page.locator(".table-wrap").all():
        scroll, client = wrap.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert scroll <= client + 1, f"a measures table scrolls sideways: {scroll} > {client}"
