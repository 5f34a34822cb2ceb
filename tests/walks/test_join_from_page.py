"""Officers and staff join a walk from its page, without the poster's QR code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token, form_csrf_token
from tests.walks.helpers import make_walk, post_spot, spot
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkParticipant

JOIN_BUTTON = "Gå med i vandringen"
CONTINUE_LINK = "Fortsätt i vandringen"


def press_join(client: FlaskClient, walk_id: int):  # type: ignore[no-untyped-def]
    """Open the walk's page and press its join button (with the page's CSRF token)."""
    page = client.get(f"/walks/{walk_id}").get_data(as_text=True)
    return client.post(f"/walks/{walk_id}/join", data={"csrf_token": form_csrf_token(page)})


def participants(app: Flask) -> list[WalkParticipant]:
    with app.app_context():
        return list(db.session.execute(db.select(WalkParticipant)).scalars())


def test_staff_see_the_join_button_on_an_open_walk(app, coordinator, staff, as_user):
    walk = make_walk(app, coordinator.id)
    page = as_user(staff).get(f"/walks/{walk.id}").get_data(as_text=True)
    assert JOIN_BUTTON in page
    assert f'action="/walks/{walk.id}/join"' in page


@pytest.mark.parametrize(
    "values",
    [
        {"status": "closed"},
        {"join_revoked_at": datetime.now(UTC)},
        {"starts_at": datetime.now(UTC) - timedelta(hours=30)},
        {"join_code": None},
    ],
    ids=["closed", "revoked", "over", "no-code"],
)
def test_no_join_button_when_the_code_does_not_work(app, coordinator, staff, as_user, values):
    walk = make_walk(app, coordinator.id, **values)
    page = as_user(staff).get(f"/walks/{walk.id}").get_data(as_text=True)
    assert JOIN_BUTTON not in page and f"/walks/{walk.id}/join" not in page


def test_the_coordinator_leads_the_walk_and_gets_no_join_button(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    page = as_user(coordinator).get(f"/walks/{walk.id}").get_data(as_text=True)
    assert JOIN_BUTTON not in page


def test_joining_from_the_page_opens_the_participant_page_and_stays_logged_in(
    app, coordinator, staff, as_user
):
    walk = make_walk(app, coordinator.id)
    client = as_user(staff)
    response = press_join(client, walk.id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/walk/{walk.id}")
    assert "Markera en plats" in client.get(f"/walk/{walk.id}").get_data(as_text=True)
    assert post_spot(client, walk.id, spot()).status_code == 201
    with client.session_transaction() as session:
        assert session["_user_id"] == staff.get_id()  # still the staff member's own login
    [participant] = participants(app)
    assert (participant.group, participant.gender, participant.age_band) == (
        "municipality",
        None,
        None,
    )
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="walk.join")).scalar_one()
        assert entry.actor_id == staff.id and entry.target_id == str(walk.id)


def test_logging_out_ends_the_walk_session_joined_from_the_page(app, coordinator, staff, as_user):
    walk = make_walk(app, coordinator.id)
    client = as_user(staff)
    press_join(client, walk.id)
    assert client.post("/logout", data={"csrf_token": csrf_token(client)}).status_code == 302
    assert post_spot(client, walk.id, spot()).status_code == 401
    assert client.get(f"/walk/{walk.id}").status_code == 302  # to the code page


def test_an_officer_is_counted_as_police(app, coordinator, officer, as_user):
    walk = make_walk(app, coordinator.id)
    assert press_join(as_user(officer), walk.id).status_code == 302
    assert [p.group for p in participants(app)] == ["police"]


def test_joining_again_keeps_one_participant_and_the_page_says_continue(
    app, coordinator, staff, as_user
):
    walk = make_walk(app, coordinator.id)
    client = as_user(staff)
    first = press_join(client, walk.id)
    second = press_join(client, walk.id)
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert len(participants(app)) == 1
    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert CONTINUE_LINK in page and f'href="/walk/{walk.id}"' in page
    assert JOIN_BUTTON not in page


def test_joining_from_the_page_needs_a_csrf_token(app, coordinator, staff, as_user):
    walk = make_walk(app, coordinator.id)
    assert as_user(staff).post(f"/walks/{walk.id}/join").status_code == 400
    assert participants(app) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"join_revoked_at": datetime.now(UTC)}, "Vandringsledaren har stängt anslutningen"),
        ({"status": "closed"}, "Vandringen är slut"),
    ],
    ids=["revoked", "closed"],
)
def test_a_page_left_open_refuses_to_join_with_a_swedish_message(
    app, coordinator, staff, as_user, change, message
):
    walk = make_walk(app, coordinator.id)
    client = as_user(staff)
    token = form_csrf_token(client.get(f"/walks/{walk.id}").get_data(as_text=True))
    with app.app_context():  # meanwhile the walk leader withdrew the code or closed the walk
        stored = db.session.get(SafetyWalk, walk.id)
        for key, value in change.items():
            setattr(stored, key, value)
        db.session.commit()
    response = client.post(
        f"/walks/{walk.id}/join", data={"csrf_token": token}, follow_redirects=True
    )
    assert response.status_code == 200
    assert response.request.path == f"/walks/{walk.id}"
    assert message in response.get_data(as_text=True)
    assert participants(app) == []


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_roles_that_do_not_take_part_are_refused(app, coordinator, admin, as_user, role):
    walk = make_walk(app, coordinator.id)
    client = as_user({"coordinator": coordinator, "admin": admin}[role])
    response = client.post(f"/walks/{walk.id}/join", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 403
    assert participants(app) == []


def test_a_walk_the_user_may_not_read_is_not_found(app, coordinator, staff, as_user):
    walk = make_walk(app, coordinator.id, visibility="police")
    client = as_user(staff)
    response = client.post(f"/walks/{walk.id}/join", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 404
    assert participants(app) == []


def test_without_a_login_the_button_sends_to_the_login_page(app, coordinator):
    walk = make_walk(app, coordinator.id)
    client = app.test_client()
    response = client.post(f"/walks/{walk.id}/join", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert participants(app) == []


def test_the_walks_list_links_the_code_page_for_those_who_take_part(
    app, coordinator, staff, as_user
):
    assert 'href="/walk/join"' in as_user(staff).get("/walks/").get_data(as_text=True)
    assert 'href="/walk/join"' not in as_user(coordinator).get("/walks/").get_data(as_text=True)
