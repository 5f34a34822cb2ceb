"""Logging out: only by POST with a CSRF token; it ends the session and is audited."""

from __future__ import annotations

from tests.auth.helpers import location_path, login_form, logout_form
from tests.conftest import csrf_token
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db


def test_logout_ends_the_session_and_is_audited(app, client, officer):
    login_form(client, "officer")

    response = logout_form(client)

    assert response.status_code == 302
    assert location_path(response) == "/login"
    anonymous = client.get("/")
    assert anonymous.status_code == 302
    assert location_path(anonymous) == "/login"
    assert client.get("/api/v1/me").status_code == 401
    with app.app_context():
        (entry,) = db.session.execute(
            db.select(AuditEntry).filter_by(action="user.logout")
        ).scalars()
        assert entry.actor_id == officer.id


def test_logout_by_get_is_not_allowed_and_keeps_the_session(client, officer):
    login_form(client, "officer")

    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_logout_without_csrf_token_is_refused_and_keeps_the_session(client, officer):
    """A third-party page must not be able to log the user out."""
    login_form(client, "officer")

    response = client.post("/logout")

    assert response.status_code == 400
    assert client.get("/").status_code == 200


def test_logout_when_not_logged_in_sends_to_the_login_page(client):
    response = client.post("/logout", headers={"X-CSRFToken": csrf_token(client)})

    assert response.status_code == 302
    assert location_path(response) == "/login"
