"""The coordinator's "Konton" page lists the accounts of their own organisation.

A coordinator confirms new accounts of their organisation and is the one asked "who can read our
records?"; before, the page showed only the accounts waiting for them and none of the others.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.conftest import login, make_user
from webapp.auth.models import User
from webapp.core.access import Role
from webapp.extensions import db


def accounts_section(html: str) -> str:
    pattern = r'<section class="card" id="organisation-accounts">(.*?)</section>'
    found = re.search(pattern, html, re.S)
    assert found, "no section of the organisation's accounts"
    return found.group(1)


def rows(section: str) -> dict[str, str]:
    """User name -> the row's text, tags removed and spaces collapsed."""
    result = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section, re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", row).replace("\u00ad", "").split())
        if "card-heading" in row:
            result[text.split()[0]] = text
    return result


def test_a_coordinator_sees_every_account_of_their_organisation_and_no_other(
    app, coordinator, staff, officer
):
    with app.app_context():
        make_user(Role.STAFF, "avstangd-kommun", active=False)
        user = db.session.get(User, staff.id)
        user.last_login_at = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
        db.session.commit()
        organisations = {u.username: u.organisation for u in db.session.query(User)}
    assert organisations["officer"] != organisations["coordinator"]

    html = login(app.test_client(), coordinator).get("/accounts").get_data(as_text=True)
    listed = rows(accounts_section(html))

    assert set(listed) == {"coordinator", "staff", "avstangd-kommun"}  # not the police officer
    assert "kommunanställd" in listed["staff"] and "2026-11-30" in listed["staff"]
    assert "Aktiv" in listed["staff"]
    assert "Avstängd" in listed["avstangd-kommun"] and "Aldrig" in listed["avstangd-kommun"]
    names = list(listed)
    assert names.index("avstangd-kommun") == len(names) - 1  # the closed one last


def test_a_police_coordinator_sees_the_police_accounts(app, coordinator, officer):
    with app.app_context():
        police_coordinator = make_user(Role.COORDINATOR, "samordnare-polis", organisation="police")
    html = login(app.test_client(), police_coordinator).get("/accounts").get_data(as_text=True)
    assert set(rows(accounts_section(html))) == {"samordnare-polis", "officer"}
