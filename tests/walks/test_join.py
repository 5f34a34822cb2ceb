"""Joining without an account: the code, its expiry and withdrawal, and the rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import api_post, csrf_token, form_csrf_token
from tests.walks.helpers import join, make_walk, post_spot, spot
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkParticipant


def test_a_valid_code_joins_without_an_account(app, coordinator):
    walk = make_walk(app, coordinator.id)
    phone = app.test_client()
    page = phone.get(f"/walk/join/{walk.join_code}")
    assert page.status_code == 200
    assert walk.name in page.get_data(as_text=True)
    response = phone.post(
        f"/walk/join/{walk.join_code}",
        data={
            "csrf_token": form_csrf_token(page.get_data(as_text=True)),
            "group": "residents",
            "gender": "woman",
            "age_band": "30_49",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/walk/{walk.id}")
    assert phone.get(f"/walk/{walk.id}").status_code == 200
    with phone.session_transaction() as session:
        data = session["walk_participant"]
        assert data["walk_id"] == walk.id and "_user_id" not in session
    with app.app_context():
        participant = db.session.execute(db.select(WalkParticipant)).scalar_one()
        assert (participant.group, participant.gender, participant.age_band) == (
            "residents",
            "woman",
            "30_49",
        )
        assert db.session.execute(db.select(AuditEntry).filter_by(action="walk.join")).scalar_one()


def test_the_typed_code_may_be_lower_case_with_a_hyphen(app, coordinator):
    walk = make_walk(app, coordinator.id)
    phone = app.test_client()
    page = phone.get("/walk/join").get_data(as_text=True)
    typed = f"{walk.join_code[:4].lower()}-{walk.join_code[4:].lower()}"
    response = phone.post("/walk/join", data={"csrf_token": form_csrf_token(page), "code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/walk/join/{walk.join_code}")


def test_an_unknown_code_is_a_404_with_a_clear_message(app, coordinator):
    make_walk(app, coordinator.id, join_code="ABCDEFGH")
    response = app.test_client().get("/walk/join/ABCDEFGK")
    assert response.status_code == 404
    assert "Ingen trygghetsvandring har den här anslutningskoden" in response.get_data(as_text=True)


def test_an_expired_code_is_gone_410_with_a_swedish_message(app, coordinator):
    walk = make_walk(app, coordinator.id, starts_at=datetime.now(UTC) - timedelta(hours=30))
    response = app.test_client().get(f"/walk/join/{walk.join_code}")
    assert response.status_code == 410
    assert "Vandringen är slut" in response.get_data(as_text=True)


def test_the_join_window_is_configurable(app, coordinator):
    walk = make_walk(app, coordinator.id, starts_at=datetime.now(UTC) - timedelta(hours=30))
    app.config["WALK_JOIN_HOURS_AFTER"] = 48
    assert app.test_client().get(f"/walk/join/{walk.join_code}").status_code == 200


def test_a_revoked_code_is_gone_and_ends_the_participants_sessions(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    client = as_user(coordinator)
    token = form_csrf_token(client.get(f"/walks/{walk.id}").get_data(as_text=True))
    assert (
        client.post(f"/walks/{walk.id}/code/revoke", data={"csrf_token": token}).status_code == 302
    )
    response = app.test_client().get(f"/walk/join/{walk.join_code}")
    assert response.status_code == 410
    assert "dragits tillbaka" in response.get_data(as_text=True)
    assert post_spot(phone, walk.id, spot()).status_code == 401
    assert phone.get(f"/walk/{walk.id}").status_code == 302
    with app.app_context():
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="walk.code_revoke")
        ).scalar_one()


def test_a_new_code_works_and_the_old_one_does_not(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    old_phone = join(app, walk.join_code)
    client = as_user(coordinator)
    token = form_csrf_token(client.get(f"/walks/{walk.id}").get_data(as_text=True))
    client.post(f"/walks/{walk.id}/code/renew", data={"csrf_token": token})
    with app.app_context():
        new_code = db.session.get(SafetyWalk, walk.id).join_code
    assert new_code != walk.join_code
    assert app.test_client().get(f"/walk/join/{walk.join_code}").status_code == 404
    assert post_spot(old_phone, walk.id, spot()).status_code == 401
    assert post_spot(join(app, new_code), walk.id, spot()).status_code == 201


def test_a_closed_walk_cannot_be_joined(app, coordinator):
    walk = make_walk(app, coordinator.id, status="closed")
    assert app.test_client().get(f"/walk/join/{walk.join_code}").status_code == 410


def test_guessing_codes_is_rate_limited(app, coordinator):
    walk = make_walk(app, coordinator.id)
    phone = app.test_client()
    statuses = [phone.get(f"/walk/join/ZZZZZZZ{n}").status_code for n in range(2, 10)]
    statuses += [phone.get("/walk/join/ZZZZZZZA").status_code for _ in range(3)]
    assert statuses[:10] == [404] * 10
    assert statuses[10] == 429
    # Even the right code waits now: the limit is per address.
    assert phone.get(f"/walk/join/{walk.join_code}").status_code == 429


def test_a_group_joining_from_one_address_is_not_limited(app, coordinator):
    walk = make_walk(app, coordinator.id)
    for _ in range(15):
        join(app, walk.join_code)
    with app.app_context():
        assert len(db.session.execute(db.select(WalkParticipant)).scalars().all()) == 15


def test_joining_needs_a_csrf_token(app, coordinator):
    walk = make_walk(app, coordinator.id)
    response = app.test_client().post(f"/walk/join/{walk.join_code}", data={"group": "residents"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(db.select(WalkParticipant)).first() is None


def test_participants_get_working_csrf_tokens_from_the_shared_endpoint(app, coordinator):
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    shared = phone.get("/api/v1/csrf-token").get_json()
    assert shared["authenticated"] is False  # not a user account...
    response = phone.post(
        f"/api/v1/walks/{walk.id}/spots", json=spot(), headers={"X-CSRFToken": shared["csrf_token"]}
    )
    assert response.status_code == 201  # ...but the token is valid for the participant's session
    session = phone.get("/api/v1/walk-session").get_json()
    assert session["authenticated"] is True and session["walk_id"] == walk.id
    assert phone.post(f"/api/v1/walks/{walk.id}/spots", json=spot()).status_code == 400  # no token


def test_leaving_ends_the_participant_session(app, coordinator):
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    phone.post("/walk/leave", data={"csrf_token": csrf_token(phone)})
    assert api_post(phone, f"/api/v1/walks/{walk.id}/spots", spot()).status_code == 401
    assert phone.get("/api/v1/walk-session").get_json()["authenticated"] is False
