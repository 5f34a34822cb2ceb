"""Everything by keyboard, with a visible focus, in a sensible order; status messages announced.

Only the keyboard is used here: Tab, Shift+Tab, arrows, Space and Enter, never a click.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.a11y.conftest import OpenAs
from tests.a11y.world import PERSONAS, World
from tests.browser.helpers import poll
from webapp.extensions import db
from webapp.observations.models import Observation

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  return { tag: e.tagName.toLowerCase(), id: e.id, name: e.name || "", value: e.value || "",
           text: (e.textContent || "").trim().slice(0, 40), href: e.getAttribute("href") || "" };
}"""

# Something visible marks the focused element: an outline, a ring (box-shadow), or, for the
# invisible radios covering their labels, the label's outline.
FOCUS_VISIBLE = """() => {
  const e = document.activeElement;
  const shows = (el) => {
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    return outline || (s.boxShadow && s.boxShadow !== "none");
  };
  if (shows(e)) return true;
  const label = e.closest("label");
  return !!label && shows(label);
}"""


def tab_to(page: Page, selector: str, *, limit: int = 60, backwards: bool = False) -> int:
    """Press Tab until `selector` has the focus; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} never got the focus in {limit} presses of Tab")


def test_logging_in_by_keyboard(world: World, open_as: OpenAs) -> None:
    page = open_as("anonymous", "/login").page
    tab_to(page, "#username")
    page.keyboard.type(PERSONAS["staff"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(world.password)
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-user-id", re.compile(r"^\d+$"))


def test_the_skip_link_is_first_visible_when_focused_and_jumps_to_the_content(
    open_as: OpenAs,
) -> None:
    page = open_as("officer", "/field/new").page
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] >= 44, "the skip link stays off screen"
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_main_menu_works_by_keyboard(open_as: OpenAs) -> None:
    page = open_as("coordinator", "/").page
    # The pages sit in groups: Tab to the group's name, Enter opens it, Tab reaches its links.
    tab_to(page, ".navgroup[data-group='follow_up'] > summary")
    assert page.evaluate(FOCUS_VISIBLE), "no visible focus on the menu group"
    page.keyboard.press("Enter")
    tab_to(page, ".mainnav a[href='/measures/']", limit=5)
    assert page.evaluate(FOCUS_VISIBLE), "no visible focus on the menu link"
    box = page.locator(".mainnav a[href='/measures/']").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    # Escape closes the group and gives the focus back to its name.
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    expect(page.locator(".mainnav a[href='/measures/']")).to_be_hidden()
    page.keyboard.press("Enter")
    tab_to(page, ".mainnav a[href='/measures/']", limit=5)
    page.keyboard.press("Enter")
    page.wait_for_url("**/measures/")
    expect(page.locator("h1")).to_be_visible()


def test_saving_an_observation_by_keyboard_only(
    world: World, open_as: OpenAs, _session_app: Flask
) -> None:
    page = open_as("officer", "/field/new").page
    expect(page.locator("#gps-status")).to_have_attribute("data-state", re.compile("fix"))
    order = []
    # Focus walks down the page: menu, map, the category group (one Tab stop), "More", Save.
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert page.evaluate(FOCUS_VISIBLE), f"no visible focus on {focused}"
        order.append(focused)
        if focused["name"] == "category":
            break
    else:
        raise AssertionError("Tab never reached the categories")
    assert order[0]["href"] == "#main", "the skip link comes first"
    # Arrow keys move between the radios; Space would tick the focused one.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate("document.activeElement.value")
    assert page.locator(f"input[name=category][value='{chosen}']").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "obs-save"
    assert page.evaluate(FOCUS_VISIBLE)
    page.keyboard.press("Enter")
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", re.compile("queued|sent"))
    assert status.get_attribute("role") == "status"
    assert status.inner_text().strip(), "the result is not announced"

    def stored() -> list[str]:
        with _session_app.app_context():
            return list(
                db.session.scalars(
                    db.select(Observation.category_code).where(
                        Observation.author_id == world.users["officer"]
                    )
                )
            )

    poll(page, "() => document.getElementById('save-status').dataset.state === 'sent'")
    assert chosen in stored()


def test_status_messages_are_live_regions(open_as: OpenAs) -> None:
    page = open_as("officer", "/field/new").page
    for selector in ("#net-status", "#outbox-announcer", "#save-status"):
        region = page.locator(selector)
        assert region.get_attribute("role") == "status" or region.get_attribute("aria-live"), (
            f"{selector} is not announced"
        )
    assert page.locator("#gps-status").get_attribute("aria-live") == "polite"
    for selector in ("#gps-warning", "#form-error", "#relogin-banner"):
        assert page.locator(selector).get_attribute("role") == "alert"


def test_going_offline_and_sending_later_are_announced(open_as: OpenAs) -> None:
    opened = open_as("officer", "/field/new")
    page = opened.page
    expect(page.locator("#gps-status")).to_have_attribute("data-state", re.compile("fix"))
    opened.net.offline = True
    opened.context.set_offline(True)
    expect(page.locator("#net-status .net-indicator")).to_have_text("Ingen anslutning")
    page.locator("input[name=category]").first.focus()
    page.keyboard.press("Space")
    page.locator("#obs-save").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "queued")
    expect(page.locator("#save-status")).to_contain_text("skickas när det finns nät")

    opened.net.offline = False
    opened.context.set_offline(False)
    expect(page.locator("#net-status .net-indicator")).to_have_text("Uppkopplad")
    # The sync result is said in the shared status region.
    expect(page.locator("#outbox-announcer")).to_contain_text("har skickats", timeout=20_000)
