"""A participant joins through the QR link on a phone, marks two spots offline and syncs;
the coordinator turns them into a measure."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in, poll, wait_for_outbox_count, wait_for_service_worker
from tests.walks.helpers import make_walk
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.walks.models import WalkSpot

pytestmark = pytest.mark.browser


def _mark(page, category: str, note: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"#spot-form input[name=category][value='{category}']").locator("..").tap()
    page.fill("#spot-note", note)
    page.locator("#spot-save").tap()
    expect(page.locator("#spot-status")).to_have_text(re.compile("Sparad|Skickat|Saved|Sent"))


def test_participant_marks_spots_offline_and_the_coordinator_decides_a_measure(
    phone, app, coordinator, browser
):
    walk = make_walk(app, coordinator.id)
    page = phone.page
    # What the QR code holds: the join link, opened on the phone.
    page.goto(f"/walk/join/{walk.join_code}")
    page.select_option("#group", "residents")
    page.locator("#join-walk").tap()
    expect(page).to_have_url(re.compile(rf"/walk/{walk.id}$"))
    wait_for_service_worker(page)
    expect(page.locator("#gps-status")).to_have_attribute(
        "data-state", re.compile("fix|inaccurate")
    )

    phone.go_offline()
    _mark(page, "belysning", "Mörk gångtunnel")
    _mark(page, "skadegorelse", "Klotter på busskuren")
    wait_for_outbox_count(page, 2)
    with app.app_context():
        assert db.session.execute(db.select(WalkSpot)).first() is None

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    with app.app_context():
        spots = db.session.execute(db.select(WalkSpot)).scalars().all()
        assert sorted(s.note for s in spots) == ["Klotter på busskuren", "Mörk gångtunnel"]
        assert {s.walk_id for s in spots} == {walk.id}

    # The coordinator, at a desk, goes through the spots and decides one measure for both.
    net = BrowserNet(tile_host=tile_host(app))
    context = new_phone_context(
        browser,
        phone.base_url,
        net,
        viewport={"width": 1280, "height": 900},
        is_mobile=False,
        has_touch=False,
    )
    try:
        desk = context.new_page()
        log_in(desk, "coordinator")
        desk.goto(f"/walks/{walk.id}/review")
        for box in desk.locator("input[name=spot]").all():
            box.check()
        desk.locator("button[form=spots-form]").click()
        desk.fill("#title", "Belysning och klottersanering vid tunneln")
        desk.select_option("#owner", "municipality_technical")
        desk.fill("#deadline", "2031-06-30")
        desk.locator("main form button[type=submit].btn-primary").click()
        expect(desk).to_have_url(re.compile(rf"/walks/{walk.id}/review$"))
        poll(desk, "() => document.body.innerText.includes('Belysning och klottersanering')")
    finally:
        context.close()
    assert net.leaks == []
    with app.app_context():
        measure = db.session.execute(db.select(Measure)).scalar_one()
        assert (measure.walk_id, measure.status, measure.owner) == (
            walk.id,
            "decided",
            "municipality_technical",
        )
        linked = (
            db.session.execute(db.select(WalkSpot).filter_by(measure_id=measure.id)).scalars().all()
        )
        assert len(linked) == 2
