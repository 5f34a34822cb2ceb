"""The user list on /admin/users: one card per account on a phone, a table at a desk.

Its actions are read out of context on a phone card ("Stäng av", "Återställ lösenord"), so each
button's name says whose account it acts on, and each still posts with its CSRF token.
"""

from __future__ import annotations

from html.parser import HTMLParser

from webapp.auth.models import User
from webapp.extensions import db


class UserRows(HTMLParser):
    """Per row of the user table: its heading cell's text, its buttons and its forms."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.table_classes: list[str] = []
        self._in_table = self._in_tbody = self._in_heading = False
        self._form: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "table" and "table-cards" in classes:
            self._in_table, self.table_classes = True, classes
        elif not self._in_table:
            return
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            self.rows.append({"heading": "", "buttons": [], "forms": [], "labels": []})
        elif tag == "td" and self.rows:
            self._in_heading = "card-heading" in classes
            if a.get("data-label"):
                self.rows[-1]["labels"].append(a["data-label"])
        elif tag == "form" and self.rows:
            self._form = {"method": a.get("method"), "csrf": False}
            self.rows[-1]["forms"].append(self._form)
        elif tag == "input" and self._form is not None and a.get("name") == "csrf_token":
            self._form["csrf"] = bool(a.get("value"))
        elif tag == "button" and self.rows:
            self.rows[-1]["buttons"].append(a.get("aria-label"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_heading = False
        elif tag == "form":
            self._form = None
        elif tag == "table":
            self._in_table = self._in_tbody = False

    def handle_data(self, data: str) -> None:
        if self._in_heading and self.rows:
            self.rows[-1]["heading"] += data


def user_rows(html: str) -> dict[str, dict]:
    parser = UserRows()
    parser.feed(html)
    assert parser.table_classes, "the user list is not a table-cards table"
    return {row["heading"].split()[0]: row for row in parser.rows}


def test_each_user_is_a_card_headed_by_the_user_name_with_labelled_lines(
    app, admin, officer, as_user
):
    rows = user_rows(as_user(admin).get("/admin/users").get_data(as_text=True))
    assert set(rows) == {"admin", "officer"}
    assert rows["officer"]["labels"] == ["Roll", "Organisation", "Status", "Senaste inloggning"]


def test_every_action_names_the_user_it_acts_on_and_posts_with_its_csrf_token(
    app, admin, officer, as_user
):
    client = as_user(admin)
    officer_row = user_rows(client.get("/admin/users").get_data(as_text=True))["officer"]
    assert officer_row["buttons"] == ["Stäng av: officer", "Återställ lösenordet för officer"]
    assert officer_row["forms"] and all(
        f["method"] == "post" and f["csrf"] for f in officer_row["forms"]
    )

    with app.app_context():
        db.session.get(User, officer.id).active = False
        db.session.commit()
    officer_row = user_rows(client.get("/admin/users").get_data(as_text=True))["officer"]
    assert officer_row["buttons"][0] == "Aktivera: officer"


def test_the_admins_own_card_has_no_actions(app, admin, officer, as_user):
    own = user_rows(as_user(admin).get("/admin/users").get_data(as_text=True))["admin"]
    assert own["buttons"] == [] and own["forms"] == []
