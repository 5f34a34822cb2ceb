"""A stop's name in the walk's plan keeps the width of the list, at a desk as on a phone.

At 1366 px the four buttons of each stop ("Flytta hit", "Flytta upp", "Flytta ned", "Ta bort")
stood beside its name and left the name field about 190 px: "Gångvägen mot skolan" was cut.
The buttons now go under the name, as they fit.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in
from tests.walks.helpers import STOPS, make_walk

pytestmark = pytest.mark.browser

LONG_NAME = "Gångvägen mot skolan vid Kolsnäs"


@pytest.mark.parametrize("width", [360, 1366])
def test_a_stops_name_keeps_the_lists_width_with_its_buttons_under_it(
    browser, live_server, app, coordinator, width
):
    walk = make_walk(app, coordinator.id)
    context = new_phone_context(
        browser, live_server, BrowserNet(tile_host=tile_host(app)),
        viewport={"width": width, "height": 800},
    )  # fmt: skip
    page = context.new_page()
    try:
        log_in(page, "coordinator")
        page.goto(f"/walks/{walk.id}")
        page.get_by_role("link", name="Ändra", exact=True).click()
        names = page.get_by_label("Stoppets namn")
        expect(names).to_have_count(len(STOPS))
        names.nth(1).fill(LONG_NAME)
        names.nth(1).scroll_into_view_if_needed()

        list_box = page.locator("#stop-list").bounding_box()
        assert list_box is not None
        for index in range(len(STOPS)):
            name = names.nth(index).bounding_box()
            assert name is not None
            # The whole width but the stop's number beside it.
            assert name["width"] >= list_box["width"] - 48, (index, name, list_box)
            stop_name = STOPS[index][0] if index != 1 else LONG_NAME
            here = page.get_by_role("button", name=f"Flytta hit {stop_name}", exact=True)
            button = here.bounding_box()
            assert button is not None and button["y"] >= name["y"] + name["height"]
            assert button["x"] + button["width"] <= list_box["x"] + list_box["width"]
        if width >= 1366:  # at a desk the long name is read whole, not cut at the field's edge
            cut = names.nth(1).evaluate("field => field.scrollWidth > field.clientWidth")
            assert not cut
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
