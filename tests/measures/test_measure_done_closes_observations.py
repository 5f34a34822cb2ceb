"""A measure marked done closes the observations it was made from; reopened, they are linked again.

The person who made an observation, the review queue, the map's status filter and the API all
read the observation's own status, so the rule lives there (webapp.observations.review): each
move has its own audit entry, and nobody learns of a measure they may not read through it.
"""

from __future__ import annotations

from tests.conftest import form_csrf_token
from tests.map.helpers import add_observation
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations import review
from webapp.observations.models import Observation

TITLE = "Byt armatur vid bankomaten på Stortorget"


def _measure(coordinator, *observation_ids: str, **kwargs) -> int:  # type: ignore[no-untyped-def]
    """A decided measure made from the observations (linked as the review links them)."""
    measure = Measure(title=TITLE, owner="municipality_technical",
                      created_by_id=coordinator.id, **kwargs)  # fmt: skip
    measure.change_status("decided", by=coordinator.id)
    db.session.add(measure)
    db.session.flush()
    observations = [db.session.get(Observation, key) for key in observation_ids]
    review.link_to_measure(observations, measure, coordinator)
    return measure.id


def _set_status(client, measure_id: int, status: str, comment: str = ""):  # type: ignore[no-untyped-def]
    page = client.get(f"/measures/{measure_id}").get_data(as_text=True)
    return client.post(
        f"/measures/{measure_id}/status",
        data={"csrf_token": form_csrf_token(page), "status": status, "comment": comment},
        follow_redirects=True,
    )


def _statuses(*ids: str) -> list[str]:
    return [db.session.get(Observation, key).status for key in ids]


def _moves(observation_id: str) -> list[dict]:
    rows = db.session.scalars(
        db.select(AuditEntry)
        .filter_by(action="observation.review", target_id=observation_id)
        .order_by(AuditEntry.id)
    )
    return [{**row.detail, "actor": row.actor_id} for row in rows]


def test_a_measure_marked_done_closes_its_observations_with_an_audit_entry_each(
    app, officer, coordinator, as_user
):
    with app.app_context():
        lamp = add_observation(officer, visibility="shared", note="Lampan är släckt")
        again = add_observation(officer, visibility="shared", note="Fortfarande mörkt")
        measure_id = _measure(coordinator, lamp, again)
        assert _statuses(lamp, again) == ["linked", "linked"]
    response = _set_status(as_user(coordinator), measure_id, "done")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 iakttagelser som åtgärden bygger på är nu avslutade." in page
    with app.app_context():
        assert _statuses(lamp, again) == ["closed", "closed"]
        for key in (lamp, again):
            assert _moves(key) == [
                {
                    "from_status": "linked",
                    "to_status": "closed",
                    "measure_id": measure_id,
                    "reason": "measure_done",
                    "actor": coordinator.id,
                }
            ]


def test_reopening_the_measure_links_its_observations_again(app, officer, coordinator, as_user):
    with app.app_context():
        lamp = add_observation(officer, visibility="shared")
        measure_id = _measure(coordinator, lamp)
    client = as_user(coordinator)
    _set_status(client, measure_id, "done")
    page = _set_status(client, measure_id, "in_progress").get_data(as_text=True)
    assert "1 iakttagelse som åtgärden bygger på är kopplad till den igen" in page
    with app.app_context():
        assert _statuses(lamp) == ["linked"]
        assert [(m["to_status"], m["reason"]) for m in _moves(lamp)] == [
            ("closed", "measure_done"),
            ("linked", "measure_not_done"),
        ]


