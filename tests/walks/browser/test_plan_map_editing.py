"""Planning a walk on the map as a coordinator does: a stop's pin dragged with the mouse lands
where it was dropped (and stays there after saving), and on a phone every change to the route
and the stops can be taken back with "Ångra", one at a time."""

from __future__ import annotations

import json
import math

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in
from tests.walks.helpers import STOPS, make_walk
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkStop

pytestmark = pytest.mark.browser

PINS = "#walk-plan-map .stop-pin"
HIT_JS = "([x, y]) => { const e = document.elementFromPoint(x, y); return e ? e.className : ''; }"


# ---- where a pin's tip is, in the page and on the earth ---------------------------------------


def _project(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator (the map's projection) in world widths: x east, y south."""
    sine = math.sin(math.radians(lat))
    return (lon + 180) / 360, 0.5 - math.log((1 + sine) / (1 - sine)) / (4 * math.pi)


def _unproject(x: float, y: float) -> tuple[float, float]:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y)))), x * 360 - 180


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    north = math.radians(b[0] - a[0]) * 6_371_000
    east = math.radians(b[1] - a[1]) * 6_371_000 * math.cos(math.radians(a[0]))
    return math.hypot(north, east)


def _tips(page) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    """The tip of every stop's pin (the bottom corner of the turned drop) from the map's top
    left corner (buttons above the map may scroll the page), once the map is still."""
    last = None
    for _attempt in range(40):
        corner = page.locator("#walk-plan-map").bounding_box()
        boxes = [pin.bounding_box() for pin in page.locator(PINS).all()]
        tips = [
            (b["x"] + b["width"] / 2 - corner["x"], b["y"] + b["height"] - corner["y"])
            for b in boxes
            if b
        ]
        if tips and tips == last:
            return tips
        last = tips
        page.wait_for_timeout(100)
    raise AssertionError(f"the map did not settle: {last}")


def _head(page, index: int = 0) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Where a person takes hold of a pin: the middle of its round head, in the page."""
    head = page.locator(PINS).nth(index).bounding_box()
    assert head is not None
    point = (head["x"] + head["width"] / 2, head["y"] + head["height"] / 2)
    assert "stop-pin" in page.evaluate(HIT_JS, list(point))  # the pin is under the finger
    return point


def _tap_map(page, fx: float, fy: float) -> None:  # type: ignore[no-untyped-def]
    box = page.locator("#walk-plan-map").bounding_box()
    assert box is not None
    page.touchscreen.tap(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def _expect_names(names, order: list[str]) -> None:  # type: ignore[no-untyped-def]
    expect(names).to_have_count(len(order))
    for index, name in enumerate(order):
        expect(names.nth(index)).to_have_value(name)


def _place_at(tip, reference_tips, references):  # type: ignore[no-untyped-def]
    """The place under a point of the page, from two pins whose places are known."""
    (t1, t2), (r1, r2) = reference_tips, [_project(*place) for place in references]
    scale = math.dist(t1, t2) / math.dist(r1, r2)  # page pixels per world width
    return _unproject(r1[0] + (tip[0] - t1[0]) / scale, r1[1] + (tip[1] - t1[1]) / scale)


def _stored_stops(app, walk_id: int) -> list[WalkStop]:  # type: ignore[no-untyped-def]
    with app.app_context():
        query = db.select(WalkStop).filter_by(walk_id=walk_id).order_by(WalkStop.position)
        stops = list(db.session.execute(query).scalars())
        for stop in stops:
            db.session.expunge(stop)
        return stops


def _open(browser, live_server, app, width: int, **options):  # type: ignore[no-untyped-def]
    net = BrowserNet(tile_host=tile_host(app))
    context = new_phone_context(
        browser, live_server, net, viewport={"width": width, "height": 800}, **options
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "coordinator")
    return context, page, net, errors


def _edit(page, walk_id: int) -> None:  # type: ignore[no-untyped-def]
    """From the walk's page to its plan, the way a coordinator goes."""
    page.goto(f"/walks/{walk_id}")
    page.get_by_role("link", name="Ändra", exact=True).click()
    expect(page.locator(PINS)).to_have_count(len(STOPS))
    page.wait_for_load_state("load")
    page.locator("#walk-plan-map").scroll_into_view_if_needed()


