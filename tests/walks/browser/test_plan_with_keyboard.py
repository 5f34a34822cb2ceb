"""Planning a walk without a pointer: the map moves with the arrow keys, the route's points and
the stops go where the cross in its middle is (Enter on the map or a button), and "Flytta hit"
moves a stop there. Also: new stops' default names stay unique, and with the route tool a tap
on a stop's pin adds a route point at the stop instead of opening its popup."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.walks.browser.test_plan_map_editing import PINS, _edit, _head, _open, _stored_stops
from tests.walks.helpers import STOPS, make_walk
from webapp.extensions import db
from webapp.walks.models import SafetyWalk

pytestmark = pytest.mark.browser

IS_FOCUSED = "element => element === document.activeElement"


def _tab_to(page, target, *, back: bool = False, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Tab (or Shift+Tab) until `target` has the keyboard, as a person does, looking."""
    for _ in range(limit):
        if target.evaluate(IS_FOCUSED):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {target}")


def _press(page, key: str, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        page.keyboard.press(key)
        # The map glides (Leaflet takes no arrow key meanwhile): a person waits till it stands.
        page.wait_for_timeout(350)


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    north = math.radians(b[0] - a[0]) * 6_371_000
    east = math.radians(b[1] - a[1]) * 6_371_000 * math.cos(math.radians(a[0]))
    return math.hypot(north, east)


def test_a_walk_is_planned_with_the_keyboard_alone(browser, live_server, app, coordinator):
    context, page, net, errors = _open(
        browser, live_server, app, 1366, is_mobile=False, has_touch=False
    )
    try:
        page.goto("/walks/")
        plan = page.get_by_role("link", name="Planera en trygghetsvandring")
        _tab_to(page, plan)
        page.keyboard.press("Enter")
        name = page.get_by_label("Namn")
        _tab_to(page, name)
        page.keyboard.type("Kvällsvandring med tangentbord")
        # The date's parts stand in the order of the browser's language: ArrowDown in each empty
        # part gives the last day of this year, whatever the order (never in the past).
        _tab_to(page, page.get_by_label("Datum"))
        for _part in range(3):
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Tab")
        _tab_to(page, page.get_by_label("Börjar"))
        page.keyboard.type("1900")
        expect(page.get_by_label("Datum")).to_have_value(f"{date.today().year}-12-31")
        expect(page.get_by_label("Börjar")).to_have_value("19:00")
        centre = tuple(json.loads(page.locator("#walk-plan-data").text_content())["map"]["center"])

        # The first point where the map stands: Enter on the map (the route tool is chosen).
        plan_map = page.locator("#walk-plan-map")
        expect(page.get_by_role("button", name="Sträcka", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        _tab_to(page, plan_map)
        page.keyboard.press("Enter")
        status = page.locator("#walk-form").get_by_role("status")
        expect(status).to_have_text("Punkt 1 har lagts till på sträckan.")
        expect(page.locator("#walk-form-errors")).to_have_count(0)  # Enter did not send the form

        # The map moved east with the arrow keys; the second point by its button, with Space.
        _press(page, "ArrowRight", 3)
        _tab_to(page, page.get_by_role("button", name="Lägg till punkt vid krysset"))
        page.keyboard.press("Space")
        expect(page.locator("[data-route-length]")).to_contain_text("Sträckans längd")
        expect(status).to_have_text("Punkt 2 har lagts till på sträckan.")

        # A stop at the same place, then moved south with "Flytta hit".
        _tab_to(page, page.get_by_role("button", name="Lägg till stopp vid krysset"))
        page.keyboard.press("Enter")
        names = page.get_by_label("Stoppets namn")
        expect(names).to_have_count(1)
        expect(names.first).to_have_value("Stopp 1")
        expect(status).to_have_text("Stoppet ”Stopp 1” har lagts till, nummer 1 i listan.")
        expect(page.locator(PINS)).to_have_count(1)
        placed = json.loads(page.locator("#stops-input").input_value())[0]
        _tab_to(page, plan_map, back=True)
        _press(page, "ArrowDown", 2)
        here = page.get_by_role("button", name="Flytta hit Stopp 1", exact=True)
        _tab_to(page, here)
        page.keyboard.press("Enter")
        expect(status).to_have_text("Stopp 1 har flyttats till krysset.")
        expect(here).to_be_focused()  # the list was drawn anew; the keyboard kept its place
        # The pin's tip stands at the cross.
        pin, box = page.locator(PINS).bounding_box(), plan_map.bounding_box()
        assert pin and box
        assert abs(pin["x"] + pin["width"] / 2 - (box["x"] + box["width"] / 2)) < 3
        assert abs(pin["y"] + pin["height"] - (box["y"] + box["height"] / 2)) < 3
        # Undone with the keyboard too, and done again.
        _tab_to(page, page.get_by_role("button", name="Ångra", exact=True), back=True)
        page.keyboard.press("Enter")
        moved_back = json.loads(page.locator("#stops-input").input_value())[0]
        assert (moved_back["lat"], moved_back["lon"]) == (placed["lat"], placed["lon"])
        _tab_to(page, here)
        page.keyboard.press("Enter")

        _tab_to(page, page.get_by_role("button", name="Spara", exact=True))
        page.keyboard.press("Enter")
        expect(page.get_by_text("Vandringen är planerad")).to_be_visible()
        expect(page.get_by_role("heading", name="Kvällsvandring med tangentbord")).to_be_visible()

        with app.app_context():
            walk = db.session.execute(db.select(SafetyWalk)).scalar_one()
            walk_id, route = walk.id, walk.route["coordinates"]
        (lon1, lat1), (lon2, lat2) = route
        assert _metres((lat1, lon1), centre) < 1  # where the map stood when the page opened
        assert lat2 == pytest.approx(lat1, abs=1e-6)  # straight east: ArrowRight
        assert 150 < _metres((lat1, lon1), (lat2, lon2)) < 500
        [stop] = _stored_stops(app, walk_id)
        assert stop.name == "Stopp 1"
        assert stop.lon == pytest.approx(lon2, abs=1e-6)  # straight south of point 2: ArrowDown
        assert 100 < _metres((lat2, lon2), (stop.lat, stop.lon)) < 400
        assert stop.lat < lat2

        # Opened again, the plan is what was saved; "Avbryt" leads back to the walk.
        edit = page.get_by_role("link", name="Ändra", exact=True)
        _tab_to(page, edit)
        page.keyboard.press("Enter")
        expect(names).to_have_count(1)
        expect(names.first).to_have_value("Stopp 1")
        expect(page.locator(PINS)).to_have_count(1)
        expect(page.locator("[data-route-length]")).to_contain_text("Sträckans längd")
        assert json.loads(page.locator("#route-input").input_value())["coordinates"] == route
        _tab_to(page, page.get_by_role("link", name="Avbryt", exact=True))
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{live_server}/walks/{walk_id}")
        expect(page.get_by_role("heading", name="Kvällsvandring med tangentbord")).to_be_visible()
        expect(page.get_by_text("Stopp 1").first).to_be_visible()
    finally:
        context.close()
    assert net.leaks == [] and errors == []


def test_new_stops_get_unique_names_and_a_tap_on_a_pin_adds_a_route_point_there(
    browser, live_server, app, coordinator
):
    walk = make_walk(app, coordinator.id)
    context, page, net, errors = _open(
        browser, live_server, app, 1366, is_mobile=False, has_touch=False
    )
    try:
        _edit(page, walk.id)
        names = page.get_by_label("Stoppets namn")
        add_stop = page.get_by_role("button", name="Lägg till stopp vid krysset")
        add_stop.click()
        expect(names.nth(3)).to_have_value("Stopp 4")
        # With one removed, the count alone named the next one "Stopp 4" as well.
        page.get_by_role("button", name="Ta bort Stortorget", exact=True).click()
        add_stop.click()
        expect(names).to_have_count(4)
        expect(names.nth(3)).to_have_value("Stopp 5")

        # The route tool is chosen: a tap on a pin adds a route point at that stop.
        page.locator("#walk-plan-map").scroll_into_view_if_needed()
        page.mouse.click(*_head(page, 0))  # Busstationen
        page.wait_for_timeout(350)  # not a double click
        page.mouse.click(*_head(page, 1))  # Parken
        expect(page.locator("[data-route-length]")).to_contain_text("Sträckans längd")
        route = json.loads(page.locator("#route-input").input_value())["coordinates"]
        assert route == [[lon, lat] for _, lat, lon in STOPS[1:]]
        expect(page.locator(".leaflet-popup")).to_have_count(0)
        # With the stop tool the tap shows which stop it is, and adds nothing.
        page.get_by_role("button", name="Stopp", exact=True).click()
        page.mouse.click(*_head(page, 0))
        expect(page.locator(".leaflet-popup")).to_contain_text("1. Busstationen")
        expect(names).to_have_count(4)
    finally:
        context.close()
    assert net.leaks == [] and errors == []
