"""The review queue's actions in Chromium: above a long list at 1366 px and on a 360 px phone,
they stay in reach while the coordinator ticks rows further down, and ticking never moves the
rows under the pointer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in
from tests.map.helpers import add_observation

pytestmark = pytest.mark.browser

PLACES = """() => {
  const bar = document.getElementById("bulk-actions").getBoundingClientRect();
  const top = document.querySelector(".topbar").getBoundingClientRect();
  // Rows by their place on the page, not in the window: a tick may scroll the box into view.
  const rows = [...document.querySelectorAll("tbody tr")].map(
    (r) => Math.round(r.getBoundingClientRect().top + scrollY));
  return { barTop: bar.top, barBottom: bar.bottom, topbarBottom: top.bottom, rows,
           sideways: document.documentElement.scrollWidth > innerWidth };
}"""


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (360, 740)])
def test_the_actions_stay_in_reach_of_the_ticks_and_ticking_moves_no_row(
    browser, live_server, app, officer, coordinator, width, height
):
    with app.app_context():
        for hour in range(45):
            add_observation(officer, note=f"Iakttagelse {hour}", hours_ago=hour + 1)
    context = new_phone_context(
        browser, live_server, BrowserNet(tile_host=tile_host(app)),
        viewport={"width": width, "height": height}, is_mobile=width < 600, has_touch=width < 600,
    )  # fmt: skip
    page = context.new_page()
    log_in(page, "coordinator")
    page.goto("/review/")
    bar = page.get_by_role("group", name="Med de markerade iakttagelserna")
    boxes = page.get_by_role("checkbox")
    before = page.evaluate(PLACES)
    assert before["barBottom"] < before["rows"][0], "the actions stand above the rows"
    if width > 600:  # at a desk: on the first screen, next to the first boxes
        expect(bar.get_by_role("button", name="Markera som granskad")).to_be_in_viewport()

    boxes.nth(1).check()
    after = page.evaluate(PLACES)
    expect(bar.get_by_role("status")).to_have_text("1 markerad")
    assert after["rows"] == before["rows"], "a tick changed the bar's size and moved the rows"

    # Far down the list the actions wait just under the top bar.
    boxes.nth(40).scroll_into_view_if_needed()
    boxes.nth(40).check()
    down = page.evaluate(PLACES)
    expect(bar.get_by_role("status")).to_have_text("2 markerade")
    assert abs(down["barTop"] - down["topbarBottom"]) < 2, down
    expect(bar.get_by_role("button", name="Markera som granskad")).to_be_in_viewport()
    assert not down["sideways"]
    context.close()
