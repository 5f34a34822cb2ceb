"""User administration: only admins manage accounts; every change is audited."""

from __future__ import annotations

import re

from tests.conftest import form_csrf_token
from webapp.auth.models import User
from webapp.auth.passwords import password_problem
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db


def _post_form(client, url, data):  # type: ignore[no-untyped-def]
    token = form_csrf_token(client.get("/admin/users").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_admin_creates_a_user_without_a_password(app, admin, as_user):
    client = as_user(admin)
    response = _post_form(
        client,
        "/admin/users",
        {
            "username": "Nyanstalld",
            "display_name": "Ny",
            "role": "officer",
            "organisation": "police",
            "password": "grön-lykta-vid-älven",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="nyanstalld")).scalar_one()
        assert user.role == "officer" and user.organisation == "police"
        assert not user.has_password and user.awaiting_confirmation
        assert not user.check_password("grön-lykta-vid-älven")
        assert db.session.execute(db.select(AuditEntry).filter_by(action="user.create")).scalar()


def test_the_password_policy(app):
    with app.test_request_context():
        assert password_problem("kort") is not None
        assert password_problem("qwertyuiop123") is not None
        assert password_problem("svag-svag-svag-svag", "svag") is not None
        assert password_problem("ljus-över-fryken-2016") is None


def test_disabling_a_user_ends_their_session_at_once(app, admin, officer, as_user):
    officer_client = as_user(officer)
    assert officer_client.get("/field/mine").status_code == 200
    admin_client = as_user(admin)
    response = _post_form(
        admin_client,
        f"/admin/users/{officer.id}/status",
        {"action": "disable", "confirm": "disable"},
    )
    assert response.status_code == 302
    after = officer_client.get("/field/mine")
    assert after.status_code == 302 and "/login" in after.headers["Location"]
    with app.app_context():
        actions = db.session.execute(db.select(AuditEntry.action)).scalars().all()
        assert "user.disable" in actions


def test_an_admin_reset_takes_no_password(app, admin, officer, as_user):
    client = as_user(admin)
    url = f"/admin/users/{officer.id}/password"
    _post_form(client, url, {"password": "nytt-lösen-för-patrull"})
    with app.app_context():
        assert db.session.get(User, officer.id).has_password  # no confirm=reset: nothing happens
    # The list's button asks first: a page that says what the reset ends, and nothing changes.
    asked = _post_form(client, url, {"confirm": "ask"})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Återställa lösenordet för officer?" in page and 'value="reset"' in page
    with app.app_context():
        assert db.session.get(User, officer.id).has_password
    _post_form(client, url, {"confirm": "reset", "password": "nytt-lösen-för-patrull"})
    with app.app_context():
        user = db.session.get(User, officer.id)
        assert not user.has_password and not user.check_password("nytt-lösen-för-patrull")


def test_only_admins_reach_user_administration(app, officer, staff, coordinator, as_user, client):
    for user in (officer, staff, coordinator):
        assert as_user(user).get("/admin/users").status_code == 403
    assert client.get("/admin/users").status_code == 302


def test_audit_log_is_readable_by_coordinator_and_admin_only(
    app, admin, coordinator, officer, as_user
):
    assert as_user(coordinator).get("/admin/audit").status_code == 200
    assert as_user(admin).get("/admin/audit?action=user.&days=7").status_code == 200
    assert as_user(officer).get("/admin/audit").status_code == 403


def test_an_account_no_coordinator_can_confirm_is_said_at_once(app, admin, coordinator, as_user):
    """A police account with no police coordinator in the app would wait for ever in
    "Väntar på samordnare": the admin is told so, and how the first coordinator is made."""
    client = as_user(admin)

    def create(username: str, role: str, organisation: str) -> str:
        data = {"username": username, "role": role, "organisation": organisation}
        response = _post_form(client, "/admin/users", data)
        assert response.status_code == 302
        return client.get("/admin/users").get_data(as_text=True)

    police = create("nypolis", "officer", "police")
    assert "Det finns ännu ingen samordnare för polisen i appen" in police
    assert "flask create-user" in police
    municipal = create(
        "nykommun", "staff", "municipality"
    )  # the municipality's coordinator confirms it
    assert "Det finns ännu ingen samordnare" not in municipal
    assert "En samordnare för kommunen bekräftar kontot" in municipal


def test_a_new_user_gets_no_role_unless_one_is_chosen(app, admin, as_user):
    """The role select starts at "Välj roll …": the police role was pre-chosen before."""
    client = as_user(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    create_form = page.split('action="/admin/users"', 1)[1].split("</form>", 1)[0]
    role_select = re.search(r'<select id="role".*?</select>', create_form, re.S).group(0)
    assert role_select.index('<option value="">') < role_select.index('value="officer"')
    assert "selected" not in role_select  # the placeholder, first, is what the browser shows
    response = _post_form(client, "/admin/users", {"username": "ny-person", "role": ""})
    assert response.status_code == 422
    assert "Välj vilken roll den nya användaren ska ha." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(User).filter_by(username="ny-person")).scalar() is None
