"""The walk's map on its page: the route and stops read in light and dark mode, and the places
participants marked lie above the stops, where they can be seen and tapped."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in
from tests.walks.helpers import STOPS, join, make_walk, post_spot, spot

pytestmark = pytest.mark.browser

# The map's background where no tile is drawn (tests never fetch tiles): Leaflet's light grey,
# and app.css's dark grey in dark mode.
MAP_BACKGROUND = {"light": (0xDD, 0xDD, 0xDD), "dark": (0x26, 0x32, 0x3D)}

# WCAG 2.1 non-text contrast (1.4.11): 3:1 for the parts of a graphic needed to understand it.
CONTRAST_JS = """
([selector, property]) => {
  const element = document.querySelector(selector);
  const value = getComputedStyle(element)[property];
  return value.match(/[\\d.]+/g).slice(0, 3).map(Number);
}
"""


HIT_JS = "([x, y]) => (document.elementFromPoint(x, y) || {}).outerHTML || ''"


def _settled_box(page, locator) -> dict:  # type: ignore[no-untyped-def]
    """The element's box once the map has stopped moving (fitBounds may still be animating)."""
    last = None
    for _attempt in range(40):
        box = locator.bounding_box()
        if box is not None and box == last:
            return box
        last = box
        page.wait_for_timeout(100)
    raise AssertionError(f"the map did not settle: {last}")


def _luminance(rgb: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _walk_page(browser, live_server, app, walk_id: int, scheme: str, width: int = 360):  # type: ignore[no-untyped-def]
    net = BrowserNet(tile_host=tile_host(app))
    context = new_phone_context(
        browser, live_server, net, viewport={"width": width, "height": 800}, color_scheme=scheme
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "coordinator")
    page.goto(f"/walks/{walk_id}")
    expect(page.locator("#walk-view-map .stop-pin")).to_have_count(len(STOPS))
    return context, page, net, errors


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_route_and_the_stops_stand_out_from_the_map_in_both_themes(
    browser, live_server, app, coordinator, scheme
):
    route = {"type": "LineString", "coordinates": [[lon, lat] for _, lat, lon in STOPS]}
    walk = make_walk(app, coordinator.id, route=route)
    context, page, net, errors = _walk_page(browser, live_server, app, walk.id, scheme)
    try:
        background = MAP_BACKGROUND[scheme]
        shown = page.evaluate(CONTRAST_JS, ["#walk-view-map", "backgroundColor"])
        assert tuple(shown) == background
        line = page.evaluate(CONTRAST_JS, ["#walk-view-map path.walk-route", "stroke"])
        assert _contrast(line, background) >= 3, (scheme, line)
        pin = page.evaluate(CONTRAST_JS, ["#walk-view-map .stop-pin", "backgroundColor"])
        assert _contrast(pin, background) >= 3, (scheme, pin)
        number = page.evaluate(CONTRAST_JS, ["#walk-view-map .stop-pin", "color"])
        assert _contrast(number, pin) >= 4.5, (scheme, number, pin)
    finally:
        context.close()
    assert net.leaks == [] and errors == []


def test_marked_places_lie_above_the_stops_and_open_when_tapped(
    browser, live_server, app, coordinator
):
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    _, lat, lon = STOPS[0]  # marked while standing at the first stop (mid-map)
    payload = spot(lat=lat, lon=lon, note="Trasig lampa vid busskuren")
    assert post_spot(phone, walk.id, payload).status_code == 201
    context, page, net, errors = _walk_page(browser, live_server, app, walk.id, "light")
    try:
        marked = page.locator("#walk-view-map path.walk-spot")
        expect(marked).to_have_count(1)
        page.locator("#walk-view-map").scroll_into_view_if_needed()
        box = _settled_box(page, marked)
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        # The whole circle is on top: its middle and four points near its rim (the stop's pin
        # stands right above it, its tip on the same place).
        for dx, dy in ((0, 0), (0, -5), (0, 5), (-5, 0), (5, 0)):
            hit = page.evaluate(HIT_JS, [x + dx, y + dy])
            assert "walk-spot" in hit, (dx, dy, hit)
        page.mouse.click(x, y)
        expect(page.locator(".leaflet-popup")).to_contain_text("Trasig lampa vid busskuren")
        # The stop under it still shows its number and still opens.
        page.locator(".leaflet-popup-close-button").click()
        expect(page.locator(".leaflet-popup")).to_have_count(0)
        stop = page.locator("#walk-view-map .stop-pin").first
        expect(stop).to_have_text("1")
        stop.click()
        expect(page.locator(".leaflet-popup")).to_contain_text(f"1. {STOPS[0][0]}")
    finally:
        context.close()
    assert net.leaks == [] and errors == []
