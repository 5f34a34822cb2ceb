"""POST /api/v1/activities: idempotent by client UUID, one validator, promise links."""

from __future__ import annotations

from datetime import date

from tests.activities.helpers import (
    andt_payload,
    load,
    meeting_payload,
    patrol_payload,
    visit_payload,
)
from tests.conftest import api_post, csrf_token
from webapp.activities.models import ActivityType
from webapp.extensions import db
from webapp.promises.models import Promise

URL = "/api/v1/activities"


def test_creating_an_activity_returns_201_with_location(officer_client):
    response = api_post(officer_client, URL, andt_payload())
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/activities/{body['id']}"
    assert body["kind"] == "andt"
    assert body["visibility"] == "police"


def test_replaying_same_uuid_returns_the_stored_activity(app, officer_client):
    payload = andt_payload()
    first = api_post(officer_client, URL, payload)
    again = api_post(officer_client, URL, payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    with app.app_context():
        from webapp.core.audit.models import AuditEntry

        creates = (
            db.session.execute(db.select(AuditEntry).filter_by(action="activity.create"))
            .scalars()
            .all()
        )
        assert len(creates) == 1


def test_replay_with_upper_case_uuid_is_the_same_record(officer_client):
    payload = andt_payload()
    api_post(officer_client, URL, payload)
    again = api_post(officer_client, URL, {**payload, "id": payload["id"].upper()})
    assert again.status_code == 200


def test_same_uuid_with_other_content_is_a_conflict(officer_client):
    payload = andt_payload()
    api_post(officer_client, URL, payload)
    response = api_post(officer_client, URL, {**payload, "place": "Torget"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_same_uuid_from_another_author_is_a_conflict(officer_client, coordinator_client):
    payload = andt_payload()
    api_post(officer_client, URL, payload)
    assert api_post(coordinator_client, URL, payload).status_code == 409


def test_replay_after_an_edit_still_returns_the_stored_activity(app, officer_client):
    payload = andt_payload()
    api_post(officer_client, URL, payload)
    edit_page = officer_client.get(f"/activities/{payload['id']}/edit")
    assert edit_page.status_code == 200
    from tests.conftest import form_csrf_token

    form = {
        "csrf_token": form_csrf_token(edit_page.get_data(as_text=True)),
        "started_at": "",
        "details.intervention": "kontroll",
        "details.substances": ["alkohol"],
        "details.reached.under_15": "2",
    }
    # A complete edit through the form (start time from the stored record).
    stored = load(app, payload["id"])
    from webapp.activities.views import local_input

    form["started_at"] = local_input(stored.started_at)
    assert officer_client.post(f"/activities/{payload['id']}/edit", data=form).status_code == 302
    assert api_post(officer_client, URL, payload).status_code == 200


def test_validation_errors_name_every_field(officer_client):
    response = api_post(
        officer_client,
        URL,
        {"id": "not-a-uuid", "activity_type": "nope", "started_at": "yesterday", "colour": "red"},
    )
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) >= {"id", "activity_type", "started_at", "colour"}


def test_time_without_offset_is_refused(officer_client):
    response = api_post(officer_client, URL, andt_payload(started_at="2026-01-01T10:00:00"))
    assert response.status_code == 422
    assert "started_at" in response.get_json()["error"]["fields"]


def test_end_before_start_is_refused(officer_client):
    payload = meeting_payload()
    payload["ended_at"], payload["started_at"] = payload["started_at"], payload["ended_at"]
    response = api_post(officer_client, URL, payload)
    assert response.status_code == 422
    assert "ended_at" in response.get_json()["error"]["fields"]


def test_non_json_body_gets_415_and_non_object_gets_422(officer_client):
    token = csrf_token(officer_client)
    response = officer_client.post(URL, data="x=1", headers={"X-CSRFToken": token})
    assert response.status_code == 415
    assert api_post(officer_client, URL, [1, 2]).status_code == 422


def test_details_of_the_wrong_shape_give_422_not_500(officer_client):
    for details in (
        "text",
        [1],
        {"reached": "many"},
        {"reached": {"under_15": -1}},
        {"substances": "alkohol"},
    ):
        response = api_post(officer_client, URL, andt_payload(details=details))
        assert response.status_code == 422, details


def test_anonymous_caller_gets_401_and_admin_403(client, as_user, admin):
    assert client.post(URL, json=patrol_payload()).status_code in (400, 401)
    response = api_post(as_user(admin), URL, patrol_payload())
    assert response.status_code == 403


def test_staff_cannot_record_a_police_activity(staff_client):
    response = api_post(staff_client, URL, patrol_payload())
    assert response.status_code == 422
    assert "activity_type" in response.get_json()["error"]["fields"]


def test_joint_activity_is_shared_by_default(staff_client, officer_client):
    assert api_post(staff_client, URL, meeting_payload()).get_json()["visibility"] == "shared"
    assert api_post(officer_client, URL, meeting_payload()).get_json()["visibility"] == "shared"


def test_officer_may_not_label_an_activity_municipal(officer_client):
    response = api_post(officer_client, URL, andt_payload(visibility="municipality"))
    assert response.status_code == 422
    assert "visibility" in response.get_json()["error"]["fields"]


def test_activity_counts_for_the_promises_valid_on_its_date(app, officer_client):
    with app.app_context():
        new_promise = Promise(title="Drogfri ungdom", starts_on=date(2024, 1, 1), ends_on=None)
        andt = db.session.execute(db.select(ActivityType).filter_by(code="andt")).scalar_one()
        andt.promises.append(new_promise)
        db.session.commit()
        new_id = new_promise.id
    body = api_post(officer_client, URL, andt_payload()).get_json()
    # The 2016-2017 promise does not cover today; the open-ended 2024 one does.
    assert body["promise_ids"] == [new_id]


def test_activity_may_name_the_promise_it_serves(app, officer_client):
    with app.app_context():
        andt = db.session.execute(db.select(ActivityType).filter_by(code="andt")).scalar_one()
        old_id = andt.promises[0].id
    body = api_post(officer_client, URL, andt_payload(promise_ids=[old_id])).get_json()
    assert body["promise_ids"] == [old_id]


def test_a_promise_the_activity_type_does_not_serve_is_refused(app, officer_client):
    with app.app_context():
        patrol_promise = (
            db.session.execute(db.select(ActivityType).filter_by(code="fotpatrull"))
            .scalar_one()
            .promises[0]
            .id
        )
    response = api_post(officer_client, URL, andt_payload(promise_ids=[patrol_promise]))
    assert response.status_code == 422


def test_get_returns_the_activity_for_readers(officer_client):
    created = api_post(officer_client, URL, visit_payload()).get_json()
    response = officer_client.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    assert response.get_json()["details"]["business_name"] == "Rottneros Bygg AB"


def test_retired_activity_type_takes_no_new_entries(app, officer_client):
    with app.app_context():
        db.session.execute(
            db.select(ActivityType).filter_by(code="andt")
        ).scalar_one().active = False
        db.session.commit()
    response = api_post(officer_client, URL, andt_payload())
    assert response.status_code == 422
