"""Journey 8: the administrator creates a user, resets a password and disables a user.

With the separation of duties of issue 16: a new municipal account waits for the municipal
coordinator, who confirms it and hands over a one-time code; the new colleague chooses their own
password with it on their phone and logs in. A reset works the same way for "kommun". A disabled
account can no longer log in: the journey ends on that person's login page.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.journeys.conftest import Person
from tests.journeys.helpers import open_menu_link
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

NEW_PASSWORD = "Fryksdalen i maj 2026"
KOMMUN_PASSWORD = "Nytt lösen vid Fryken 7"


def confirm_and_read_code(coordinator: Person, username: str) -> str:
    """The coordinator confirms `username` on Konton and reads the one-time code off the page."""
    page = coordinator.page
    open_menu_link(page, "Konton")
    page.get_by_role("button", name=f"Bekräfta {username}").click()
    expect(page.get_by_role("heading", name=f"Engångskod för {username}")).to_be_visible()
    return page.locator("[data-code]").inner_text().strip()


def choose_password_with_code(person: Person, username: str, code: str, password: str) -> None:
    """From `/`, via the login page's link, as the person told the code on the phone would."""
    page = person.page
    page.goto("/")
    page.get_by_role("link", name=re.compile("engångskod")).click()
    page.get_by_label("Engångskod").fill(code.lower().replace("-", " "))  # as typed on a phone
    page.get_by_label("Nytt lösenord", exact=True).fill(password)
    page.get_by_label("Nytt lösenord igen").fill(password)
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page.get_by_text("Ditt lösenord är sparat.")).to_be_visible()
    person.log_in(username, password)


def user_row(page: Page, username: str):  # type: ignore[no-untyped-def]
    name = re.compile(rf"^{re.escape(username)}(\s|$)")
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=name))


def test_admin_creates_resets_and_disables_users(people, demo):
    admin = people("admin", phone=False)
    admin.log_in("admin")
    open_menu_link(admin.page, "Användare")

    # 1. A new municipal colleague: no password field, the account waits for the coordinator.
    form = admin.page.locator("form", has=admin.page.get_by_role("button", name="Skapa användare"))
    form.get_by_label("Användarnamn").fill("ny-kommun")
    form.get_by_label("Visningsnamn").fill("Nya Kollegan")
    form.get_by_label("Roll").select_option(label="kommunanställd")
    assert form.get_by_label("Lösenord").count() == 0
    form.get_by_role("button", name="Skapa användare").click()
    expect(user_row(admin.page, "ny-kommun")).to_contain_text("Väntar på samordnare")

    coordinator = people("samordnare", phone=False)
    coordinator.log_in("samordnare")
    code = confirm_and_read_code(coordinator, "ny-kommun")
    coordinator.shot("08-admin-coordinator-code")

    colleague = people("ny-kommun")
    choose_password_with_code(colleague, "ny-kommun", code, NEW_PASSWORD)
    expect(colleague.page.locator("footer")).to_contain_text("Nya Kollegan")

    # 2. "kommun" forgot the password: the admin resets it and never sees a code or password.
    admin.page.reload()
    user_row(admin.page, "kommun").get_by_role(
        "button", name="Återställ lösenordet för kommun"
    ).click()
    expect(admin.page.get_by_role("heading", level=1)).to_have_text(
        "Återställa lösenordet för kommun?"
    )
    admin.page.get_by_role("button", name="Återställ lösenordet för kommun").click()
    expect(admin.page.get_by_text("Lösenordet för kommun fungerar inte längre.")).to_be_visible()
    assert admin.page.locator("[data-code]").count() == 0
    kommun_code = confirm_and_read_code(coordinator, "kommun")
    kommun = people("kommun")
    choose_password_with_code(kommun, "kommun", kommun_code, KOMMUN_PASSWORD)

    # 3. The new colleague leaves: the admin disables the account; the open session ends too.
    admin.page.reload()
    user_row(admin.page, "ny-kommun").get_by_role("button", name="Stäng av").click()
    # Asked first, on a page of its own: one slip in the list must not end a colleague's access.
    expect(admin.page.get_by_role("heading", level=1)).to_contain_text("ny-kommun")
    admin.shot("08-admin-confirm-disable")
    admin.page.get_by_role("button", name="Stäng av ny-kommun").click()
    expect(user_row(admin.page, "ny-kommun")).to_contain_text("Avstängd")
    admin.shot("08-admin-users")

    colleague.page.reload()
    expect(colleague.page).to_have_url(re.compile("/login"))
    page = colleague.page
    page.get_by_label("Användarnamn").fill("ny-kommun")
    page.get_by_label("Lösenord", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text(re.compile("Fel användarnamn eller lösenord"))).to_be_visible()
    colleague.shot("08-admin-disabled-user-login")

    with demo.app_context():
        actions = set(db.session.execute(db.select(AuditEntry.action)).scalars())
    assert {"user.create", "user.confirm", "user.code_issue", "user.password_set",
            "user.password_reset", "user.disable"} <= actions  # fmt: skip
