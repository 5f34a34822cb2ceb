"""Measures: honest states, a reason for "not feasible", history of who, when and why."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import form_csrf_token
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure


def _measure(coordinator, **kwargs) -> int:  # type: ignore[no-untyped-def]
    measure = Measure(
        title="Klipp buskage vid skolan",
        created_by_id=coordinator.id,
        lat=59.8366,
        lon=13.144,
        **kwargs,
    )
    measure.change_status("decided", by=coordinator.id, comment="Beslut på vandringen")
    db.session.add(measure)
    db.session.commit()
    return measure.id


def test_not_feasible_needs_a_reason(app, coordinator, as_user):
    with app.app_context():
        measure_id = _measure(coordinator)
    client = as_user(coordinator)
    page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
    response = client.post(
        f"/measures/{measure_id}/status",
        data={"csrf_token": form_csrf_token(page), "status": "not_feasible", "comment": ""},
    )
    assert response.status_code == 422
    response = client.post(
        f"/measures/{measure_id}/status",
        data={
            "csrf_token": form_csrf_token(page),
            "status": "not_feasible",
            "comment": "Marken ägs av Trafikverket",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert measure.status == "not_feasible"
        assert measure.status_reason == "Marken ägs av Trafikverket"
        assert [e.to_status for e in measure.events] == ["decided", "not_feasible"]
        assert measure.events[-1].user_id == coordinator.id


def test_overdue_measures_stand_out(app, coordinator, staff, as_user):
    with app.app_context():
        _measure(coordinator, deadline=local_today() - timedelta(days=3))
    page = as_user(staff).get("/measures/").get_data(as_text=True)
    assert 'class="overdue"' in page
    data = as_user(staff).get("/api/v1/measures.geojson").get_json()
    assert data["features"][0]["properties"]["overdue"] is True


def test_done_measures_are_never_overdue(app, coordinator):
    with app.app_context():
        measure_id = _measure(coordinator, deadline=local_today() - timedelta(days=3))
        measure = db.session.get(Measure, measure_id)
        measure.change_status("done", by=coordinator.id)
        assert not measure.is_overdue(local_today())


def test_police_measures_are_hidden_from_municipal_staff(app, coordinator, staff, officer, as_user):
    with app.app_context():
        measure_id = _measure(coordinator, visibility="police")
    assert as_user(staff).get(f"/measures/{measure_id}").status_code == 404
    assert as_user(officer).get(f"/measures/{measure_id}").status_code == 200
    assert as_user(staff).get("/api/v1/measures.geojson").get_json()["features"] == []


def test_only_coordinators_change_status(app, coordinator, officer, as_user):
    with app.app_context():
        measure_id = _measure(coordinator)
    client = as_user(officer)
    page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
    response = client.post(
        f"/measures/{measure_id}/status",
        data={"csrf_token": form_csrf_token(page), "status": "done", "comment": ""},
    )
    assert response.status_code == 403


def test_identity_numbers_are_refused_in_measure_text(app, coordinator, as_user):
    client = as_user(coordinator)
    page = client.get("/measures/new").get_data(as_text=True)
    response = client.post(
        "/measures/new",
        data={
            "csrf_token": form_csrf_token(page),
            "title": "Prata med 811218-9876",
            "owner": "police",
            "priority": "medium",
            "visibility": "shared",
        },
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.execute(db.select(Measure)).scalar() is None
