"""The IT administrator's first morning, on a phone in dark mode, from `/`.

Two stumbles a first-time administrator met on the Sunne demo:
- The demo (like a new installation) has no coordinator of the police. Resetting an officer's
  password said so only afterwards ("no coordinator ... to confirm the account"): by then the
  officer was locked out with nobody in the app able to let them back in. The confirmation page
  now says it before the button.
- The Open311 keys were a five-column table: at 360 px the dates were cut off and the "Återkalla"
  button sat beyond the right edge of the screen. Each key is now a card, its button in reach.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.journeys.helpers import open_menu_link

NOBODY_CONFIRMS = re.compile("Det finns ingen samordnare för polisen i appen som kan bekräfta")


def user_row(page: Page, username: str):  # type: ignore[no-untyped-def]
    name = re.compile(rf"^{re.escape(username)}(\s|$)")
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=name))


def ask_to_reset(page: Page, username: str) -> None:
    user_row(page, username).get_by_role(
        "button", name=f"Återställ lösenordet för {username}"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Återställa lösenordet för {username}?"
    )


def test_the_admin_is_warned_before_locking_out_an_officer_and_revokes_a_key_on_a_phone(
    people,
):  # type: ignore[no-untyped-def]
    admin = people("admin", phone=True, dark=True)
    page = admin.page
    admin.log_in("admin")
    open_menu_link(page, "Användare")

    # An officer: nobody in the app can confirm a police account, and the page says so first.
    ask_to_reset(page, "polis")
    warning = page.get_by_text(NOBODY_CONFIRMS)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("polis kan inte logga in igen")
    admin.shot("admin-phone-reset-warning")
    page.get_by_role("link", name="Avbryt").click()

    # A municipal colleague: the municipality's coordinator confirms, so no warning.
    ask_to_reset(page, "kommun")
    expect(page.get_by_text("Det finns ingen samordnare")).to_have_count(0)
    page.get_by_role("link", name="Avbryt").click()

    # A partner system's key, made and revoked on the phone.
    page.get_by_role("link", name="Start").first.click()
    page.get_by_role("link", name=re.compile("^API-nycklar för Open311")).click()
    page.get_by_label("Systemets namn").fill("Felanmälan Sunne")
    page.get_by_role("button", name="Skapa nyckel").click()
    expect(page.get_by_text("Kopiera den nu")).to_be_visible()
    revoke = page.get_by_role("button", name="Återkalla Felanmälan Sunne")
    # In reach as the page comes, without swiping the list sideways: every cell of the key
    # (its dates too) and its button within the screen, and nothing in the list to scroll.
    width = page.viewport_size["width"]
    beyond = page.locator("table").evaluate(
        """(table, width) => [...table.querySelectorAll('tbody td, tbody button')]
            .filter(el => el.getClientRects().length)
            .filter(el => el.getBoundingClientRect().right > width + 0.5)
            .map(el => el.textContent.trim())""",
        width,
    )
    assert beyond == []
    wrap = page.locator(".table-wrap").evaluate("box => box.scrollWidth - box.clientWidth")
    assert wrap <= 1, f"the key list scrolls sideways by {wrap} px"
    revoke.click()
    # Revoking asks first, as disabling an account does.
    expect(page.get_by_role("heading", level=1)).to_have_text("Återkalla nyckeln Felanmälan Sunne?")
    page.get_by_role("button", name="Återkalla Felanmälan Sunne").click()
    expect(page.get_by_text("Nyckeln Felanmälan Sunne är återkallad.")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Återkallad")
    admin.shot("admin-phone-open311-keys")
