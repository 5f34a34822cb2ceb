"""Steps every journey shares."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

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


def log_out_in_another_tab(context) -> None:  # type: ignore[no-untyped-def]
    """Another tab of the same phone logs out (a colleague borrowed it, or the session ran out)."""
    other = context.new_page()
    other.goto("/")
    other.get_by_role("button", name="Logga ut").click()
    expect(other.get_by_label("Användarnamn")).to_be_visible()
    other.close()


# The menu's first word and the page's heading start at the same x: the menu sits over the page
# it leads to, on narrow pages and on the wide ones (reports, the map, a walk's review).
MENU_OFFSET = """() => {
  const start = document.querySelector(".mainnav-bar a");
  const heading = document.querySelector("main h1");
  const text = start.getBoundingClientRect().left + parseFloat(getComputedStyle(start).paddingLeft);
  return {offset: text - heading.getBoundingClientRect().left, width: window.innerWidth};
}"""


def assert_menu_over_page(page: Page) -> None:
    expect(page.locator("main h1")).to_be_visible()  # the page it leads to has arrived
    m = page.evaluate(MENU_OFFSET)
    assert abs(m["offset"]) <= 2, f"{page.url}: the menu starts {m['offset']:.0f} px off: {m}"
