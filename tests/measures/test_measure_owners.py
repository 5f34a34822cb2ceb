"""The organisation that owns a measure reports progress on it; the coordinator keeps the rest.

Municipal staff opened the municipality's overdue measure and could do nothing: a read-only
page, no word on who could change it, and a bare 403 for the status form. Now the owner's
organisation (police-owned: officers, municipal departments: staff) sets in progress, partly done
and done, checked in the loader; everything else stays the coordinator's, and a reader who may
not change a measure is told who can.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import form_csrf_token
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.core.labels import MEASURE_OWNER
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.measures.owners import OWNER_ROLE

OVERDUE_TITLE = "Klipp buskaget vid gångvägen mot skolan"
COORDINATOR_ONLY = "Trygghetssamordnaren ändrar status på den här åtgärden."


def _measure(  # type: ignore[no-untyped-def]
    coordinator,
    owner: str,
    *,
    visibility: str = "shared",
    status: str = "decided",
    title: str = OVERDUE_TITLE,
) -> int:
    measure = Measure(
        title=title,
        owner=owner,
        visibility=visibility,
        deadline=local_today() - timedelta(days=3),
        created_by_id=coordinator.id,
    )
    measure.change_status("decided", by=coordinator.id, comment="Efter vandringen.")
    if status != "decided":
        measure.change_status(status, by=coordinator.id, comment="Av samordnaren.")
    db.session.add(measure)
    db.session.commit()
    return measure.id


def _post_status(client, measure_id: int, status: str, comment: str = ""):  # type: ignore[no-untyped-def]
    page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
    token = form_csrf_token(page)
    return client.post(
        f"/measures/{measure_id}/status",
        data={"csrf_token": token, "status": status, "comment": comment},
    )


def _stored(app, measure_id: int) -> Measure:  # type: ignore[no-untyped-def]
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        _ = [(e.to_status, e.user_id) for e in measure.events]  # loaded before the context ends
        return measure


def test_staff_mark_a_municipal_measure_done_and_it_lands_in_history_and_audit(
    app, coordinator, staff, as_user
):
    with app.app_context():
        measure_id = _measure(coordinator, "municipality_technical")
    client = as_user(staff)
    response = _post_status(client, measure_id, "done", "Klippt längs hela gångvägen.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/measures/{measure_id}#main")
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert measure.status == "done"
        last = measure.events[-1]
        assert (last.from_status, last.to_status) == ("decided", "done")
        assert (last.comment, last.user_id) == ("Klippt längs hela gångvägen.", staff.id)
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "measure.status_change")
        ).one()
        assert entry.actor_id == staff.id
        assert entry.target_id == str(measure_id)
        assert entry.detail == {"from_status": "decided", "to_status": "done", "as_owner": True}
    page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
    assert "Klippt längs hela gångvägen." in page


@pytest.mark.parametrize(
    "owner", ["municipality_technical", "municipality_social", "municipality_other"]
)
@pytest.mark.parametrize("status", ["in_progress", "partly_done", "done"])
def test_staff_report_progress_on_every_municipal_department_s_measure(
    app, coordinator, staff, as_user, owner, status
):
    with app.app_context():
        measure_id = _measure(coordinator, owner)
    assert _post_status(as_user(staff), measure_id, status).status_code == 302
    assert _stored(app, measure_id).status == status


def test_every_municipal_owner_is_staff_s_and_the_police_s_is_officers():
    municipal = [code for code in MEASURE_OWNER if code.startswith("municipality_")]
    assert municipal, "the owner labels name municipal departments"
    assert {code: OWNER_ROLE.get(code) for code in municipal} == dict.fromkeys(
        municipal, Role.STAFF
    )
    assert OWNER_ROLE["police"] == Role.OFFICER
    assert {"property_owner", "trafikverket", "other"}.isdisjoint(OWNER_ROLE)


@pytest.mark.parametrize("status", ["not_feasible", "other_owner", "proposed", "decided"])
def test_handing_a_measure_back_stays_the_coordinator_s_decision(
    app, coordinator, staff, as_user, status
):
    with app.app_context():
        measure_id = _measure(coordinator, "municipality_technical")
    response = _post_status(as_user(staff), measure_id, status, "Marken är Trafikverkets.")
    assert response.status_code == 422
    assert _stored(app, measure_id).status == "decided"


def test_the_owner_s_form_offers_only_the_progress_statuses(app, coordinator, staff, as_user):
    with app.app_context():
        measure_id = _measure(coordinator, "municipality_technical")
    page = as_user(staff).get(f"/measures/{measure_id}").get_data(as_text=True)
    options = page[page.index('id="status"') : page.index("</select>", page.index('id="status"'))]
    assert 'value="done"' in options and 'value="in_progress"' in options
    assert 'value="partly_done"' in options
    assert 'value="not_feasible"' not in options and 'value="other_owner"' not in options
    assert "Din organisation utför den här åtgärden" in page


def test_staff_may_not_change_a_police_owned_measure_they_can_read(
    app, coordinator, staff, as_user
):
    with app.app_context():
        measure_id = _measure(coordinator, "police")
    client = as_user(staff)
    page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
    assert 'id="status-change"' not in page
    assert "Polisen och trygghetssamordnaren ändrar status på den här åtgärden." in page
    assert _post_status(client, measure_id, "done").status_code == 403
    assert _stored(app, measure_id).status == "decided"


def test_staff_never_change_a_police_measure_they_may_not_read(app, coordinator, staff, as_user):
    with app.app_context():
        measure_id = _measure(coordinator, "police", visibility="police")
    client = as_user(staff)
    token = form_csrf_token(client.get("/measures/").get_data(as_text=True))
    response = client.post(
        f"/measures/{measure_id}/status", data={"csrf_token": token, "status": "done"}
    )
    assert response.status_code == 404
    assert client.get(f"/measures/{measure_id}/status").status_code == 404
    assert _stored(app, measure_id).status == "decided"


@pytest.mark.parametrize("owner", ["property_owner", "trafikverket", "other"])
def test_nobody_but_the_coordinator_changes_another_owner_s_measure(
    app, coordinator, staff, officer, as_user, owner
):
    with app.app_context():
        measure_id = _measure(coordinator, owner)
    for user in (staff, officer):
        client = as_user(user)
        page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
        assert COORDINATOR_ONLY in page
        assert _post_status(client, measure_id, "done").status_code == 403
    assert _post_status(as_user(coordinator), measure_id, "done").status_code == 302
    assert _stored(app, measure_id).status == "done"


def test_officers_report_on_police_measures_and_not_on_municipal_ones(
    app, coordinator, officer, as_user
):
    with app.app_context():
        police_id = _measure(coordinator, "police", visibility="police")
        municipal_id = _measure(coordinator, "municipality_technical")
    client = as_user(officer)
    response = _post_status(client, police_id, "in_progress", "Pratat med fastighetsägaren.")
    assert response.status_code == 302
    assert _stored(app, police_id).events[-1].user_id == officer.id
    page = client.get(f"/measures/{municipal_id}").get_data(as_text=True)
    assert "Kommunen och trygghetssamordnaren ändrar status på den här åtgärden." in page
    assert _post_status(client, municipal_id, "done").status_code == 403
    assert _stored(app, municipal_id).status == "decided"


def test_owners_do_not_edit_the_measure_itself(app, coordinator, staff, as_user):
    with app.app_context():
        measure_id = _measure(coordinator, "municipality_technical")
    client = as_user(staff)
    page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
    assert f"/measures/{measure_id}/edit" not in page
    assert client.get(f"/measures/{measure_id}/edit").status_code == 403
    response = client.post(
        f"/measures/{measure_id}/edit",
        data={"csrf_token": form_csrf_token(page), "title": "Annat", "owner": "police"},
    )
    assert response.status_code == 403
    stored = _stored(app, measure_id)
    assert (stored.title, stored.owner) == (OVERDUE_TITLE, "municipality_technical")


def test_a_closed_measure_is_reopened_by_the_coordinator_only(app, coordinator, staff, as_user):
    with app.app_context():
        measure_id = _measure(coordinator, "municipality_technical", status="done")
    client = as_user(staff)
    page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
    assert "Trygghetssamordnaren ändrar status på en åtgärd som är klar." in page
    assert _post_status(client, measure_id, "in_progress").status_code == 403
    assert _stored(app, measure_id).status == "done"


def test_the_owner_s_status_change_needs_the_csrf_token(app, coordinator, staff, as_user):
    with app.app_context():
        measure_id = _measure(coordinator, "municipality_technical")
    response = as_user(staff).post(f"/measures/{measure_id}/status", data={"status": "done"})
    assert response.status_code == 400
    assert _stored(app, measure_id).status == "decided"


def test_a_reload_of_the_status_address_shows_the_measure(app, coordinator, staff, as_user):
    with app.app_context():
        measure_id = _measure(coordinator, "municipality_technical")
    response = as_user(staff).get(f"/measures/{measure_id}/status")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/measures/{measure_id}")


def test_the_list_shows_my_organisation_s_measures(app, coordinator, staff, officer, as_user):
    with app.app_context():
        _measure(coordinator, "municipality_technical", title="Kommunens buskage")
        _measure(coordinator, "municipality_social", title="Kommunens fritidsgård")
        _measure(coordinator, "police", title="Polisens kontroll")
        _measure(coordinator, "trafikverket", title="Trafikverkets skylt")
    page = as_user(staff).get("/measures/?owner=mine").get_data(as_text=True)
    assert "Min organisations åtgärder" in page
    assert "Kommunens buskage" in page and "Kommunens fritidsgård" in page
    assert "Polisens kontroll" not in page and "Trafikverkets skylt" not in page
    page = as_user(officer).get("/measures/?owner=mine").get_data(as_text=True)
    assert "Polisens kontroll" in page and "Kommunens buskage" not in page
    page = as_user(coordinator).get("/measures/?owner=trafikverket").get_data(as_text=True)
    assert "Trafikverkets skylt" in page and "Polisens kontroll" not in page
    # The coordinator owns no measures: no "mine", and an unknown filter shows everything.
    page = as_user(coordinator).get("/measures/?owner=mine").get_data(as_text=True)
    assert "Min organisations åtgärder" not in page and "Polisens kontroll" in page
