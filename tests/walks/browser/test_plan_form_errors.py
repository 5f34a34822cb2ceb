"""The plan form after the server sent it back: each field's error goes once the field is fixed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_a_field_error_goes_when_the_field_is_changed(phone, coordinator):
    page = phone.page
    log_in(page, "coordinator")
    page.goto("/walks/new")
    page.fill("#day", "2020-03-01")
    page.fill("#start_time", "19:00")
    # A route the server cannot read (what a stale or broken page might send).
    page.evaluate("document.getElementById('route-input').value = 'not json'")
    page.locator("#walk-form button[type=submit]").click()

    name, day = page.locator("#name"), page.locator("#day")
    expect(page.locator("#name-error")).to_be_visible()
    expect(page.locator("#day-error")).to_contain_text("bakåt i tiden")
    expect(page.locator("[data-error-for=route]")).to_be_visible()
    expect(name).to_have_attribute("aria-invalid", "true")
    page.wait_for_load_state("load")  # the page's scripts run (a person reads first)

    name.fill("Kvällsvandring i centrum")
    expect(page.locator("#name-error")).to_have_count(0)
    expect(name).not_to_have_attribute("aria-invalid", "true")
    expect(name.locator("xpath=..")).not_to_have_class("field has-error")
    # The other fields keep theirs until they are changed too.
    expect(page.locator("#day-error")).to_be_visible()
    expect(day).to_have_attribute("aria-invalid", "true")

    day.fill("2031-10-01")
    expect(page.locator("#day-error")).to_have_count(0)
    expect(day).not_to_have_attribute("aria-invalid", "true")

    # Drawing the route again answers the route's message in the box at the top.
    page.get_by_role("button", name="Sträcka", exact=True).click()
    plan_map = page.locator("#walk-plan-map")
    plan_map.scroll_into_view_if_needed()
    box = plan_map.bounding_box()
    assert box is not None
    for fx, fy in ((0.3, 0.3), (0.6, 0.6)):
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.wait_for_timeout(350)  # not a double click
    expect(page.locator("[data-error-for=route]")).to_have_count(0)
    expect(page.locator("#walk-form-errors")).to_be_hidden()


def test_an_end_before_the_start_is_put_right_by_moving_the_start(phone, coordinator):
    page = phone.page
    log_in(page, "coordinator")
    page.goto("/walks/new")
    page.fill("#name", "Kvällsvandring i centrum")
    page.fill("#day", "2031-10-01")
    page.fill("#start_time", "21:00")
    page.fill("#end_time", "20:00")
    page.locator("#walk-form button[type=submit]").click()
    expect(page.locator("#end_time-error")).to_be_visible()
    page.wait_for_load_state("load")  # the page's scripts run (a person reads first)
    page.fill("#start_time", "19:00")  # the end is right now; its field was not touched
    expect(page.locator("#end_time-error")).to_have_count(0)
    expect(page.locator("#end_time")).not_to_have_attribute("aria-invalid", "true")
