"""Steps every journey shares."""

from __future__ import annotations

import re

from playwright.sync_api import Page

MAIN_MENU = re.compile("Huvudmeny|Main menu")


def open_menu_link(page: Page, name: str) -> None:
    """Follow a link of the main menu as a person does: open its menu group first if it hides.

    The groups are <details>/<summary> (a disclosure, not a button in the accessibility tree),
    so a person taps each visible group name until the link shows.
    """
    nav = page.get_by_role("navigation", name=MAIN_MENU)
    link = nav.get_by_role("link", name=name, exact=True).first
    toggles = nav.locator("summary, button[aria-expanded='false']")
    for index in range(toggles.count()):
        if link.is_visible():
            break
        if toggles.nth(index).is_visible():
            toggles.nth(index).click()
    link.click()