def test_only_done_closes_and_other_review_states_are_left_alone(
    app, officer, coordinator, as_user
):
    with app.app_context():
        lamp = add_observation(officer, visibility="shared")
        duplicate = add_observation(officer, visibility="shared")
        taken_back = add_observation(officer, visibility="shared")
        measure_id = _measure(coordinator, lamp, duplicate, taken_back)
        db.session.get(Observation, duplicate).status = "duplicate"
        db.session.get(Observation, taken_back).status = "reviewed"
        db.session.commit()
    client = as_user(coordinator)
    # Partly done: the problem is still there, the records stay linked to it.
    _set_status(client, measure_id, "partly_done")
    with app.app_context():
        assert _statuses(lamp, duplicate, taken_back) == ["linked", "duplicate", "reviewed"]
    _set_status(client, measure_id, "done")
    with app.app_context():
        assert _statuses(lamp, duplicate, taken_back) == ["closed", "duplicate", "reviewed"]
        assert _moves(duplicate) == [] and _moves(taken_back) == []


def test_a_record_closed_by_hand_stays_closed_while_the_work_goes_on(
    app, officer, coordinator, as_user
):
    """Only "done" and leaving it move the records: the coordinator's own close of a record
    (the problem went away by itself) is not undone by the measure's progress."""
    with app.app_context():
        gone = add_observation(officer, visibility="shared")
        measure_id = _measure(coordinator, gone)
        db.session.get(Observation, gone).status = "closed"
        db.session.commit()
    client = as_user(coordinator)
    for status in ("in_progress", "partly_done"):
        _set_status(client, measure_id, status)
        with app.app_context():
            assert _statuses(gone) == ["closed"] and _moves(gone) == []


def test_a_record_linked_to_a_done_measure_is_closed_at_once(app, officer, coordinator):
    with app.app_context():
        first = add_observation(officer, visibility="shared")
        measure_id = _measure(coordinator, first)
        measure = db.session.get(Measure, measure_id)
        measure.change_status("done", by=coordinator.id)
        db.session.commit()
        later = add_observation(officer, visibility="shared")
        review.link_to_measure([db.session.get(Observation, later)], measure, coordinator)
        assert _statuses(later) == ["closed"]


def test_the_owner_marking_done_closes_records_it_cannot_read_without_counting_them(
    app, officer, staff, coordinator, as_user
):
    """Staff report their measure done: a police record behind it closes too, but their
    message counts only the record they may read (a count of police records is police
    information)."""
    with app.app_context():
        police = add_observation(officer, visibility="police")
        shared = add_observation(staff, visibility="shared")
        measure_id = _measure(coordinator, police, shared)
    page = _set_status(as_user(staff), measure_id, "done", "Klart").get_data(as_text=True)
    assert "1 iakttagelse som åtgärden bygger på är nu avslutad." in page
    with app.app_context():
        assert _statuses(police, shared) == ["closed", "closed"]
        assert _moves(police)[0]["actor"] == staff.id


def test_the_author_sees_the_record_closed_and_the_measure_done(app, officer, coordinator, as_user):
    with app.app_context():
        lamp = add_observation(officer, visibility="shared", note="Lampan är släckt")
        measure_id = _measure(coordinator, lamp)
    _set_status(as_user(coordinator), measure_id, "done")
    client = as_user(officer)
    page = client.get(f"/review/observations/{lamp}?from=mine").get_data(as_text=True)
    assert "<dd>avslutad</dd>" in page
    assert f"{TITLE}</a> – klar" in page
    # The API and the map's status filter say the same.
    assert client.get(f"/api/v1/observations/{lamp}").get_json()["status"] == "closed"
    mine = client.get("/api/v1/observations.geojson?mine=1&status=closed").get_json()
    assert [f["id"] for f in mine["features"]] == [lamp]


def test_a_measure_the_author_may_not_read_is_not_named_on_the_record(
    app, staff, coordinator, as_user
):
    """A municipal record made into a police-only measure: the record closes like any closed
    record, without the measure's title, status or even a link."""
    with app.app_context():
        bench = add_observation(staff, visibility="shared", note="Bänken är trasig")
        measure_id = _measure(coordinator, bench, visibility="police")
    _set_status(as_user(coordinator), measure_id, "done")
    page = as_user(staff).get(f"/review/observations/{bench}").get_data(as_text=True)
    assert "<dd>avslutad</dd>" in page
    assert TITLE not in page and f"/measures/{measure_id}" not in page
    assert "observation-measure" not in page
