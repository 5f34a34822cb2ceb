"""After "Save" on a status change, a phone shows that it worked.

The status form sits at the bottom of a measure's page; its anchor (there so a refused change
comes back into view with its message) carried over to the page after saving, so a 360 px
phone showed the form again, and "Status changed." and the new status were far above it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from webapp.extensions import db
from webapp.measures.models import Measure

pytestmark = pytest.mark.browser


def test_the_saved_status_is_in_view_on_a_small_phone(phone, app, coordinator):  # type: ignore[no-untyped-def]
    with app.app_context():
        measure = Measure(
            title="Klipp buskaget vid gångvägen mot skolan",
            description="Buskaget skymmer sikten vid gångvägen. " * 12,
            created_by_id=coordinator.id,
            owner="municipality_technical",
        )
        measure.change_status("decided", by=coordinator.id, comment="Beslut på vandringen")
        db.session.add(measure)
        db.session.commit()
        measure_id = measure.id
    page = phone.page
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "coordinator")
    page.goto(f"/measures/{measure_id}")

    page.get_by_label("Ny status").select_option(label="pågår")
    page.get_by_role("button", name="Spara").tap()

    expect(page.get_by_text("Statusen är ändrad.")).to_be_in_viewport()
    status = page.locator("dl.facts dt", has_text="Status").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(status).to_have_text("pågår")
    expect(status).to_be_in_viewport()
    expect(page.get_by_label("Ny status")).to_have_value("in_progress")
    with app.app_context():
        assert db.session.get(Measure, measure_id).status == "in_progress"
