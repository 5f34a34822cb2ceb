"""Logging in through the real /login form: redirects, refusals, disabled accounts, audit."""

from __future__ import annotations

from flask import Flask

from tests.auth.helpers import location_path, login_form
from tests.conftest import PASSWORD, form_csrf_token
from webapp.auth.models import User
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

LOGIN_FAILED_SV = "Fel användarnamn eller lösenord, eller så är kontot avstängt."


def _audit(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.execute(
                db.select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)
            ).scalars()
        )


def test_login_page_is_in_swedish_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert "Logga in" in html
    assert "Användarnamn" in html
    assert "Lösenord" in html


def test_login_with_right_password_redirects_to_the_start_page_and_is_audited(app, client, officer):
    response = login_form(client, "officer")

    assert response.status_code == 302
    assert location_path(response) == "/"
    assert client.get("/").status_code == 200
    entries = _audit(app, "user.login")
    assert [(e.actor_id, e.target_type, e.target_id) for e in entries] == [
        (officer.id, "users", str(officer.id))
    ]
    with app.app_context():
        assert db.session.get(User, officer.id).last_login_at is not None


def test_login_ignores_case_and_surrounding_spaces_in_the_user_name(client, officer):
    response = login_form(client, "  Officer ")
    assert response.status_code == 302


def test_login_with_wrong_password_is_refused_in_swedish_and_audited(app, client, officer):
    response = login_form(client, "officer", "not the password")

    assert response.status_code == 401
    assert LOGIN_FAILED_SV in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still anonymous
    (entry,) = _audit(app, "user.login_failed")
    assert entry.target_id == str(officer.id)
    assert entry.actor_id is None
    assert entry.actor_label == "officer"
    assert entry.detail["reason"] == "credentials"
    assert PASSWORD not in str(entry.detail) and "not the password" not in str(entry.detail)
    assert _audit(app, "user.login") == []


def test_login_with_unknown_user_name_is_refused_like_a_wrong_password(app, client, officer):
    unknown = login_form(client, "nobody", PASSWORD)
    wrong = login_form(client, "officer", "not the password")

    assert unknown.status_code == wrong.status_code == 401
    assert LOGIN_FAILED_SV in unknown.get_data(as_text=True)
    entries = _audit(app, "user.login_failed")
    assert [(e.actor_label, e.target_id) for e in entries] == [
        ("nobody", None),
        ("officer", str(officer.id)),
    ]


def test_disabled_user_cannot_log_in_even_with_the_right_password(app, client):
    from tests.conftest import make_user
    from webapp.core.access import Role

    with app.app_context():
        make_user(Role.OFFICER, "retired", active=False)

    response = login_form(client, "retired")

    assert response.status_code == 401
    assert LOGIN_FAILED_SV in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    (entry,) = _audit(app, "user.login_failed")
    assert entry.detail["reason"] == "disabled"


def test_login_form_without_csrf_token_is_refused(app, client, officer):
    response = client.post("/login", data={"username": "officer", "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/").status_code == 302
    assert _audit(app, "user.login") == []


def test_login_form_with_empty_fields_asks_for_them(client):
    html = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"username": "", "password": "", "csrf_token": form_csrf_token(html)}
    )

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_logged_in_user_sees_who_they_are_on_the_start_page(client, staff):
    login_form(client, "staff")
    html = client.get("/").get_data(as_text=True)
    assert "staff" in html


# --- language ------------------------------------------------------------------------------


def _choose_language(client, locale: str, next_url: str = "/login"):  # type: ignore[no-untyped-def]
    token = form_csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/language", data={"locale": locale, "next": next_url, "csrf_token": token})


def test_choosing_english_switches_the_interface_to_english(client):
    response = _choose_language(client, "en")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Log in" in html and "User name" in html and "Password" in html
    assert "Logga in" not in html


def test_choosing_swedish_again_switches_back(client):
    _choose_language(client, "en")
    _choose_language(client, "sv")
    assert "Logga in" in client.get("/login").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    _choose_language(client, "xx")
    assert "Logga in" in client.get("/login").get_data(as_text=True)


def test_the_language_chosen_before_login_lasts_through_login(client, officer):
    _choose_language(client, "en")
    response = login_form(client, "officer", "wrong password")
    assert "Wrong user name or password" in response.get_data(as_text=True)


def test_a_logged_in_users_language_is_remembered_on_the_account(app, client, officer):
    login_form(client, "officer")

    _choose_language(client, "en", next_url="/")

    with app.app_context():
        assert db.session.get(User, officer.id).locale == "en"
    # Another device, a browser that prefers Swedish: the account's choice wins.
    other = app.test_client()
    login_form(other, "officer")
    html = other.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Log out" in html


def test_without_a_choice_the_browser_language_decides_and_swedish_is_the_fallback(client):
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en-GB,en"}).get_data(
        as_text=True
    )
    assert "Logga in" in client.get("/login", headers={"Accept-Language": "de"}).get_data(
        as_text=True
    )


def test_unknown_user_names_cost_the_same_hash_work_as_real_ones(app):
    """Otherwise a fast refusal would tell an attacker which user names exist."""
    from webapp.auth.models import dummy_hash

    with app.app_context():
        for method in ("scrypt", "pbkdf2:sha256:50000"):
            app.config["PASSWORD_HASH_METHOD"] = method
            real = User(username="x", role="officer", organisation="police")
            real.set_password("a password of some length")
            assert dummy_hash().split("$")[0] == real.password_hash.split("$")[0]
