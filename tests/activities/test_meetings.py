"""School and social-services meetings: counts, themes and follow-ups with owner and due date."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.activities.helpers import ago, load, meeting_edit_form, meeting_payload
from tests.conftest import api_post, form_csrf_token
from webapp.activities.views import local_input
from webapp.core.localtime import local_today

URL = "/api/v1/activities"


def test_meeting_follow_ups_are_stored_with_owner_and_due_date(app, staff_client):
    payload = meeting_payload()
    body = api_post(staff_client, URL, payload).get_json()
    assert body["details"]["cases_discussed"] == 4
    assert [(f["what"], f["owner"]) for f in body["follow_ups"]] == [
        ("Kartlägga frånvaro i årskurs 8", "skola"),
        ("Informera fritidsgården", "fritid"),
    ]
    assert body["follow_ups"][0]["due_on"] == payload["details"]["follow_ups"][0]["due_on"]
    assert body["follow_ups"][0]["done_on"] is None


def test_number_of_cases_is_required(staff_client):
    payload = meeting_payload()
    del payload["details"]["cases_discussed"]
    fields = api_post(staff_client, URL, payload).get_json()["error"]["fields"]
    assert "details.cases_discussed" in fields


def test_follow_up_needs_what_owner_and_a_real_date(staff_client):
    payload = meeting_payload()
    payload["details"]["follow_ups"] = [
        {"what": "", "owner": "rektor Svensson", "due_on": "2026-02-30"}
    ]
    fields = api_post(staff_client, URL, payload).get_json()["error"]["fields"]
    assert {
        "details.follow_ups.0.what",
        "details.follow_ups.0.owner",
        "details.follow_ups.0.due_on",
    } <= set(fields)


def test_follow_up_text_with_an_identity_number_is_refused(staff_client):
    payload = meeting_payload()
    payload["details"]["follow_ups"][1]["what"] = "Kontakta vårdnadshavare till 200501012389"
    response = api_post(staff_client, URL, payload)
    # 20050101-2389 has a valid check digit.
    assert "details.follow_ups.1.what" in response.get_json()["error"]["fields"]


def test_follow_up_marked_done_and_listed_until_then(app, staff_client, coordinator_client):
    payload = meeting_payload()
    payload["details"]["follow_ups"][0]["due_on"] = (local_today() - timedelta(days=3)).isoformat()
    body = api_post(staff_client, URL, payload).get_json()
    listing = coordinator_client.get("/activities/follow-ups").get_data(as_text=True)
    assert "Kartlägga frånvaro" in listing and "overdue" in listing.lower()
    page = staff_client.get(f"/activities/{body['id']}").get_data(as_text=True)
    follow_up_id = body["follow_ups"][0]["id"]
    response = staff_client.post(
        f"/activities/{body['id']}/follow-ups/{follow_up_id}",
        data={"csrf_token": form_csrf_token(page), "done": "1"},
    )
    assert response.status_code == 302
    assert load(app, body["id"]).follow_ups[0].done_on == local_today()
    assert "Kartlägga frånvaro" not in coordinator_client.get("/activities/follow-ups").get_data(
        as_text=True
    )


def test_meeting_through_the_form_with_follow_up_rows(app, staff_client):
    html = staff_client.get("/activities/new/samverkan-skola-soc").get_data(as_text=True)
    assert "Do not write names" in html
    activity_id = re.search(r'name="id" value="([^"]+)"', html).group(1)
    due = (local_today() + timedelta(days=10)).isoformat()
    form = {
        "csrf_token": form_csrf_token(html),
        "id": activity_id,
        "started_at": local_input(ago(days=1)),
        "details.organisations": ["skola", "socialtjanst"],
        "details.cases_discussed": "3",
        "details.themes": ["kriminalitet"],
        # The first row left blank, the second filled in: blank rows are skipped.
        "details.follow_ups.0.what": "",
        "details.follow_ups.0.owner": "",
        "details.follow_ups.0.due_on": "",
        "details.follow_ups.1.what": "Samtal med fritidsgården",
        "details.follow_ups.1.owner": "fritid",
        "details.follow_ups.1.due_on": due,
        "visibility": "shared",
    }
    response = staff_client.post("/activities/new/samverkan-skola-soc", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = load(app, activity_id)
    assert [(f.what, f.owner, f.due_on.isoformat()) for f in meeting.follow_ups] == [
        ("Samtal med fritidsgården", "fritid", due)
    ]
    assert meeting.visibility == "shared"


def test_editing_keeps_done_on_unchanged_follow_ups(app, staff_client):
    body = api_post(staff_client, URL, meeting_payload()).get_json()
    page = staff_client.get(f"/activities/{body['id']}").get_data(as_text=True)
    staff_client.post(
        f"/activities/{body['id']}/follow-ups/{body['follow_ups'][0]['id']}",
        data={"csrf_token": form_csrf_token(page), "done": "1"},
    )
    edit = staff_client.get(f"/activities/{body['id']}/edit").get_data(as_text=True)
    form = meeting_edit_form(edit, body, visibility="shared")
    assert staff_client.post(f"/activities/{body['id']}/edit", data=form).status_code == 302
    meeting = load(app, body["id"])
    assert meeting.details["cases_discussed"] == 5
    assert meeting.follow_ups[0].done_on == local_today()
    assert meeting.follow_ups[1].done_on is None
