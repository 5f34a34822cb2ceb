"""Session cookies and their life: flags, and ending at once when an account changes."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.auth.helpers import build_app, location_path, login_form
from tests.conftest import make_user
from webapp.auth.models import User
from webapp.core.access import Role
from webapp.extensions import db


def _session_cookie_header(response, name: str) -> str:  # type: ignore[no-untyped-def]
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


def _attributes(set_cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}


def test_session_cookie_is_httponly_and_samesite_lax(app, client, officer):
    response = login_form(client, "officer")

    cookie = _session_cookie_header(response, app.config["SESSION_COOKIE_NAME"])
    assert "httponly" in _attributes(cookie)
    assert "SameSite=Lax" in cookie


@pytest.fixture
def production_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = build_app(
        monkeypatch,
        "production",
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "prod.sqlite"),
            "PHOTO_DIR": str(tmp_path / "photos"),
        },
    )
    with app.app_context():
        db.create_all()
        make_user(Role.OFFICER, "officer")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_session_cookie_is_secure_in_production(production_app):
    client = production_app.test_client()

    response = login_form(client, "officer", base_url="https://trygg.example")

    assert response.status_code == 302
    cookie = _session_cookie_header(response, production_app.config["SESSION_COOKIE_NAME"])
    assert {"secure", "httponly"} <= _attributes(cookie)
    assert "SameSite=Lax" in cookie


def test_a_stricter_samesite_setting_is_kept(monkeypatch, tmp_path):
    """Operators may choose SameSite=Strict; the security headers extension must not undo it."""
    monkeypatch.setenv("TRYGG_SESSION_COOKIE_SAMESITE", "Strict")
    app = build_app(
        monkeypatch,
        "testing",
        {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "strict.sqlite")},
    )
    with app.app_context():
        db.create_all()
        make_user(Role.OFFICER, "officer")

    response = login_form(app.test_client(), "officer")

    assert response.status_code == 302
    assert "SameSite=Strict" in _session_cookie_header(response, app.config["SESSION_COOKIE_NAME"])
    with app.app_context():
        db.engine.dispose()


def test_session_cookie_is_not_marked_secure_outside_production(app, client, officer):
    """Local development runs on plain http://localhost, where a Secure cookie would be lost."""
    response = login_form(client, "officer")

    cookie = _session_cookie_header(response, app.config["SESSION_COOKIE_NAME"])
    assert "secure" not in _attributes(cookie)


def _change(app: Flask, user_id: int, change) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        user = db.session.get(User, user_id)
        change(user)
        db.session.commit()


def test_disabling_a_user_ends_their_sessions_at_once(app, officer):
    phone, desktop = app.test_client(), app.test_client()
    login_form(phone, "officer")
    login_form(desktop, "officer")
    assert phone.get("/").status_code == 200

    _change(app, officer.id, User.disable)

    for client in (phone, desktop):
        page = client.get("/")
        assert page.status_code == 302
        assert location_path(page) == "/login"
        assert client.get("/api/v1/me").status_code == 401


def test_changing_the_password_ends_existing_sessions(app, officer):
    client = app.test_client()
    login_form(client, "officer")

    _change(app, officer.id, lambda user: user.set_password("a brand new passphrase"))

    assert client.get("/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    assert login_form(app.test_client(), "officer", "a brand new passphrase").status_code == 302


def test_enabling_a_disabled_user_again_does_not_revive_old_sessions(app, officer):
    client = app.test_client()
    login_form(client, "officer")
    _change(app, officer.id, User.disable)

    def enable(user: User) -> None:
        user.active = True

    _change(app, officer.id, enable)

    assert client.get("/").status_code == 302


def test_a_forged_session_id_without_the_token_is_anonymous(app, client, officer):
    for forged in (str(officer.id), f"{officer.id}:", f"{officer.id}:wrong", "x:y", ""):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert client.get("/api/v1/me").status_code == 401, forged


def test_changes_to_other_users_leave_a_session_alone(app, officer, staff):
    client = app.test_client()
    login_form(client, "officer")

    _change(app, staff.id, User.disable)

    assert client.get("/").status_code == 200
