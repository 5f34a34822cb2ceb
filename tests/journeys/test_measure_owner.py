"""Journey: municipal staff report that their overdue measure is done; the coordinator sees it.

On the Sunne demo, `kommun` on a 360 px phone goes from `/` through the menu to the measures,
narrows the list to their organisation's measures, opens the overdue "Klipp buskaget vid
gångvägen mot skolan" (owned by the municipality's technical services) and marks it done with a
comment. The coordinator then finds it among the closed measures with the comment, and who wrote
it, in its history. Only what a person sees and does (tests/journeys/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.helpers import open_menu_link
from webapp.extensions import db
from webapp.measures.models import Measure

pytestmark = [pytest.mark.browser, pytest.mark.journey]

TITLE = "Klipp buskaget vid gångvägen mot skolan"
REOPEN_LINE = "Trygghetssamordnaren ändrar status på en åtgärd som är klar."
COMMENT = "Buskaget klippt längs hela gångvägen, fri sikt mot skolan."


def test_municipal_staff_mark_their_overdue_measure_done_and_the_coordinator_sees_it(
    people,
    demo,
):  # type: ignore[no-untyped-def]
    kommun = people("kommun", phone=True)
    page = kommun.page
    kommun.log_in("kommun")
    open_menu_link(page, "Åtgärder")
    page.get_by_label("Ansvarig").select_option(label="Min organisations åtgärder")
    page.get_by_role("button", name="Filtrera").click()
    kommun.shot("measures-mine-360")
    page.locator("tr.overdue").get_by_role("link", name=TITLE).click()

    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("Försenad", exact=True)).to_be_visible()
    kommun.shot("measure-owner-before-360")
    page.set_viewport_size({"width": 1366, "height": 900})
    kommun.shot("measure-owner-before-1366")
    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_role("link", name="Ändra status").click()
    page.get_by_label("Ny status").select_option(label="klar")
    page.get_by_label("Kommentar").fill(COMMENT)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Statusen är ändrad.")).to_be_visible()
    expect(page.get_by_text("Försenad", exact=True)).to_have_count(0)
    history = page.locator("ol.history li").last
    expect(history).to_contain_text(f"klar – {COMMENT}")
    # Done: reopening it is the coordinator's, and the page says so instead of a form.
    expect(page.get_by_text(REOPEN_LINE)).to_be_visible()
    expect(page.get_by_label("Ny status")).to_have_count(0)
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    kommun.shot("measure-owner-done-360")

    coordinator = people("samordnare", phone=False)
    page = coordinator.page
    coordinator.log_in("samordnare")
    open_menu_link(page, "Åtgärder")
    closed = page.locator("table").nth(1)
    row = closed.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("klar")
    row.get_by_role("link", name=TITLE).click()
    last = page.locator("ol.history li").last
    expect(last).to_contain_text(re.compile(rf"klar – {re.escape(COMMENT)}\s*\(Kommun Demo\)"))
    coordinator.shot("measure-owner-done-coordinator-1366")

    with demo.app_context():
        measure = db.session.scalars(db.select(Measure).filter_by(title=TITLE)).one()
        assert measure.status == "done"
        assert [e.comment for e in measure.events].count(COMMENT) == 1
