"""A resident sends a report from a small phone and follows it until something is done."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import wait_for_outbox
from tests.citizen.helpers import make_measure
from webapp.auth.models import User
from webapp.citizen.models import PublicReport
from webapp.citizen.moderation import service as moderation
from webapp.extensions import db
from webapp.measures.models import Measure

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}


def _stored(app) -> PublicReport:  # type: ignore[no-untyped-def]
    with app.app_context():
        (report,) = db.session.execute(db.select(PublicReport)).scalars().all()
        db.session.expunge(report)
        return report


def test_a_resident_follows_a_report_from_received_to_a_shared_measure(phone, app, coordinator):
    """Sent on a weak signal from a 360 px phone: listed as waiting, then a link to follow it;
    received, then published with a measure shared with residents, as the coordinator decides."""
    app.config["CITIZEN_MIN_FILL_SECONDS"] = 0  # the fill time has tests of its own
    page = phone.page
    page.set_viewport_size(SMALL_PHONE)
    page.goto("/report")
    wait_for_outbox(page)
    expect(page.locator("#my-reports")).to_be_hidden()  # nothing sent from here yet

    # Place the pin on the map, say how it feels and what it is about, and send.
    page.locator("#report-map").tap()
    expect(page.locator("#place-status")).to_have_attribute("data-state", "manual")
    page.get_by_label("Känns tryggt").check()
    page.locator("input[name=category][value='belysning']").locator("..").tap()
    page.fill("#report-text", "Trasig lampa vid bron PRIVATTEXT")
    # The signal drops just as it is sent: the report waits on the phone, with no page yet.
    phone.go_offline()
    page.locator("#report-save").tap()
    waiting = page.locator("#my-reports-list li")
    expect(waiting).to_have_count(1)
    expect(waiting.first).to_contain_text("Väntar på att skickas")
    expect(waiting.first.get_by_role("link")).to_have_count(0)

    phone.go_online()
    follow = page.locator("#report-status").get_by_role("link", name="Följ din synpunkt")
    expect(follow).to_be_visible(timeout=20_000)
    expect(waiting.first.get_by_role("link")).to_contain_text("Belysning")
    report = _stored(app)
    assert (report.feeling, report.category_code) == ("safe", "belysning")

    follow.tap()
    expect(page).to_have_url(re.compile(rf"/report/{report.id}$"))
    expect(page.locator("h1")).to_have_text("Följ din synpunkt")
    expect(page.locator("#follow-state-heading")).to_have_text("Mottagen – väntar på granskning")
    expect(page.locator("main")).not_to_contain_text("PRIVATTEXT")

    # The coordinator publishes it and links it to a measure shared with residents.
    measure_id = make_measure(
        app,
        coordinator.id,
        title="Nya lampor längs bron",
        status="in_progress",
        deadline=date(2031, 10, 31),
        visibility="shared",
    )
    with app.app_context():
        by = db.session.get(User, coordinator.id)
        stored = db.session.get(PublicReport, report.id)
        moderation.publish(stored, "Trasig belysning vid bron", by)
        moderation.merge_with_measure(stored, db.session.get(Measure, measure_id), by)

    page.reload()
    expect(page.locator("#follow-state-heading")).to_have_text(
        "Granskad – visas på den öppna kartan"
    )
    expect(page.locator(".follow-state")).to_contain_text("Belysning – Känns tryggt")
    measure = page.locator(".follow-measure")
    expect(measure).to_contain_text("Nya lampor längs bron")
    expect(measure).to_contain_text("pågår")
    expect(measure).to_contain_text("31 oktober 2031")
    expect(page.locator("main")).not_to_contain_text("PRIVATTEXT")

    # Back on the report page, the report is in "Your reports", linking to its page.
    page.get_by_role("link", name="Dina synpunkter").tap()
    mine = page.locator("#my-reports-list li")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text("Belysning")
    expect(mine.first.get_by_role("link")).to_have_attribute("href", f"/report/{report.id}")
    kept = page.evaluate("() => localStorage.getItem('trygg-citizen-reports')")
    assert [set(entry) for entry in json.loads(kept)] == [{"id", "day", "category"}]
    assert "PRIVATTEXT" not in kept

    # The resident forgets the list (after saying yes): the report stays with the coordinator.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Glöm mina synpunkter").tap()
    expect(page.locator("#my-reports")).to_be_hidden()
    assert page.evaluate("() => localStorage.getItem('trygg-citizen-reports')") is None
    assert _stored(app).status == "published"
