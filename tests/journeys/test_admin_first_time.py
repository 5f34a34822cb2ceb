"""An IT administrator new to Trygg Sunne: the start page, a new municipal colleague, a police
account, and a partner system's key, at a desk and on a phone.

What a first-time administrator met on the Sunne demo:
- the start page said administrators manage "konton och inställningar", but there are no
  settings pages for them (categories, areas and promises are the coordinator's);
- choosing the role "kommunanställd" for a new user left "Polisen" chosen as organisation;
- the users list said "–" for an account that never logged in, the coordinator's "Aldrig";
- after a police account the message sent the admin to "avsnittet Operate i README";
- "Återkalla" revoked a key at once, a refused key name emptied the field, and a revoked key's
  name could not be given to the system's new key.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.journeys.helpers import open_menu_link

ORGANISATION = "Organisation (för samordnare och administratörer)"
KEY_NAME = "Felanmälan Sunne"


def user_row(page: Page, username: str):  # type: ignore[no-untyped-def]
    name = re.compile(rf"^{re.escape(username)}(\s|$)")
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=name))


def new_user_form(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("form", has=page.get_by_role("button", name="Skapa användare"))


def test_the_admin_creates_a_municipal_and_a_police_account(people):  # type: ignore[no-untyped-def]
    admin = people("admin", phone=False)
    page = admin.page
    admin.log_in("admin")

    # The start page says what an administrator does here, and no more.
    intro = page.get_by_text("Du är inloggad som administratör.")
    expect(intro).to_contain_text("användarkonton")
    expect(intro).to_contain_text("trygghetssamordnaren")
    expect(intro).not_to_contain_text("inställningar")

    open_menu_link(page, "Användare")
    # "kommun" has never logged in: said in words, as on the coordinator's list.
    expect(user_row(page, "kommun").locator("td.when")).to_have_text("Aldrig")

    # A municipal colleague: the organisation follows the role.
    form = new_user_form(page)
    form.get_by_label("Användarnamn").fill("ny-kollega")
    form.get_by_label("Roll").select_option(label="kommunanställd")
    organisation = form.get_by_label(ORGANISATION)
    expect(organisation).to_have_value("municipality")
    expect(organisation.locator("option", has_text="Polisen")).to_be_disabled()
    admin.shot("admin-new-user-follows-role")
    form.get_by_role("button", name="Skapa användare").click()
    expect(page.get_by_text("Användaren ny-kollega har skapats.")).to_be_visible()
    expect(user_row(page, "ny-kollega")).to_contain_text("Kommunen")

    # A coordinator chooses an organisation again (nothing taken over from the last role).
    form = new_user_form(page)
    form.get_by_label("Roll").select_option(label="kommunanställd")
    form.get_by_label("Roll").select_option(label="trygghetssamordnare")
    expect(form.get_by_label(ORGANISATION)).to_have_value("")
    expect(form.get_by_label(ORGANISATION).locator("option", has_text="Polisen")).to_be_enabled()

    # A police officer: nobody in the app can confirm it yet, and the message says what next.
    form.get_by_label("Användarnamn").fill("ny-polis")
    form.get_by_label("Roll").select_option(label="polis")
    expect(form.get_by_label(ORGANISATION)).to_have_value("police")
    form.get_by_role("button", name="Skapa användare").click()
    message = page.get_by_text("Det finns ännu ingen samordnare för polisen i appen")
    expect(message).to_contain_text("Nästa steg: be den som sköter servern")
    expect(message).to_contain_text("bekräftar ny-polis")
    expect(message).not_to_contain_text("README")
    expect(message).not_to_contain_text("Operate")
    expect(user_row(page, "ny-polis")).to_contain_text("Polisen")
    admin.shot("admin-police-account-next-step")


def test_without_script_the_server_refuses_a_municipal_account_of_the_police(people):  # type: ignore[no-untyped-def]
    admin = people("admin", phone=True, java_script_enabled=False)
    page = admin.page
    admin.log_in("admin")
    open_menu_link(page, "Användare")
    form = new_user_form(page)
    form.get_by_label("Användarnamn").fill("fel-org")
    form.get_by_label("Roll").select_option(label="kommunanställd")
    form.get_by_label(ORGANISATION).select_option(label="Polisen")
    form.get_by_role("button", name="Skapa användare").click()
    expect(page.get_by_text("En kommunanställd hör alltid till kommunen.")).to_be_visible()
    expect(user_row(page, "fel-org")).to_have_count(0)
    # Left empty, the organisation is the role's.
    form = new_user_form(page)
    form.get_by_label(ORGANISATION).select_option(label="Välj organisation…")
    form.get_by_role("button", name="Skapa användare").click()
    expect(user_row(page, "fel-org")).to_contain_text("Kommunen")


def test_a_key_is_revoked_after_a_question_and_its_name_goes_to_the_new_key(people):  # type: ignore[no-untyped-def]
    admin = people("admin", phone=True, dark=True)
    page = admin.page
    admin.log_in("admin")
    page.get_by_role("link", name=re.compile("^API-nycklar för Open311")).click()
    name = page.get_by_label("Systemets namn")
    name.fill(KEY_NAME)
    page.get_by_role("button", name="Skapa nyckel").click()
    expect(page.get_by_text("Kopiera den nu")).to_be_visible()

    # The same name again: refused, and what was typed stays to be corrected.
    page.get_by_label("Systemets namn").fill(KEY_NAME)
    page.get_by_role("button", name="Skapa nyckel").click()
    expect(page.get_by_text("En nyckel som används har redan det namnet.")).to_be_visible()
    expect(page.get_by_label("Systemets namn")).to_have_value(KEY_NAME)
    expect(page.get_by_label("Systemets namn")).to_be_focused()

    # "Återkalla" asks first; "Avbryt" leaves the key working.
    page.get_by_role("button", name=f"Återkalla {KEY_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Återkalla nyckeln {KEY_NAME}?")
    expect(page.get_by_text("Nyckeln slutar fungera direkt")).to_be_visible()
    admin.shot("admin-phone-revoke-question")
    page.get_by_role("link", name="Avbryt").click()
    expect(page.get_by_role("button", name=f"Återkalla {KEY_NAME}")).to_be_visible()
    expect(page.locator("table")).not_to_contain_text("Återkallad")

    page.get_by_role("button", name=f"Återkalla {KEY_NAME}").click()
    page.get_by_role("button", name=f"Återkalla {KEY_NAME}").click()
    expect(page.get_by_text(f"Nyckeln {KEY_NAME} är återkallad.")).to_be_visible()

    # The system's new key takes the name; the revoked one stays in the list.
    page.get_by_label("Systemets namn").fill(KEY_NAME)
    page.get_by_role("button", name="Skapa nyckel").click()
    expect(page.get_by_text("Kopiera den nu")).to_be_visible()
    rows = page.get_by_role("row").filter(has=page.get_by_role("cell", name=KEY_NAME, exact=True))
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Återkallad")).to_have_count(1)
    expect(rows.get_by_role("button", name=f"Återkalla {KEY_NAME}")).to_have_count(1)
    admin.shot("admin-phone-key-name-again")