# ---- dragging a stop -------------------------------------------------------------------------


@pytest.mark.parametrize("width", [360, 1366])
def test_a_dragged_stop_lands_where_it_was_dropped_and_stays_there_after_saving(
    browser, live_server, app, coordinator, width
):
    walk = make_walk(app, coordinator.id)
    desktop = {"is_mobile": False, "has_touch": False} if width > 1000 else {}
    context, page, net, errors = _open(browser, live_server, app, width, **desktop)
    try:
        _edit(page, walk.id)
        before = _tips(page)
        grab = _head(page)
        dx, dy = 45, 35
        page.mouse.move(*grab)
        page.mouse.down()
        page.mouse.move(grab[0] + dx, grab[1] + dy, steps=12)
        page.mouse.up()

        after = _tips(page)
        dropped = (before[0][0] + dx, before[0][1] + dy)
        assert math.dist(after[0], dropped) < 1.5, (after[0], dropped)
        assert after[1:] == before[1:]  # the other pins stayed
        expected = _place_at(dropped, before[1:], [s[1:] for s in STOPS[1:]])
        # Nothing else changed: no stop nor route point was added by the drop.
        expect(page.get_by_label("Stoppets namn")).to_have_count(len(STOPS))
        assert page.locator("#route-input").input_value() == ""

        page.get_by_role("button", name="Spara", exact=True).click()
        expect(page.get_by_text("Sparat.")).to_be_visible()
        stored = _stored_stops(app, walk.id)
        assert [s.name for s in stored] == [s[0] for s in STOPS]
        assert _metres((stored[0].lat, stored[0].lon), expected) < 2, (stored[0], expected)
        for stop, (_, lat, lon) in zip(stored[1:], STOPS[1:], strict=True):
            assert (stop.lat, stop.lon) == (lat, lon)

        # Opened again (the map fits the stops anew): the pin stands on the place it was dropped.
        _edit(page, walk.id)
        again = _tips(page)
        shown = _place_at(again[0], again[1:], [s[1:] for s in STOPS[1:]])
        assert _metres(shown, expected) < 3, (shown, expected)
    finally:
        context.close()
    assert net.leaks == [] and errors == []


# ---- undo on a phone ---------------------------------------------------------------------------


def _touch_drag(context, page, start, end, steps: int = 10) -> None:  # type: ignore[no-untyped-def]
    """One finger pressed at start, moved to end and lifted (Playwright taps, it does not drag)."""
    cdp = context.new_cdp_session(page)
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": "touchStart", "touchPoints": [dict(zip("xy", start, strict=True))]},
    )
    for step in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * step / steps
        y = start[1] + (end[1] - start[1]) * step / steps
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def _drawing(page) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    route = page.locator("#route-input").input_value()
    stops = json.loads(page.locator("#stops-input").input_value())
    return (json.loads(route)["coordinates"] if route else []), stops


