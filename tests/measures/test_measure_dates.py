"""A new measure is never overdue at birth; an old, overdue measure can still be edited."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import form_csrf_token
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure

TODAY = local_today()


def _new_measure_form(**dates: date) -> dict[str, str]:
    form = {
        "title": "Klipp buskaget vid gångvägen",
        "description": "Skymmer sikten mot skolan",
        "owner": "municipality_technical",
        "owner_detail": "gatu- och parkavdelningen",
        "priority": "high",
        "visibility": "shared",
    }
    return form | {name: day.isoformat() for name, day in dates.items()}


def _post_new(client, form: dict[str, str]):  # type: ignore[no-untyped-def]
    token = form_csrf_token(client.get("/measures/new").get_data(as_text=True))
    return client.post("/measures/new", data={"csrf_token": token, **form})


def _field_error(page: str, field: str) -> str:
    return page.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]


def _no_measures(app) -> bool:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.execute(db.select(Measure)).scalar() is None


def test_a_new_measure_with_a_past_deadline_is_refused_and_keeps_what_was_typed(
    app, coordinator, as_user
):
    form = _new_measure_form(deadline=TODAY - timedelta(days=35))
    response = _post_new(as_user(coordinator), form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Sista datum har redan passerat" in _field_error(page, "deadline")
    for value in (form["deadline"], form["title"], form["description"], form["owner_detail"]):
        assert value in page
    assert _no_measures(app)


def test_a_recheck_before_the_deadline_is_refused(app, coordinator, as_user):
    form = _new_measure_form(
        deadline=TODAY + timedelta(days=30), recheck_on=TODAY + timedelta(days=10)
    )
    response = _post_new(as_user(coordinator), form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Kontrollera igen tidigast på sista datum" in _field_error(page, "recheck_on")
    assert form["recheck_on"] in page and form["deadline"] in page
    assert _no_measures(app)


def test_a_recheck_in_the_past_is_refused_on_a_measure_without_deadline(app, coordinator, as_user):
    response = _post_new(as_user(coordinator), _new_measure_form(recheck_on=TODAY - timedelta(1)))
    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), "recheck_on")
    assert _no_measures(app)


def test_a_deadline_today_and_a_recheck_on_the_deadline_are_accepted(app, coordinator, as_user):
    form = _new_measure_form(deadline=TODAY, recheck_on=TODAY)
    assert _post_new(as_user(coordinator), form).status_code == 302
    with app.app_context():
        measure = db.session.execute(db.select(Measure)).scalar_one()
        assert not measure.is_overdue(TODAY)


def _overdue_measure(coordinator) -> int:  # type: ignore[no-untyped-def]
    measure = Measure(
        title="Laga staketet",
        created_by_id=coordinator.id,
        deadline=TODAY - timedelta(days=20),
        recheck_on=TODAY - timedelta(days=5),
    )
    measure.change_status("decided", by=coordinator.id)
    db.session.add(measure)
    db.session.commit()
    return measure.id


def _post_edit(client, measure_id: int, **changes: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/measures/{measure_id}/edit").get_data(as_text=True)
    with client.application.app_context():
        measure = db.session.get(Measure, measure_id)
        form = {
            "title": measure.title,
            "owner": measure.owner,
            "priority": measure.priority,
            "visibility": measure.visibility,
            "deadline": measure.deadline.isoformat(),
            "recheck_on": measure.recheck_on.isoformat(),
        }
    return client.post(
        f"/measures/{measure_id}/edit",
        data={"csrf_token": form_csrf_token(page), **form, **changes},
    )


def test_an_overdue_measure_can_still_be_edited_without_a_new_deadline(app, coordinator, as_user):
    with app.app_context():
        measure_id = _overdue_measure(coordinator)
    response = _post_edit(as_user(coordinator), measure_id, owner="property_owner")
    assert response.status_code == 302
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert measure.owner == "property_owner"
        assert measure.is_overdue(TODAY)


def test_editing_refuses_a_changed_deadline_in_the_past(app, coordinator, as_user):
    with app.app_context():
        measure_id = _overdue_measure(coordinator)
    client = as_user(coordinator)
    response = _post_edit(client, measure_id, deadline=(TODAY - timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), "deadline")
    # Moving the deadline on asks for a recheck after it too, then saves.
    later = (TODAY + timedelta(days=14)).isoformat()
    response = _post_edit(client, measure_id, deadline=later)
    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), "recheck_on")
    assert _post_edit(client, measure_id, deadline=later, recheck_on=later).status_code == 302
