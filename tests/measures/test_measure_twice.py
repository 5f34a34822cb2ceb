"""Back and "Create measure" again does not make a second measure of the same places."""

from __future__ import annotations

from tests.conftest import form_csrf_token
from tests.map.helpers import add_observation
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation

FORM = {
    "title": "Byt lampan vid gångbron",
    "description": "Mörkt under bron på kvällen",
    "owner": "municipality_technical",
    "priority": "medium",
    "visibility": "shared",
}


def _send(client, page: str, observation_id: str, **extra: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": form_csrf_token(page), "observation_ids": observation_id, **FORM}
    return client.post("/measures/new", data=data | extra)


def _measures(app) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.execute(db.select(Measure.id, Measure.title).order_by(Measure.id))
        return [tuple(row) for row in rows]


def _measure_of(app, observation_id: str) -> int | None:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.get(Observation, observation_id).measure_id


def test_sending_the_form_again_names_the_measure_and_keeps_the_places(
    app, coordinator, officer, as_user
):
    client = as_user(coordinator)
    with app.app_context():
        observation_id = add_observation(officer, note="Trasig lampa", hours_ago=30)
    # The form as the phone kept it: the page was loaded once, and Back shows it again.
    form_page = client.get(f"/measures/new?observation={observation_id}").get_data(as_text=True)
    assert _send(client, form_page, observation_id).status_code == 302
    [(first_id, _title)] = _measures(app)

    again = _send(client, form_page, observation_id)
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "Platserna hör redan till en åtgärd" in page
    assert f'href="/measures/{first_id}"' in page  # the measure they belong to, one tap away
    assert FORM["description"] in page  # what was typed is still in the form
    assert _measures(app) == [(first_id, FORM["title"])]
    assert _measure_of(app, observation_id) == first_id


def test_the_form_says_so_before_anything_is_typed(app, coordinator, officer, as_user):
    client = as_user(coordinator)
    with app.app_context():
        observation_id = add_observation(officer, note="Trasig lampa", hours_ago=30)
    form_page = client.get(f"/measures/new?observation={observation_id}").get_data(as_text=True)
    assert "hör redan till en åtgärd" not in form_page
    _send(client, form_page, observation_id)
    page = client.get(f"/measures/new?observation={observation_id}").get_data(as_text=True)
    assert "Några av platserna hör redan till en åtgärd" in page
    assert "Flytta platserna till den nya åtgärden" in page


def test_moving_the_places_on_purpose_makes_the_new_measure_theirs(
    app, coordinator, officer, as_user
):
    client = as_user(coordinator)
    with app.app_context():
        observation_id = add_observation(officer, note="Trasig lampa", hours_ago=30)
    form_page = client.get(f"/measures/new?observation={observation_id}").get_data(as_text=True)
    _send(client, form_page, observation_id)
    moved = _send(client, form_page, observation_id, move_linked="y")
    assert moved.status_code == 302
    (_first, _t), (second_id, _t2) = _measures(app)
    assert _measure_of(app, observation_id) == second_id


def test_a_measure_needs_its_owner_chosen(app, coordinator, as_user):
    """No owner is preselected: one tap on Create made every measure the police's."""
    client = as_user(coordinator)
    page = client.get("/measures/new").get_data(as_text=True)
    assert '<option value="">Välj vem som utför den</option><option value="police">' in page
    assert "selected" not in page.split('id="owner"', 1)[1].split("</select>", 1)[0]
    data = {"csrf_token": form_csrf_token(page), **FORM, "owner": ""}
    response = client.post("/measures/new", data=data)
    assert response.status_code == 422
    assert "Välj vem som utför åtgärden." in response.get_data(as_text=True)
    assert _measures(app) == []
