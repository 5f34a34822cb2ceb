"""Linking one record to a measure from its review page needs a choice.

The "Measure" select sat right under "Turn into a measure" with the newest measure already
chosen: a tap on "Link to measure" without a look linked that one. The select now starts on
"Choose a measure …", in a card of its own, and an empty choice is refused at the field.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.conftest import form_csrf_token
from tests.map.helpers import add_observation
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation


def _measure(coordinator, title: str) -> int:  # type: ignore[no-untyped-def]
    measure = Measure(title=title, created_by_id=coordinator.id, owner="municipality_technical")
    measure.change_status("proposed", by=coordinator.id)
    db.session.add(measure)
    db.session.commit()
    return measure.id


def test_link_to_measure_without_a_choice_is_refused_and_links_nothing(
    app, officer, coordinator, as_user
):
    with app.app_context():
        observation = add_observation(officer)
        _measure(coordinator, "Fler vuxna ute vid busstationen")
    client = as_user(coordinator)
    page = client.get(f"/review/observations/{observation}").get_data(as_text=True)
    select = re.search(r'<select id="link-measure"[^>]*>(.*?)</select>', page, re.S)
    assert select, "no measure select on the review page"
    first = re.search(r"<option([^>]*)>([^<]*)</option>", select.group(1))
    assert first and first.group(1) == ' value=""' and first.group(2) == "Välj åtgärd …"
    assert "selected" not in select.group(1)

    response = client.post(
        f"/review/observations/{observation}/link",
        data={"csrf_token": form_csrf_token(page), "measure_id": ""},
    )
    assert response.status_code == 422
    refused = response.get_data(as_text=True)
    assert re.search(r'<p class="error" id="link-measure-error">Välj en åtgärd först.</p>', refused)
    assert 'aria-describedby="link-measure-error"' in refused
    with app.app_context():
        record = db.session.get(Observation, observation)
        assert record.measure_id is None and record.status == "new"


def test_the_link_form_needs_the_coordinator(app, officer, coordinator, as_user):
    with app.app_context():
        observation = add_observation(officer)
        measure = _measure(coordinator, "Fler vuxna ute vid busstationen")
    client = as_user(officer)
    page = client.get(f"/review/observations/{observation}").get_data(as_text=True)
    response = client.post(
        f"/review/observations/{observation}/link",
        data={"csrf_token": form_csrf_token(page), "measure_id": str(measure)},
    )
    assert response.status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Observation, observation).measure_id is None


@pytest.mark.browser
def test_a_coordinator_taps_link_without_choosing_then_chooses(phone, app, officer, coordinator):  # type: ignore[no-untyped-def]
    with app.app_context():
        observation = add_observation(officer, note="Gatlampan vid busshållplatsen är trasig")
        _measure(coordinator, "Fler vuxna ute vid busstationen")
        wanted = _measure(coordinator, "Byt armaturer vid busshållplatsen")
    page = phone.page
    log_in(page, "coordinator")
    page.goto(f"/review/observations/{observation}")
    select = page.get_by_label("Åtgärd", exact=True)
    expect(select).to_have_value("")
    page.get_by_role("button", name="Koppla till åtgärd").tap()

    error = page.locator("#link-measure-error")
    expect(error).to_have_text("Välj en åtgärd först.")
    expect(error).to_be_in_viewport()
    with app.app_context():
        assert db.session.get(Observation, observation).measure_id is None

    page.get_by_label("Åtgärd", exact=True).select_option(label="Byt armaturer vid busshållplatsen")
    page.get_by_role("button", name="Koppla till åtgärd").tap()
    expect(page.get_by_text("Iakttagelsen är kopplad till åtgärden.")).to_be_in_viewport()
    with app.app_context():
        assert db.session.get(Observation, observation).measure_id == wanted


def test_the_refused_form_address_opened_again_shows_the_record(app, officer, coordinator, as_user):
    with app.app_context():
        observation = add_observation(officer)
    response = as_user(coordinator).get(f"/review/observations/{observation}/link?status=new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/review/observations/{observation}?status=new")


def test_the_queues_bulk_link_starts_on_no_measure(app, officer, coordinator, as_user):
    with app.app_context():
        add_observation(officer)
        _measure(coordinator, "Fler vuxna ute vid busstationen")
    page = as_user(coordinator).get("/review/").get_data(as_text=True)
    select = re.search(r'<select id="bulk-measure"[^>]*>(.*?)</select>', page, re.S)
    assert select, "no measure select in the queue's bulk actions"
    first = re.search(r"<option([^>]*)>([^<]*)</option>", select.group(1))
    assert first and first.group(1) == ' value=""' and first.group(2) == "Välj åtgärd …"
    assert "selected" not in select.group(1)
