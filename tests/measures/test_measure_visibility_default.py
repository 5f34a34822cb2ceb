"""A measure made from records starts as restricted as they are.

The form used to start on "shared" whatever it was made from: a hurried coordinator turning a
police-only observation into a measure shared police material with the municipality. Now the
measure takes its records' visibility; police-only and municipality-only records together
have no visibility that keeps both, so the coordinator must choose one.
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


def _visibility_select(page: str) -> str:
    match = re.search(r'<select[^>]*id="visibility"[^>]*>(.*?)</select>', page, re.S)
    assert match, "no visibility select on the form"
    return match.group(1)


def _selected(page: str) -> str | None:
    found = re.search(r'<option selected value="([^"]*)"', _visibility_select(page))
    return found.group(1) if found else None


def _form(client, ids: list[str]) -> str:  # type: ignore[no-untyped-def]
    query = "&".join(f"observation={i}" for i in ids)
    response = client.get(f"/measures/new?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("visibilities", "expected"),
    [
        (["police"], "police"),
        (["municipality"], "municipality"),
        (["shared"], "shared"),
        (["police", "shared"], "police"),
        (["shared", "municipality"], "municipality"),
    ],
)
def test_the_form_starts_as_restricted_as_its_records(
    app, officer, coordinator, as_user, visibilities, expected
):
    with app.app_context():
        ids = [
            add_observation(officer, visibility=v, hours_ago=i + 1)
            for i, v in enumerate(visibilities)
        ]
    page = _form(as_user(coordinator), ids)
    assert _selected(page) == expected
    assert "Samma som för iakttagelserna den bygger på." in page


def test_a_measure_without_records_starts_shared(app, coordinator, as_user):
    page = as_user(coordinator).get("/measures/new").get_data(as_text=True)
    assert _selected(page) == "shared"
    assert 'value=""' not in _visibility_select(page)


def test_police_and_municipality_records_leave_the_choice_to_the_coordinator(
    app, officer, staff, coordinator, as_user
):
    with app.app_context():
        police = add_observation(officer, visibility="police")
        municipal = add_observation(staff, visibility="municipality", hours_ago=2)
    client = as_user(coordinator)
    page = _form(client, [police, municipal])
    assert _selected(page) == ""  # "Choose who may see it", nothing real chosen
    assert "Välj vem som får se den" in page

    data = {
        "csrf_token": form_csrf_token(page),
        "observation_ids": f"{police},{municipal}",
        "title": "Bättre belysning vid busstationen",
        "owner": "municipality_technical",
        "priority": "medium",
        "visibility": "",
    }
    refused = client.post("/measures/new", data=data)
    assert refused.status_code == 422
    assert "Välj vem som får se åtgärden." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(Measure)).first() is None

    created = client.post("/measures/new", data=data | {"visibility": "police"})
    assert created.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Measure.visibility)).scalar_one() == "police"


@pytest.mark.browser
def test_a_measure_made_from_a_police_observation_stays_police_only(
    phone, app, officer, coordinator
):  # type: ignore[no-untyped-def]
    with app.app_context():
        observation = add_observation(
            officer, visibility="police", note="Gatlampan vid busshållplatsen är trasig"
        )
    page = phone.page
    log_in(page, "coordinator")
    page.goto(f"/review/observations/{observation}")
    page.get_by_role("button", name="Gör om till åtgärd").tap()
    expect(page.get_by_role("heading", name="Ny åtgärd")).to_be_visible()
    expect(page.get_by_label("Synlig för")).to_have_value("police")

    page.get_by_label("Vad ska göras").fill("Byt gatlampan vid busshållplatsen")
    page.get_by_label("Ansvarig", exact=True).select_option("municipality_technical")
    page.get_by_role("button", name="Skapa åtgärd").tap()
    expect(page.get_by_text("Åtgärden är skapad.")).to_be_visible()

    with app.app_context():
        measure = db.session.execute(db.select(Measure)).scalar_one()
        assert measure.visibility == "police"
        assert [o.id for o in measure.observations] == [observation]
