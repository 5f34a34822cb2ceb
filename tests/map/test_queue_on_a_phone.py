"""The review queue on a 360 x 740 phone, as a coordinator uses it in the rain: ticking rows
far down the list leaves the action bar one short line under the top bar (it took a third of
the screen), every target takes a thumb, nothing scrolls sideways, and the actions work by
tapping them, with the keyboard, and without a script."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in
from tests.map.helpers import add_observation

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
MAX_BAR_SHARE = 0.2  # of the window's height, with rows ticked

LAYOUT = """() => {
  const box = (e) => e.getBoundingClientRect();
  const bar = box(document.getElementById("bulk-actions"));
  const small = (e) => { const r = box(e); return r.width > 0 && (r.width < 44 || r.height < 44); };
  const name = (e) => e.textContent.trim().replace(/\\s+/g, " ");
  return {
    barTop: bar.top, barHeight: bar.height,
    topbarBottom: box(document.querySelector(".topbar")).bottom,
    sideways: document.documentElement.scrollWidth > innerWidth,
    // What a thumb must hit: the tabs, the bar's controls, each row's box, the pager.
    tooSmall: [...document.querySelectorAll(
        ".queue-tabs a, #bulk-actions button, #bulk-actions summary, .tick-target, .pager .btn")]
      .filter(small).map(name),
    // Anything of the queue reaching past the window's edges.
    cutOff: [...document.querySelectorAll(
        "main h1, .queue-tabs a, #bulk-actions *, tbody td, .pager")]
      .filter((e) => {
        const r = box(e);
        return r.width > 0 && (r.left < 0 || r.right > innerWidth + 0.5);
      })
      .map((e) => e.className || e.tagName),
  };
}"""


def _queue_on_a_phone(browser, live_server, app, officer, *, javascript: bool = True) -> Page:  # type: ignore[no-untyped-def]
    with app.app_context():
        for hour in range(30):
            add_observation(officer, note=f"Iakttagelse {hour}", hours_ago=hour + 1)
    context = new_phone_context(
        browser, live_server, BrowserNet(tile_host=tile_host(app)),
        java_script_enabled=javascript, **PHONE,
    )  # fmt: skip
    page = context.new_page()
    log_in(page, "coordinator")
    # The start page leads a coordinator to the queue first.
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^Granskning\b")).tap()
    expect(page.get_by_role("heading", name="Att granska")).to_be_visible()
    page.wait_for_load_state("load")  # review.css applied: the boxes are where they stay
    return page


def _tap_centre(page: Page, locator) -> None:  # type: ignore[no-untyped-def]
    """A thumb on what the eye sees (locator.tap() first scrolls a sticky bar's control "into
    view", which moves the page under it)."""
    box = locator.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_ticking_far_down_leaves_a_one_line_bar_whose_actions_work_by_tap_and_keyboard(
    browser, live_server, app, officer, coordinator
):
    page = _queue_on_a_phone(browser, live_server, app, officer)
    layout = page.evaluate(LAYOUT)
    assert not layout["sideways"] and not layout["cutOff"], layout
    assert not layout["tooSmall"], f"smaller than 44 px: {layout['tooSmall']}"

    rows = page.locator("tbody tr")
    notes = [rows.nth(i).get_by_role("link").inner_text() for i in (0, 1, 20)]
    # The whole left edge of a card ticks it, not only the 22 px box at its top.
    edge = rows.nth(0).locator(".tick-target").bounding_box()
    page.touchscreen.tap(edge["x"] + edge["width"] / 2, edge["y"] + edge["height"] - 8)
    expect(rows.nth(0).get_by_role("checkbox")).to_be_checked()
    rows.nth(1).get_by_role("checkbox").tap()
    far = rows.nth(20).get_by_role("checkbox")
    far.scroll_into_view_if_needed()
    far.tap()

    bar = page.get_by_role("group", name="Med de markerade iakttagelserna")
    expect(bar.get_by_role("status")).to_have_text("3 markerade")
    main = bar.get_by_role("button", name="Markera som granskad")
    expect(main).to_be_in_viewport()
    down = page.evaluate(LAYOUT)
    assert abs(down["barTop"] - down["topbarBottom"]) < 2, down  # stuck under the top bar
    assert down["barHeight"] <= MAX_BAR_SHARE * 740, (
        f"the bar takes {down['barHeight'] / 740:.0%} of the screen"
    )
    assert not down["sideways"] and not down["tooSmall"], down

    # The rest of the actions fold under "Fler"; they drop over the rows, the bar keeps its size.
    more = bar.get_by_text("Fler", exact=True)
    closed = bar.get_by_role("button", name="Markera som avslutad")
    expect(closed).to_be_hidden()
    _tap_centre(page, more)
    expect(closed).to_be_in_viewport()
    expect(
        bar.get_by_role("button", name="Ny åtgärd av de markerade iakttagelserna")
    ).to_be_visible()
    opened = page.evaluate(LAYOUT)
    assert opened["barHeight"] == down["barHeight"] and not opened["sideways"], opened
    _tap_centre(page, more)
    expect(closed).to_be_hidden()

    # By keyboard: the next step, then "Fler", which opens with Enter and folds with Escape.
    main.focus()
    page.keyboard.press("Tab")
    summary = bar.locator("summary", has_text="Fler")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(closed).to_be_focused()
    page.keyboard.press("Escape")
    expect(closed).to_be_hidden()
    expect(summary).to_be_focused()

    _tap_centre(page, main)
    expect(page.locator(".flash-success")).to_contain_text("3 iakttagelser har uppdaterats")
    for note in notes:  # out of the queue of new records
        expect(page.get_by_role("link", name=note, exact=True)).to_have_count(0)
    tabs = page.get_by_role("navigation", name="Granskningsstatus")
    tabs.get_by_role("link", name=re.compile(r"^granskad \(3\)$")).tap()
    for note in notes:  # and where the coordinator looks for them next
        expect(page.get_by_role("link", name=note, exact=True)).to_be_visible()
    assert not page.evaluate(LAYOUT)["sideways"]
    page.context.close()


def test_without_a_script_the_folded_actions_open_and_post(
    browser, live_server, app, officer, coordinator
):
    page = _queue_on_a_phone(browser, live_server, app, officer, javascript=False)
    row = page.locator("tbody tr").nth(2)
    note = row.get_by_role("link").inner_text()
    row.get_by_role("checkbox").tap()
    bar = page.get_by_role("group", name="Med de markerade iakttagelserna")
    page.mouse.wheel(0, 600)  # the bar sticks under the top bar by CSS alone
    layout = page.evaluate(LAYOUT)
    assert layout["barHeight"] <= MAX_BAR_SHARE * 740, layout  # the legend shows: two lines
    assert not layout["sideways"] and not layout["tooSmall"], layout

    _tap_centre(page, bar.get_by_text("Fler", exact=True))
    _tap_centre(page, bar.get_by_role("button", name="Markera som avslutad"))
    expect(page.locator(".flash-success")).to_contain_text("1 iakttagelse har uppdaterats")
    page.get_by_role("navigation", name="Granskningsstatus").get_by_role(
        "link", name=re.compile(r"^avslutad \(1\)$")
    ).tap()
    expect(page.get_by_role("link", name=note, exact=True)).to_be_visible()
    page.context.close()
