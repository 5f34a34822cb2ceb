"""Journey 9: every destination of every role is reachable from visible navigation, at 320, 360,
768, 1366 and 1920 px, with no sideways scrolling and no menu item cut off.

The menu is built from one list (webapp/core/nav.py). The lists below are written out by hand on
purpose: a page dropped from the menu (or never added) fails here.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from webapp.core.nav import endpoints_for

WIDTHS = (320, 360, 768, 1366, 1920)
HEIGHT = 800

FIELD_PAGES = [
    "/field/new", "/field/mine", "/patrols/", "/activities/", "/walks/", "/help/install",
    "/review/map", "/measures/", "/activities/follow-ups", "/promises/",
]  # fmt: skip
EXPECTED: dict[str, list[str]] = {
    "polis": ["/", *FIELD_PAGES],
    # Every patrol activity of the demo is police work: staff get no patrol page to start one.
    "kommun": ["/", *[p for p in FIELD_PAGES if p != "/patrols/"]],
    "samordnare": [
        "/", *FIELD_PAGES, "/review/", "/reports/", "/reports/weekly", "/citizen/reports/",
        "/citizen/surveys/", "/admin/audit", "/admin/exports", "/admin/webhooks",
    ],
    "admin": ["/", "/admin/users", "/admin/audit", "/admin/open311-keys", "/help/install"],
}  # fmt: skip
ROLES = {"polis": "officer", "kommun": "staff", "samordnare": "coordinator", "admin": "admin"}

# One round trip per check: the page never scrolls sideways; what sticks out, if it does.
PAGE_WIDTH = """() => {
  const clipped = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    wide: [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e))
      .slice(0, 5)
      .map((e) => `${e.tagName}.${e.className} right=${e.getBoundingClientRect().right}`),
  };
}"""


def assert_no_sideways_scroll(page: Page, where: str) -> None:
    m = page.evaluate(PAGE_WIDTH)
    assert m["scrollWidth"] <= m["innerWidth"], f"{where}: the page scrolls sideways: {m}"


def assert_inside_viewport(page: Page, locator, where: str) -> None:  # type: ignore[no-untyped-def]
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.viewport_size["width"]  # type: ignore[index]
    assert box is not None, where
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, f"{where} is cut off: {box}"
    assert box["y"] >= 0, f"{where} is above the page: {box}"


def visible_menu_links(page: Page, width: int) -> list[str]:
    """Open each group of the menu like a person, check every link is whole, return the hrefs."""
    nav = page.get_by_role("navigation", name=re.compile("^(Huvudmeny|Main menu)$"))
    found = []
    start = nav.get_by_role("link", name=re.compile("^Start$"))
    assert_inside_viewport(page, start, f"'Start' at {width} px")
    found.append(start.get_attribute("href"))
    for summary in nav.locator("summary").all():
        assert_inside_viewport(page, summary, f"group {summary.inner_text()!r} at {width} px")
        summary.click()
        links = summary.locator("xpath=..").get_by_role("link")
        assert links.count(), f"group {summary.inner_text()!r} opened empty"
        for link in links.all():
            assert_inside_viewport(page, link, f"{link.inner_text()!r} at {width} px")
            found.append(link.get_attribute("href"))
        assert_no_sideways_scroll(page, f"menu group {summary.inner_text()!r} open at {width} px")
        page.keyboard.press("Escape")
        expect(links.first).to_be_hidden()
    return found


def visit_each(page: Page, hrefs: list[str], width: int) -> None:
    """Follow every menu link once, through the menu, and check the page it leads to."""
    nav = page.get_by_role("navigation", name=re.compile("^(Huvudmeny|Main menu)$"))
    for href in hrefs:
        link = nav.locator(f"a[href='{href}']").first
        if not link.is_visible():
            link.locator("xpath=ancestor::details/summary").click()
        link.click()
        page.wait_for_url(f"**{href}")
        expect(page.locator("h1")).to_have_count(1)
        assert "500" not in page.title() and "403" not in page.title(), f"{href}: {page.title()}"
        assert_no_sideways_scroll(page, f"{href} at {width} px")


@pytest.mark.parametrize("username", list(EXPECTED))
def test_every_destination_is_in_the_menu_at_every_width(people, demo, username: str) -> None:
    person = people(username, phone=False)
    person.log_in(username)
    page = person.page
    expected = EXPECTED[username]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        assert_no_sideways_scroll(page, f"start page at {width} px")
        hrefs = visible_menu_links(page, width)
        missing = [p for p in expected if p not in hrefs]
        assert not missing, f"{username} at {width} px: not in the visible menu: {missing}"
        assert len(hrefs) == len(set(hrefs)), f"{username}: a page is in the menu twice: {hrefs}"
        if width in (360, 1366):
            page.locator(".mainnav summary").first.click()
            person.shot(f"09-menu-{username}-{width}", full_page=False)
            page.keyboard.press("Escape")
    # What the menu shows is the one list in the code, nothing more, nothing twice.
    with demo.test_request_context():
        assert len(endpoints_for(ROLES[username])) + 1 == len(hrefs)  # + "Start"
    if username == "kommun":
        assert "/patrols/" not in hrefs
    page.set_viewport_size({"width": 360, "height": HEIGHT})
    visit_each(page, [h for h in hrefs if h != "/"], 360)


# A resident has no account and no main menu: the public pages, the footer and the brand link
# lead to each other. Each step: the link is visible and whole, then it is followed.
RESIDENT_ROUND = ["/report", "/feedback", "/"]  # "/" sends a resident to the login page


def test_a_resident_reaches_the_public_pages_at_every_width(people) -> None:
    page = people("resident", phone=False).page
    page.goto("/")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        expect(page.get_by_role("heading", name=re.compile("^(Logga in|Log in)$"))).to_be_visible()
        for href in RESIDENT_ROUND:
            assert_no_sideways_scroll(page, f"{page.url} at {width} px")
            link = page.locator(
                f"header a[href='{href}'], nav a[href='{href}'], footer a[href='{href}']"
            )
            link = link.locator("visible=true").first
            assert_inside_viewport(page, link, f"link to {href} on {page.url} at {width} px")
            link.click()
            page.wait_for_url(re.compile(re.escape(href) + "$" if href != "/" else r"/login"))
