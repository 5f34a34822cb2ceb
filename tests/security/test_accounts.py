"""Accounts: disabling ends sessions at once, the password policy, admin resets, and sessions
that end after a while without activity."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, form_csrf_token
from webapp.auth import login_sessions
from webapp.auth.models import LoginSession
from webapp.auth.passwords import password_problem
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db


def real_login(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    token = form_csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": password}
    )
    assert response.status_code == 302, response.status_code
    return client


def admin_post(client: FlaskClient, url: str, **form: str):  # type: ignore[no-untyped-def]
    token = form_csrf_token(client.get("/admin/users").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **form})


def is_logged_in(client: FlaskClient) -> bool:
    return client.get("/api/v1/me").status_code == 200


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
        )


# --- disabling --------------------------------------------------------------------------------


def test_disabling_a_user_ends_all_their_sessions_at_once_and_keeps_them_out(app, officer, admin):
    phone, desktop = real_login(app, "officer"), real_login(app, "officer")
    admin_client = real_login(app, "admin")
    assert is_logged_in(phone) and is_logged_in(desktop)

    response = admin_post(
        admin_client, f"/admin/users/{officer.id}/status", action="disable", confirm="disable"
    )

    assert response.status_code == 302
    assert phone.get("/api/v1/me").status_code == 401
    assert desktop.get("/field/new").headers["Location"].startswith("/login")
    outbox = phone.post("/api/v1/observations", json={}, headers={"X-CSRFToken": _token(phone)})
    assert outbox.status_code == 401
    client = app.test_client()
    token = form_csrf_token(client.get("/login").get_data(as_text=True))
    again = client.post(
        "/login", data={"csrf_token": token, "username": "officer", "password": PASSWORD}
    )
    assert again.status_code == 401
    assert actions(app)[-1] == "user.login_failed"


def test_enabling_again_needs_a_new_login(app, officer, admin):
    phone = real_login(app, "officer")
    admin_client = real_login(app, "admin")
    admin_post(
        admin_client, f"/admin/users/{officer.id}/status", action="disable", confirm="disable"
    )
    admin_post(admin_client, f"/admin/users/{officer.id}/status", action="enable")

    assert not is_logged_in(phone)
    assert is_logged_in(real_login(app, "officer"))


def test_an_admin_cannot_disable_their_own_account(app, admin):
    admin_client = real_login(app, "admin")
    admin_post(admin_client, f"/admin/users/{admin.id}/status", action="disable", confirm="disable")
    assert is_logged_in(admin_client)


def _token(client: FlaskClient) -> str:
    return client.get("/api/v1/csrf-token").get_json()["csrf_token"]


# --- password policy and resets ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("kort", "at least 12"),
        ("elva tecken", "at least 12"),
        ("password1234"[:11], "at least 12"),
        ("Password123", "at least 12"),
        ("correcthorsebatterystaple", "too common"),
        ("CorrectHorseBatteryStaple", "too common"),
        ("correct horse battery staple", "too common"),
        ("qwertyuiop123", "too common"),
        ("lösenord123", "at least 12"),
        ("Sommar2025" + "!!", None),
        ("anna-lena-sunne-99", "user name"),
        ("aaaaaaaaaaaaaaaa", "different characters"),
        ("abababababababab", "different characters"),
        ("tre ord som ingen gissar", None),
    ],
)
def test_the_password_policy(app, password, problem):
    app.config["LANGUAGES"] = ("en", "sv")  # messages asserted in English, the msgids
    with app.test_request_context():
        message = password_problem(password, "anna-lena")
    if problem is None:
        assert message is None
    else:
        assert message is not None and problem in str(message), message


def test_an_admin_reset_ends_the_old_password_and_sessions_at_once(app, admin, officer):
    phone = real_login(app, "officer")
    admin_client = real_login(app, "admin")

    admin_post(admin_client, f"/admin/users/{officer.id}/password", confirm="reset")

    assert not is_logged_in(phone)
    client = app.test_client()
    token = form_csrf_token(client.get("/login").get_data(as_text=True))
    old = client.post(
        "/login", data={"csrf_token": token, "username": "officer", "password": PASSWORD}
    )
    assert old.status_code == 401


# --- inactivity -----------------------------------------------------------------------------------


def session_row(client: FlaskClient) -> LoginSession:
    """The server-side row of the client's login (detached, columns loaded)."""
    with client.session_transaction() as session:
        token = session[login_sessions.TOKEN_KEY]
    with client.application.app_context():
        row = db.session.get(LoginSession, hashlib.sha256(token.encode()).hexdigest())
        assert row is not None
        db.session.expunge(row)
        return row


def idle_for(client: FlaskClient, minutes: float) -> None:
    """Move the session's last request `minutes` into the past, on the server."""
    row = session_row(client)
    with client.application.app_context():
        db.session.execute(
            db.update(LoginSession)
            .where(LoginSession.id == row.id)
            .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=minutes))
        )
        db.session.commit()


def seconds_since_seen(client: FlaskClient) -> float:
    return (datetime.now(UTC) - session_row(client).last_seen_at).total_seconds()


def test_default_idle_limits_are_an_hour_and_longer_for_field_officers(app):
    assert app.config["SESSION_IDLE_MINUTES"] == {"default": 60, "officer": 240}


@pytest.mark.parametrize(
    ("username", "idle", "still_in"),
    [
        ("staff", 59, True),
        ("staff", 61, False),
        ("coordinator", 61, False),
        ("admin", 61, False),
        ("officer", 61, True),
        ("officer", 239, True),
        ("officer", 241, False),
    ],
)
def test_sessions_end_after_the_idle_limit_of_the_role(
    app, officer, staff, coordinator, admin, username, idle, still_in
):
    client = real_login(app, username)
    idle_for(client, idle)
    assert is_logged_in(client) is still_in


def test_an_expired_session_sends_pages_to_login_and_the_api_gets_401(app, staff):
    page, api = real_login(app, "staff"), real_login(app, "staff")
    idle_for(page, 90)
    idle_for(api, 90)

    response = page.get("/field/new")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    followed = page.get(response.headers["Location"]).get_data(as_text=True)
    assert "without activity" in followed or "utan aktivitet" in followed or "inaktiv" in followed
    reply = api.get("/api/v1/patrols/open")
    assert reply.status_code == 401
    assert reply.get_json()["error"]["code"] == "unauthenticated"
    # Logged out for good: the next request is anonymous too, not revived.
    assert api.get("/api/v1/me").status_code == 401
    assert actions(app).count("user.session_expired") == 2


def test_each_request_keeps_the_session_alive(app, staff):
    client = real_login(app, "staff")
    for _ in range(3):
        idle_for(client, 50)
        assert is_logged_in(client)  # 50 minutes idle, then active again: the clock restarts
    assert seconds_since_seen(client) < 5


def test_static_files_do_not_count_as_activity(app, staff):
    client = real_login(app, "staff")
    idle_for(client, 59)
    client.get("/static/css/app.css")
    client.get("/sw.js")
    assert seconds_since_seen(client) > 58 * 60


def test_the_idle_limit_is_configurable_and_can_be_switched_off(app, staff):
    client = real_login(app, "staff")
    app.config["SESSION_IDLE_MINUTES"] = 5
    idle_for(client, 6)
    assert not is_logged_in(client)

    app.config["SESSION_IDLE_MINUTES"] = None
    client = real_login(app, "staff")
    idle_for(client, 60 * 24 * 30)
    assert is_logged_in(client)
