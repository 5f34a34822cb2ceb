"""An officer takes a name out of a sent observation, on a phone, from "My records"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.conftest import api_post
from tests.observations.conftest import payload
from webapp.extensions import db
from webapp.observations.models import Observation

pytestmark = pytest.mark.browser

NOTE = "Ungdomar vid kiosken, bl.a. Kevin Johansson (15 år)"


def test_an_officer_corrects_a_sent_note_from_my_records(phone, app, officer, as_user):  # type: ignore[no-untyped-def]
    body = payload(note=NOTE, category="ungdomssamling")
    assert api_post(as_user(officer), "/api/v1/observations", body).status_code == 201
    page = phone.page
    log_in(page, "officer")
    page.goto("/field/mine")
    page.locator("#server-list .record-open").first.tap()
    expect(page.locator("p.note")).to_have_text(NOTE)

    page.get_by_role("link", name="Rätta anteckning, kategori eller foton").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rätta iakttagelsen")
    note = page.get_by_label("Anteckning")
    expect(note).to_have_value(NOTE)
    note.fill("Ungdomar vid kiosken")
    page.screenshot(path="instance/journey-shots/observation-correct-360.png", full_page=True)
    page.get_by_role("button", name="Spara rättelsen").tap()

    expect(page.locator(".flash-success")).to_have_text("Iakttagelsen är rättad.")
    expect(page.locator("p.note")).to_have_text("Ungdomar vid kiosken")
    page.get_by_role("link", name="Tillbaka till Mina registreringar").tap()
    expect(page.locator("#server-list .record-note").first).to_have_text("Ungdomar vid kiosken")
    with app.app_context():
        assert db.session.get(Observation, body["id"]).note == "Ungdomar vid kiosken"
