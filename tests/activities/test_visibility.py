"""Who reads and edits which activity; the audit trail and the history of edits."""

from __future__ import annotations

import re

import pytest

from tests.activities.helpers import andt_payload, load, meeting_payload, patrol_payload
from tests.conftest import api_post, form_csrf_token, make_user
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

URL = "/api/v1/activities"


@pytest.fixture
def police_patrol(officer_client):  # type: ignore[no-untyped-def]
    return api_post(officer_client, URL, patrol_payload()).get_json()


def test_staff_cannot_read_a_police_patrol(staff_client, police_patrol):
    assert staff_client.get(f"{URL}/{police_patrol['id']}").status_code == 404
    assert staff_client.get(f"/patrols/{police_patrol['id']}").status_code == 404
    assert staff_client.get(f"/activities/{police_patrol['id']}").status_code == 404


def test_outsider_gets_404_not_403_for_police_records(as_user, outsider, police_patrol):
    client = as_user(outsider)
    assert client.get(f"{URL}/{police_patrol['id']}").status_code == 404
    assert (
        api_post(
            client, f"{URL}/{police_patrol['id']}/stop", {"ended_at": police_patrol["started_at"]}
        ).status_code
        == 404
    )


def test_admin_sees_no_activity_content(as_user, admin, police_patrol):
    client = as_user(admin)
    assert client.get(f"{URL}/{police_patrol['id']}").status_code == 403
    assert client.get("/activities/").status_code == 403
    assert client.get("/patrols/").status_code == 403


def test_coordinator_and_officer_read_police_patrols(as_user, officer, coordinator, police_patrol):
    for user in (officer, coordinator):
        assert as_user(user).get(f"{URL}/{police_patrol['id']}").status_code == 200


def test_lists_show_only_readable_activities(staff_client, officer_client, police_patrol):
    shared_meeting = api_post(
        officer_client, URL, meeting_payload(note="Gemensamt möte")
    ).get_json()
    listing = staff_client.get("/activities/").get_data(as_text=True)
    assert shared_meeting["id"] in listing
    assert police_patrol["id"] not in listing
    assert police_patrol["id"] not in staff_client.get("/patrols/").get_data(as_text=True)


def test_municipal_activity_is_hidden_from_officers(app, as_user, officer, staff_client):
    meeting = api_post(staff_client, URL, meeting_payload(visibility="municipality")).get_json()
    assert as_user(officer).get(f"{URL}/{meeting['id']}").status_code == 404


def test_an_unknown_or_malformed_id_is_404(officer_client):
    assert officer_client.get(f"{URL}/00000000-0000-4000-8000-000000000000").status_code == 404
    assert officer_client.get(f"{URL}/{'x' * 500}").status_code == 404


def test_reading_a_police_record_is_audited(app, as_user, coordinator, police_patrol):
    as_user(coordinator).get(f"{URL}/{police_patrol['id']}")
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="activity.read", target_id=police_patrol["id"])
        ).scalar_one()
        assert entry.actor_label == "coordinator"


def test_listing_police_records_is_audited(app, officer_client, police_patrol):
    officer_client.get("/activities/")
    with app.app_context():
        entry = (
            db.session.execute(db.select(AuditEntry).filter_by(action="activity.list"))
            .scalars()
            .first()
        )
        assert entry.detail["police_records"] == 1


def test_only_author_or_coordinator_may_edit(app, as_user, officer, coordinator, officer_client):
    activity = api_post(officer_client, URL, andt_payload()).get_json()
    with app.app_context():
        colleague = make_user(Role.OFFICER, "colleague")
    assert as_user(colleague).get(f"/activities/{activity['id']}/edit").status_code == 403
    assert as_user(coordinator).get(f"/activities/{activity['id']}/edit").status_code == 200


def test_an_edit_keeps_the_previous_values_and_is_audited(
    app, as_user, coordinator, officer_client
):
    activity = api_post(officer_client, URL, andt_payload(place="Skateparken")).get_json()
    client = as_user(coordinator)
    page = client.get(f"/activities/{activity['id']}/edit").get_data(as_text=True)
    form = {
        "csrf_token": form_csrf_token(page),
        "started_at": re.search(r'name="started_at" value="([^"]+)"', page).group(1),
        "place": "Busstationen",
        "details.intervention": "samtal",
        "details.reached.under_15": "3",
        "details.reached.age_15_17": "5",
        "details.reached.age_18_20": "1",
        "details.substances": ["alkohol", "tobak"],
        "details.actions": activity["details"]["actions"],
        "visibility": "police",
    }
    assert client.post(f"/activities/{activity['id']}/edit", data=form).status_code == 302
    stored = load(app, activity["id"])
    assert stored.place == "Busstationen"
    with app.app_context():
        from webapp.activities.models import ActivityRevision

        revision = db.session.execute(db.select(ActivityRevision)).scalar_one()
        assert revision.changed == ["place"]
        assert revision.previous == {"place": "Skateparken"}
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="activity.update")
        ).scalar_one()
        # The audit log names what changed, never the content (admins read the log).
        assert entry.detail["changed"] == ["place"]
        assert "Skateparken" not in str(entry.detail)
    history = officer_client.get(f"/activities/{activity['id']}").get_data(as_text=True)
    assert "Skateparken" in history


def test_editing_without_changes_records_nothing(app, officer_client):
    activity = api_post(officer_client, URL, meeting_payload()).get_json()
    page = officer_client.get(f"/activities/{activity['id']}/edit").get_data(as_text=True)
    form = {
        "csrf_token": form_csrf_token(page),
        "started_at": re.search(r'name="started_at" value="([^"]+)"', page).group(1),
        "ended_at": re.search(r'name="ended_at" value="([^"]+)"', page).group(1),
        "details.organisations": activity["details"]["organisations"],
        "details.cases_discussed": str(activity["details"]["cases_discussed"]),
        "details.themes": activity["details"]["themes"],
        "visibility": "shared",
    }
    for index, row in enumerate(activity["follow_ups"]):
        form.update(
            {f"details.follow_ups.{index}.{k}": row[k] for k in ("what", "owner", "due_on")}
        )
    assert officer_client.post(f"/activities/{activity['id']}/edit", data=form).status_code == 302
    with app.app_context():
        assert (
            db.session.execute(db.select(AuditEntry).filter_by(action="activity.update")).first()
            is None
        )


def test_staff_is_not_offered_police_activities(staff_client):
    page = staff_client.get("/activities/new").get_data(as_text=True)
    assert "Samverkan" in page
    assert "Fotpatrullering" not in page
    assert staff_client.get("/activities/new/andt").status_code == 404
