"""Issue 16, "Sessions end when they should": every copy of a session cookie dies on the server.

Each test copies the `trygg_session` cookie into a second client (another device, or a thief),
ends the session in the first, and checks that the copy gets 401 from the API and the login page
from HTML pages, and that using the copy does not bring it back. On the old code the signed
cookie alone was the session: a copy kept working after logout and each use extended it.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from tests.auth.helpers import login_form, logout_form
from tests.conftest import PASSWORD, api_post, csrf_token, form_csrf_token
from tests.walks.helpers import join, make_walk, spot
from webapp.auth import login_sessions
from webapp.auth.models import LoginSession
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

COOKIE = "trygg_session"


def logged_in(app: Flask, username: str, address: str = "192.0.2.10") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    assert login_form(client, username).status_code == 302
    return client


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding the same session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def observation() -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "lat": 59.8366,
        "lon": 13.144,
        "accuracy_m": 8,
        "observed_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "category": "belysning",
        "note": "Trasig lampa",
    }


def assert_dead(client: FlaskClient) -> None:
    """401 from the API (the outbox keeps its items), the login page from HTML, and no revival."""
    me = client.get("/api/v1/me")
    assert me.status_code == 401 and me.get_json()["error"]["code"] == "unauthenticated"
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    posted = client.post("/api/v1/observations", json=observation(), headers={"X-CSRFToken": token})
    assert posted.status_code == 401
    page = client.get("/field/new")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert client.get("/api/v1/me").status_code == 401


def test_a_copied_cookie_stops_working_after_logout(app, officer):
    phone = logged_in(app, "officer")
    thief = copy_of(app, phone)
    assert thief.get("/api/v1/me").status_code == 200  # the copy works while the session lives

    assert logout_form(phone).status_code == 302

    assert_dead(thief)
    assert_dead(phone)


def test_a_cookie_copied_before_logout_and_used_meanwhile_is_not_extended(app, officer):
    phone = logged_in(app, "officer")
    thief = copy_of(app, phone)
    for _ in range(3):
        assert thief.get("/api/v1/me").status_code == 200
    logout_form(phone)
    for _ in range(3):
        assert thief.get("/api/v1/me").status_code == 401


def test_log_out_on_all_devices_ends_every_session_of_the_account(app, officer, staff):
    phone, desktop = logged_in(app, "officer"), logged_in(app, "officer", "192.0.2.11")
    thief = copy_of(app, desktop)
    colleague = logged_in(app, "staff")
    page = phone.get("/account").get_data(as_text=True)
    assert "Logga ut på alla enheter" in page

    response = phone.post("/logout/all", data={"csrf_token": form_csrf_token(page)})

    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    for client in (phone, desktop, thief):
        assert_dead(client)
    assert colleague.get("/api/v1/me").status_code == 200  # other accounts are untouched
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="user.logout_all")
        ).scalar_one()
        assert entry.detail["sessions"] == 2


def test_disabling_kills_copies_of_the_cookie(app, officer, admin):
    phone = logged_in(app, "officer")
    thief = copy_of(app, phone)
    admin_client = logged_in(app, "admin")
    token = form_csrf_token(admin_client.get("/admin/users").get_data(as_text=True))
    admin_client.post(
        f"/admin/users/{officer.id}/status",
        data={"csrf_token": token, "action": "disable", "confirm": "disable"},
    )
    assert_dead(thief)


def test_a_new_password_kills_copies_of_the_cookie_and_this_browser_logs_in_afresh(app, officer):
    phone = logged_in(app, "officer")
    thief = copy_of(app, phone)
    page = phone.get("/account").get_data(as_text=True)
    new = "ljus över fryken 2026"

    response = phone.post(
        "/account/password",
        data={"csrf_token": form_csrf_token(page), "current": PASSWORD, "password": new,
              "repeat": new},
    )  # fmt: skip

    assert response.status_code == 302
    assert_dead(thief)
    assert phone.get("/api/v1/me").status_code == 200
    assert login_form(app.test_client(), "officer", new).status_code == 302


def _age_session(client: FlaskClient, *, created: timedelta, seen: timedelta) -> None:
    with client.session_transaction() as session:
        token = session[login_sessions.TOKEN_KEY]
    now = datetime.now(UTC)
    with client.application.app_context():
        db.session.execute(
            db.update(LoginSession)
            .where(LoginSession.id == hashlib.sha256(token.encode()).hexdigest())
            .values(created_at=now - created, last_seen_at=now - seen)
        )
        db.session.commit()


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, officer):
    assert app.config["SESSION_ABSOLUTE_HOURS"] == 12
    phone = logged_in(app, "officer")
    _age_session(phone, created=timedelta(hours=11, minutes=50), seen=timedelta(seconds=5))
    assert phone.get("/api/v1/me").status_code == 200
    _age_session(phone, created=timedelta(hours=12, minutes=1), seen=timedelta(seconds=5))

    assert_dead(phone)
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="user.session_expired")
        ).scalar_one()
        assert entry.detail["reason"] == "absolute"


def test_the_absolute_lifetime_is_configurable(app, officer):
    app.config["SESSION_ABSOLUTE_HOURS"] = 1
    phone = logged_in(app, "officer")
    _age_session(phone, created=timedelta(minutes=61), seen=timedelta(seconds=1))
    assert phone.get("/api/v1/me").status_code == 401


def test_the_idle_limit_is_kept_on_the_server_so_a_copy_cannot_reset_it(app, staff):
    desk = logged_in(app, "staff")
    thief = copy_of(app, desk)
    _age_session(desk, created=timedelta(minutes=70), seen=timedelta(minutes=61))
    assert thief.get("/api/v1/me").status_code == 401
    assert desk.get("/api/v1/me").status_code == 401


def test_the_csrf_token_issued_before_login_stops_working_after_login(app, officer):
    browser = app.test_client()
    planted = csrf_token(browser)  # e.g. fixed by an attacker before the victim logs in
    assert login_form(browser, "officer").status_code == 302

    stale = browser.post(
        "/api/v1/observations", json=observation(), headers={"X-CSRFToken": planted}
    )
    html = browser.post("/language", data={"csrf_token": planted, "locale": "en"})

    assert stale.status_code == 400
    assert html.status_code == 400
    assert api_post(browser, "/api/v1/observations", observation()).status_code == 201


def test_leaving_a_walk_kills_copies_of_the_participant_cookie(app, coordinator):
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    thief = copy_of(app, phone)
    assert api_post(thief, f"/api/v1/walks/{walk.id}/spots", spot()).status_code == 201

    phone.post("/walk/leave", data={"csrf_token": csrf_token(phone)})

    assert api_post(thief, f"/api/v1/walks/{walk.id}/spots", spot()).status_code == 401
    assert thief.get("/api/v1/walk-session").get_json()["authenticated"] is False
    assert thief.get(f"/walk/{walk.id}").status_code in (302, 401, 403)
    with app.app_context():
        assert db.session.execute(db.select(AuditEntry).filter_by(action="walk.leave")).scalar()


def test_logging_in_again_in_the_same_browser_ends_the_previous_session(app, officer, staff):
    shared = logged_in(app, "officer")
    copy = copy_of(app, shared)
    assert login_form(shared, "staff").status_code == 302  # the next person on a shared phone

    assert copy.get("/api/v1/me").status_code == 401
    assert shared.get("/api/v1/me").get_json()["username"] == "staff"
