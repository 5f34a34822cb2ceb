""" "Disable" on /admin/users asks first, on a page of its own (so without script too)."""

from __future__ import annotations

import re

from tests.conftest import form_csrf_token, make_user
from webapp.auth.models import User
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db


def test_disable_shows_a_confirmation_page_and_changes_nothing_until_confirmed(
    app, admin, officer, as_user
):
    officer_client = as_user(officer)
    client = as_user(admin)
    token = form_csrf_token(client.get("/admin/users").get_data(as_text=True))
    url = f"/admin/users/{officer.id}/status"

    asked = client.post(url, data={"csrf_token": token, "action": "disable"})

    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Stänga av kontot för officer?" in page and "loggas ut direkt" in page
    assert re.search(r'name="confirm" value="disable"', page)
    assert officer_client.get("/api/v1/me").status_code == 200
    with app.app_context():
        assert db.session.get(User, officer.id).active
        actions = db.session.execute(db.select(AuditEntry.action)).scalars().all()
        assert "user.disable" not in actions

    done = client.post(
        url,
        data={"csrf_token": form_csrf_token(page), "action": "disable", "confirm": "disable"},
    )
    assert done.status_code == 302
    assert officer_client.get("/api/v1/me").status_code == 401
    with app.app_context():
        assert not db.session.get(User, officer.id).active


def test_enabling_again_needs_no_confirmation(app, admin, as_user):
    with app.app_context():
        away = make_user(Role.STAFF, "borta", active=False)
    client = as_user(admin)
    token = form_csrf_token(client.get("/admin/users").get_data(as_text=True))
    response = client.post(
        f"/admin/users/{away.id}/status", data={"csrf_token": token, "action": "enable"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, away.id).active