def test_on_a_phone_each_change_to_the_route_and_the_stops_can_be_undone(
    browser, live_server, app, coordinator
):
    walk = make_walk(app, coordinator.id)
    context, page, net, errors = _open(browser, live_server, app, 360)
    try:
        _edit(page, walk.id)
        undo = page.get_by_role("button", name="Ångra", exact=True)
        expect(undo).to_be_disabled()  # nothing to take back yet
        original_route, original_stops = _drawing(page)
        assert original_route == []

        # A route along a street with a bend: two of the taps come quickly, close together.
        # That was a double tap, which zoomed the map in as well.
        page.get_by_role("button", name="Sträcka", exact=True).tap()
        before = _tips(page)
        for fx, fy, wait in ((0.15, 0.7, 400), (0.35, 0.75, 150), (0.38, 0.77, 400)):
            _tap_map(page, fx, fy)
            page.wait_for_timeout(wait)
        route, _ = _drawing(page)
        assert len(route) == 3
        assert _tips(page) == before  # the map did not zoom
        length = page.locator("[data-route-length]")
        expect(length).to_contain_text("Sträckans längd")
        expect(undo).to_be_enabled()

        # "Rensa sträckan" tapped by mistake: the route comes back.
        page.get_by_role("button", name="Rensa sträckan", exact=True).tap()
        expect(length).to_have_text("")
        undo.tap()
        expect(length).to_contain_text("Sträckans längd")
        assert _drawing(page)[0] == route

        # A finger panning the map from the first stop's pin drags that stop away.
        page.locator("#walk-plan-map").scroll_into_view_if_needed()
        grab = _head(page)
        _touch_drag(context, page, grab, (grab[0] + 60, grab[1] - 50))
        moved = _drawing(page)[1][0]
        assert (moved["lat"], moved["lon"]) != (original_stops[0]["lat"], original_stops[0]["lon"])
        assert math.dist(_tips(page)[0], before[0]) > 50
        undo.tap()
        assert _drawing(page)[1] == original_stops
        assert math.dist(_tips(page)[0], before[0]) < 1

        # A stop removed from the list comes back in its place (with its id: its ratings stay).
        page.get_by_role("button", name="Ta bort Busstationen", exact=True).tap()
        names = page.get_by_label("Stoppets namn")
        _expect_names(names, ["Stortorget", "Parken"])
        undo.tap()
        _expect_names(names, [s[0] for s in STOPS])
        assert _drawing(page)[1] == original_stops

        # Undoing a new stop keeps a name typed since then.
        page.get_by_role("button", name="Stopp", exact=True).tap()
        _tap_map(page, 0.3, 0.3)
        expect(names).to_have_count(4)
        names.first.fill("Stortorget vid fontänen")
        undo.tap()
        _expect_names(names, ["Stortorget vid fontänen", "Busstationen", "Parken"])

        page.get_by_role("button", name="Spara", exact=True).click()
        expect(page.get_by_text("Sparat.")).to_be_visible()
        stored = _stored_stops(app, walk.id)
        assert [(s.id, s.name, s.lat, s.lon) for s in stored] == [
            (s["id"], "Stortorget vid fontänen" if i == 0 else s["name"], s["lat"], s["lon"])
            for i, s in enumerate(original_stops)
        ]
        with app.app_context():
            assert db.session.get(SafetyWalk, walk.id).route["coordinates"] == [
                [round(lon, 7), round(lat, 7)] for lon, lat in route
            ]
    finally:
        context.close()
    assert net.leaks == [] and errors == []


# ---- the stop list with a keyboard ---------------------------------------------------------------


def test_moving_a_stop_in_the_list_with_the_keyboard_keeps_the_place(
    browser, live_server, app, coordinator
):
    walk = make_walk(app, coordinator.id)
    context, page, net, errors = _open(
        browser, live_server, app, 1366, is_mobile=False, has_touch=False
    )
    try:
        _edit(page, walk.id)
        names = page.get_by_label("Stoppets namn")
        pins = page.locator("#walk-plan-map .stop-icon")
        # Each button names its stop ("Move down" alone, three times over, says nothing).
        page.get_by_role("button", name="Flytta ned Stortorget", exact=True).focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # still on the same stop's button, now in its new place
        _expect_names(names, ["Busstationen", "Parken", "Stortorget"])
        expect(pins.nth(2)).to_have_attribute("title", "Stortorget")  # pin 3 on the map
        page.keyboard.press("Shift+Tab")  # "Flytta upp", of the same stop
        page.keyboard.press("Enter")
        _expect_names(names, ["Busstationen", "Stortorget", "Parken"])
        # Removing one goes on to the stop that took its place.
        page.get_by_role("button", name="Ta bort Stortorget", exact=True).focus()
        page.keyboard.press("Enter")
        _expect_names(names, ["Busstationen", "Parken"])
        expect(names.nth(1)).to_be_focused()
        # Undone, one at a time; with nothing left to undo the map has the keyboard.
        undo = page.get_by_role("button", name="Ångra", exact=True)
        undo.focus()
        for order in (
            ["Busstationen", "Stortorget", "Parken"],
            ["Busstationen", "Parken", "Stortorget"],
            ["Busstationen", "Stortorget", "Parken"],
            ["Stortorget", "Busstationen", "Parken"],
        ):
            page.keyboard.press("Enter")
            _expect_names(names, order)
        expect(undo).to_be_disabled()
        expect(page.locator("#walk-plan-map")).to_be_focused()
    finally:
        context.close()
    assert net.leaks == [] and errors == []
