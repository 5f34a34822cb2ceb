"""Changing a role on /admin/users: nothing chosen in advance, and a confirmation step.

A first-time administrator found the form pre-filled with the first account, the role "police
officer" and the police: one careless click made a municipal worker a police officer and ended
their logins. Now the form starts at "Choose …", says what is missing, shows each account's
current role, and the change happens only after a page that says what it ends.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask.testing import FlaskClient

from tests.conftest import form_csrf_token
from webapp.auth.models import User
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db


class Selects(HTMLParser):
    """Per select id: its attributes and its options (value, text, selected)."""

    def __init__(self) -> None:
        super().__init__()
        self.selects: dict[str, dict] = {}
        self._current: dict | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "select":
            self._current = {"attrs": a, "options": []}
            self.selects[a.get("id") or ""] = self._current
        elif tag == "option" and self._current is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self._current["options"].append(self._option)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._current = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data


def selects(html: str) -> dict[str, dict]:
    parser = Selects()
    parser.feed(html)
    return parser.selects


def chosen(select: dict) -> str:
    """The value a browser submits: the selected option's, else the first one's."""
    picked = [o for o in select["options"] if o["selected"]] or select["options"][:1]
    return picked[0]["value"]


def post_role(client: FlaskClient, **form: str):  # type: ignore[no-untyped-def]
    token = form_csrf_token(client.get("/admin/users").get_data(as_text=True))
    return client.post("/admin/users/role", data={"csrf_token": token, **form})


def role_of(app, user: User) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        row = db.session.get(User, user.id)
        return row.role, row.organisation


def role_changes(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        query = db.select(db.func.count()).where(AuditEntry.action == "user.role_change")
        return db.session.scalar(query)


def test_the_role_form_chooses_no_user_and_no_role_in_advance(app, admin, staff, as_user):
    found = selects(as_user(admin).get("/admin/users").get_data(as_text=True))
    user, role = found["change-user"], found["change-role"]
    assert chosen(user) == "" and user["options"][0]["text"] == "Välj användare …"
    assert chosen(role) == "" and role["options"][0]["text"] == "Välj roll …"
    assert "required" in user["attrs"] and "required" in role["attrs"]
    # The organisation stays as it is unless chosen.
    assert chosen(found["change-organisation"]) == ""


def test_each_user_choice_shows_the_accounts_current_role(app, admin, staff, officer, as_user):
    found = selects(as_user(admin).get("/admin/users").get_data(as_text=True))
    texts = [o["text"] for o in found["change-user"]["options"]]
    assert "staff (nu kommunanställd, kommunen)" in texts
    assert "officer (nu polis, polisen)" in texts
    assert not any(t.startswith("admin") for t in texts)  # never the admin's own account


def test_sending_the_form_as_it_comes_changes_nobody_and_says_what_is_missing(
    app, admin, staff, as_user
):
    client = as_user(admin)
    response = post_role(client, user_id="", role="", organisation="")
    assert response.status_code == 302
    assert role_of(app, staff) == ("staff", "municipality") and role_changes(app) == 0

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Välj vilken användare som ska få en ny roll." in page
    assert "Välj den nya rollen." in page
    # The focus goes to the first field to fix, and the field says it is wrong.
    user_select = re.search(r"<select[^>]*id=\"change-user\"[^>]*>", page).group(0)
    assert "autofocus" in user_select and 'aria-invalid="true"' in user_select


def test_a_chosen_user_is_kept_and_shown_when_the_role_is_missing(app, admin, staff, as_user):
    client = as_user(admin)
    response = post_role(client, user_id=str(staff.id), role="", organisation="")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = selects(page)
    assert chosen(found["change-user"]) == str(staff.id)
    assert "Välj den nya rollen." in page
    assert "Välj vilken användare" not in page
    role_select = re.search(r"<select[^>]*id=\"change-role\"[^>]*>", page).group(0)
    assert "autofocus" in role_select


def test_a_role_change_asks_for_confirmation_and_changes_nothing_until_then(
    app, admin, staff, as_user
):
    staff_client = as_user(staff)
    client = as_user(admin)

    asked = post_role(client, user_id=str(staff.id), role="officer", organisation="")

    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Ändra roll för staff?" in page
    assert "kommunanställd, kommunen" in page and "polis, polisen" in page
    assert "loggas ut direkt" in page
    assert role_of(app, staff) == ("staff", "municipality") and role_changes(app) == 0
    assert staff_client.get("/api/v1/me").status_code == 200  # still logged in

    # The confirmation form carries the same choice, its CSRF token and confirm=role.
    assert re.search(r'name="confirm" value="role"', page)
    done = client.post(
        "/admin/users/role",
        data={
            "csrf_token": form_csrf_token(page),
            "user_id": str(staff.id),
            "role": "officer",
            "organisation": "",
            "confirm": "role",
        },
    )
    assert done.status_code == 302
    assert role_of(app, staff) == ("officer", "police") and role_changes(app) == 1
    assert staff_client.get("/api/v1/me").status_code == 401


def test_choosing_the_role_an_account_already_has_says_so(app, admin, staff, as_user):
    client = as_user(admin)
    response = post_role(
        client, user_id=str(staff.id), role="staff", organisation="", confirm="role"
    )
    assert response.status_code == 302 and role_changes(app) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "staff har redan den rollen." in page


def test_a_refused_new_user_does_not_fill_in_the_role_change(app, admin, as_user):
    """The two forms share field names (role, organisation): a refused new user with the role
    "police officer" must not pre-choose that role in the role change below it."""
    client = as_user(admin)
    token = form_csrf_token(client.get("/admin/users").get_data(as_text=True))
    response = client.post(
        "/admin/users",
        data={"csrf_token": token, "username": "", "role": "officer", "organisation": "police"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert chosen(selects(page)["change-role"]) == ""
    # The focus goes to the first field to fix (the user name), not to the top of the page.
    username = re.search(r"<input[^>]*id=\"username\"[^>]*>", page).group(0)
    assert "autofocus" in username and 'aria-invalid="true"' in username
