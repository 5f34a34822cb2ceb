"""The coordinator's review queue: triage states, bulk actions, links to measures, duplicates."""

from __future__ import annotations

from tests.conftest import form_csrf_token
from tests.map.helpers import add_observation
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return form_csrf_token(client.get("/review/").get_data(as_text=True))


def test_new_records_wait_in_the_queue(app, officer, coordinator, as_user):
    with app.app_context():
        add_observation(officer, note="Klotter vid busstationen")
        add_observation(officer, note="Redan granskad", status="reviewed")
    page = as_user(coordinator).get("/review/").get_data(as_text=True)
    assert "Klotter vid busstationen" in page
    assert "Redan granskad" not in page


def test_bulk_status_change_updates_every_ticked_record_and_audits(
    app, officer, coordinator, as_user
):
    with app.app_context():
        ids = [add_observation(officer) for _ in range(3)]
    client = as_user(coordinator)
    response = client.post(
        "/review/bulk",
        data={"csrf_token": _token(client), "ids": ids[:2], "action": "status:reviewed"},
    )
    assert response.status_code == 302
    with app.app_context():
        statuses = {o.id: o.status for o in db.session.execute(db.select(Observation)).scalars()}
        assert statuses[ids[0]] == statuses[ids[1]] == "reviewed"
        assert statuses[ids[2]] == "new"
        audits = (
            db.session.execute(db.select(AuditEntry).filter_by(action="observation.review"))
            .scalars()
            .all()
        )
        assert {a.target_id for a in audits} == set(ids[:2])


def test_unknown_bulk_action_is_refused(app, officer, coordinator, as_user):
    with app.app_context():
        observation_id = add_observation(officer)
    client = as_user(coordinator)
    response = client.post(
        "/review/bulk",
        data={"csrf_token": _token(client), "ids": [observation_id], "action": "status:deleted"},
    )
    assert response.status_code == 400


def test_records_become_a_measure_and_are_linked(app, officer, coordinator, as_user):
    with app.app_context():
        ids = [add_observation(officer), add_observation(officer)]
    client = as_user(coordinator)
    response = client.post(
        "/review/bulk", data={"csrf_token": _token(client), "ids": ids, "action": "new_measure"}
    )
    assert response.status_code == 302 and "/measures/new" in response.headers["Location"]
    form_page = client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post(
        "/measures/new",
        data={
            "csrf_token": form_csrf_token(form_page),
            "title": "Byt armaturer vid gångtunneln",
            "description": "",
            "owner": "municipality_technical",
            "owner_detail": "Gatuenheten",
            "deadline": "2026-12-31",
            "recheck_on": "",
            "priority": "high",
            "visibility": "shared",
            "observation_ids": ",".join(ids),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        measure = db.session.execute(db.select(Measure)).scalar_one()
        linked = (
            db.session.execute(db.select(Observation).where(Observation.id.in_(ids)))
            .scalars()
            .all()
        )
        assert all(o.measure_id == measure.id and o.status == "linked" for o in linked)
        assert measure.lat is not None


def test_marking_a_duplicate_points_to_the_original(app, officer, coordinator, as_user):
    with app.app_context():
        original = add_observation(officer)
        copy = add_observation(officer)
    client = as_user(coordinator)
    token = form_csrf_token(client.get(f"/review/observations/{copy}").get_data(as_text=True))
    client.post(
        f"/review/observations/{copy}/duplicate",
        data={"csrf_token": token, "original_id": original},
    )
    with app.app_context():
        row = db.session.get(Observation, copy)
        assert row.status == "duplicate" and row.duplicate_of_id == original


def test_a_duplicate_is_marked_by_the_other_records_pasted_address(
    app, officer, coordinator, as_user
):
    with app.app_context():
        original = add_observation(officer)
        copy = add_observation(officer)
    client = as_user(coordinator)
    page = client.get(f"/review/observations/{copy}").get_data(as_text=True)
    assert "kopiera adressen" in page
    client.post(
        f"/review/observations/{copy}/duplicate",
        data={
            "csrf_token": form_csrf_token(page),
            "original_id": f" https://trygg.sunne.se/review/observations/{original}?from=map ",
        },
    )
    with app.app_context():
        row = db.session.get(Observation, copy)
        assert row.status == "duplicate" and row.duplicate_of_id == original


def test_only_coordinators_triage(app, officer, staff, as_user):
    with app.app_context():
        observation_id = add_observation(officer, visibility="shared")
    for user in (officer, staff):
        client = as_user(user)
        assert client.get("/review/").status_code == 403
        token = form_csrf_token(client.get("/field/mine").get_data(as_text=True))
        response = client.post(
            "/review/bulk",
            data={"csrf_token": token, "ids": [observation_id], "action": "status:closed"},
        )
        assert response.status_code == 403


def test_detail_page_hides_records_the_reader_may_not_see(
    app, officer, staff, coordinator, as_user
):
    with app.app_context():
        police_only = add_observation(officer, visibility="police")
    assert as_user(staff).get(f"/review/observations/{police_only}").status_code == 404
    assert as_user(coordinator).get(f"/review/observations/{police_only}").status_code == 200


def test_reading_a_police_record_is_audited(app, officer, coordinator, as_user):
    with app.app_context():
        police_only = add_observation(officer, visibility="police")
    as_user(coordinator).get(f"/review/observations/{police_only}")
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="observation.read")
        ).scalar_one()
        assert entry.target_id == police_only and entry.actor_label == "coordinator"


def test_each_tab_says_how_many_records_wait_there_and_police_counts_are_audited(
    app, officer, coordinator, as_user
):
    with app.app_context():
        for _ in range(3):
            add_observation(officer, visibility="shared")
        add_observation(officer, visibility="police", status="closed")
    page = as_user(coordinator).get("/review/").get_data(as_text=True)
    assert 'aria-current="page">ny&nbsp;<span class="tab-count">(3)</span>' in page
    assert 'avslutad&nbsp;<span class="tab-count">(1)</span>' in page
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="observation.list")
        ).scalar_one()
        # The police record is in no row of this tab, but in a count the page shows.
        assert entry.detail == {"police_records": 0, "police_records_counted": 1}
