"""Measure state rules, edits kept in the history, and the list of due rechecks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import form_csrf_token
from webapp.core.audit.models import AuditEntry
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import STATUSES, Measure


def _measure(coordinator, **kwargs) -> int:  # type: ignore[no-untyped-def]
    measure = Measure(title="Klipp buskage vid skolan", created_by_id=coordinator.id, **kwargs)
    measure.change_status("decided", by=coordinator.id, comment="Beslut på vandringen")
    db.session.add(measure)
    db.session.commit()
    return measure.id


@pytest.mark.parametrize("status", ["not_feasible", "other_owner"])
def test_statuses_that_need_a_reason_refuse_an_empty_comment(app, coordinator, status):
    with app.app_context():
        measure = db.session.get(Measure, _measure(coordinator))
        with pytest.raises(ValueError):
            measure.change_status(status, by=coordinator.id, comment="  ")
        measure.change_status(status, by=coordinator.id, comment="Trafikverkets väg")
        assert measure.status_reason == "Trafikverkets väg"
        measure.change_status("in_progress", by=coordinator.id)
        assert measure.status_reason == ""


def test_other_owner_needs_a_reason_in_the_form_too(app, coordinator, as_user):
    with app.app_context():
        measure_id = _measure(coordinator)
    client = as_user(coordinator)
    token = form_csrf_token(client.get(f"/measures/{measure_id}").get_data(as_text=True))
    url = f"/measures/{measure_id}/status"
    assert (
        client.post(
            url, data={"csrf_token": token, "status": "other_owner", "comment": ""}
        ).status_code
        == 422
    )
    assert (
        client.post(
            url, data={"csrf_token": token, "status": "other_owner", "comment": "Fastighetsägaren"}
        ).status_code
        == 302
    )


def test_every_status_change_keeps_who_when_and_why(app, coordinator, as_user):
    with app.app_context():
        measure_id = _measure(coordinator)
    client = as_user(coordinator)
    token = form_csrf_token(client.get(f"/measures/{measure_id}").get_data(as_text=True))
    for status in ("in_progress", "partly_done", "done"):
        client.post(
            f"/measures/{measure_id}/status",
            data={"csrf_token": token, "status": status, "comment": f"nu {status}"},
        )
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert [(e.from_status, e.to_status) for e in measure.events] == [
            (None, "decided"),
            ("decided", "in_progress"),
            ("in_progress", "partly_done"),
            ("partly_done", "done"),
        ]
        assert all(e.user_id == coordinator.id and e.at is not None for e in measure.events)
        assert measure.events[-1].comment == "nu done"
    assert set(STATUSES) == {
        "proposed",
        "decided",
        "in_progress",
        "done",
        "partly_done",
        "not_feasible",
        "other_owner",
    }


def test_editing_owner_and_deadline_is_kept_in_the_history(app, coordinator, as_user):
    with app.app_context():
        measure_id = _measure(coordinator, owner="police")
    client = as_user(coordinator)
    page = client.get(f"/measures/{measure_id}/edit").get_data(as_text=True)
    deadline = (local_today() + timedelta(days=30)).isoformat()
    response = client.post(
        f"/measures/{measure_id}/edit",
        data={
            "csrf_token": form_csrf_token(page),
            "title": "Klipp buskage vid skolan",
            "owner": "property_owner",
            "owner_detail": "Sunnebo",
            "deadline": deadline,
            "priority": "high",
            "visibility": "shared",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert (measure.owner, measure.deadline.isoformat()) == ("property_owner", deadline)
        assert measure.events[-1].to_status == measure.events[-1].from_status == "decided"
        assert measure.events[-1].user_id == coordinator.id
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="measure.update")
        ).scalar_one()


def test_only_the_coordinator_edits_measures(app, coordinator, officer, as_user):
    with app.app_context():
        measure_id = _measure(coordinator)
    assert as_user(officer).get(f"/measures/{measure_id}/edit").status_code == 403


def test_due_rechecks_are_listed_on_the_measures_page(app, coordinator, staff, as_user):
    with app.app_context():
        due = _measure(coordinator, recheck_on=local_today() - timedelta(days=1))
        _measure(coordinator, recheck_on=local_today() + timedelta(days=10))
        db.session.get(Measure, due).title = "Kolla lampan igen"
        db.session.commit()
    page = as_user(staff).get("/measures/").get_data(as_text=True)
    section = page.split('id="rechecks"', 1)[1].split("</section>", 1)[0]
    assert "Kolla lampan igen" in section
    assert section.count("<li>") == 1


def test_the_coordinator_starts_a_measure_from_the_list_without_an_observation(
    app, coordinator, staff, as_user
):
    client = as_user(coordinator)
    listing = client.get("/measures/").get_data(as_text=True)
    assert 'href="/measures/new">Ny åtgärd</a>' in listing
    form = client.get("/measures/new").get_data(as_text=True)
    response = client.post(
        "/measures/new",
        data={
            "csrf_token": form_csrf_token(form),
            "title": "Fler vuxna ute i centrum på fredagskvällar",
            "owner": "municipality_social",
            "priority": "medium",
            "visibility": "shared",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        measure = db.session.execute(db.select(Measure)).scalar_one()
        assert (measure.title, measure.lat) == ("Fler vuxna ute i centrum på fredagskvällar", None)
    # Staff report progress on their organisation's measures but do not start new ones.
    assert "/measures/new" not in as_user(staff).get("/measures/").get_data(as_text=True)
