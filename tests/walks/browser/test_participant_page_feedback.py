"""A first-time participant on a 360 px phone: a refused "Spara platsen" says why where the
person looks, and the stops they rated keep their ✓ when the page is opened again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import wait_for_outbox_count, wait_for_position
from tests.walks.helpers import make_walk

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
NO_CATEGORY = "Välj först vad problemet är."
NO_POSITION = "Det finns ingen position än. Tryck på kartan där platsen är."
SHOTS = Path(__file__).resolve().parents[3] / "instance" / "test-shots"


def join_with_the_link(page: Page, code: str) -> None:
    page.set_viewport_size(SMALL_PHONE)
    page.goto(f"/walk/join/{code}")
    page.get_by_role("button", name="Gå med i vandringen").tap()
    expect(page.get_by_role("heading", name="Markera en plats")).to_be_visible()


def rate_stop(page: Page, name: str, score: int) -> None:
    card = page.locator("details.stop-card", has_text=name)
    card.locator("summary").tap()
    form = card.locator("form.rating-form")
    form.get_by_role("group", name=re.compile("^Belysning")).get_by_role(
        "radio", name=re.compile(f"^{score} ")
    ).check()
    form.get_by_role("button", name="Spara bedömningen").tap()
    expect(card.locator("[data-stop-done]")).to_be_visible()


def tick(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("details.stop-card", has_text=name).locator("[data-stop-done]")


def test_saving_a_spot_without_a_category_shows_why_at_the_categories(phone, app, coordinator):
    walk = make_walk(app, coordinator.id)
    page = phone.page
    join_with_the_link(page, walk.join_code)
    wait_for_position(page)
    save = page.get_by_role("button", name="Spara platsen")
    expect(save).to_be_in_viewport()  # the sticky bar, from the top of the page
    save.tap()

    message = page.get_by_text(NO_CATEGORY)
    expect(message).to_be_visible()
    expect(message).to_be_in_viewport(ratio=1)
    categories = page.get_by_role("group", name="Vad är problemet?")
    expect(categories).to_be_focused()
    expect(categories).to_have_accessible_description(NO_CATEGORY)
    expect(categories.get_by_role("radio").first).to_be_in_viewport()

    # Choosing a category takes the message away, and the spot is saved.
    categories.locator("label.category-option").first.tap()
    expect(message).to_be_hidden()
    save.tap()
    expect(page.locator("#spot-status")).to_have_text(re.compile("Sparat|Skickat"))
    expect(page.get_by_text(NO_CATEGORY)).to_have_count(0)


def test_saving_a_spot_without_a_position_shows_why_at_the_map(
    browser, live_server, app, coordinator
):
    walk = make_walk(app, coordinator.id)
    net = BrowserNet(tile_host=tile_host(app))
    context = new_phone_context(browser, live_server, net, permissions=[], geolocation=None)
    try:
        page = context.new_page()
        join_with_the_link(page, walk.join_code)
        page.locator("#spot-form label.category-option").first.tap()
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.get_by_role("button", name="Spara platsen").tap()
        message = page.get_by_text(NO_POSITION)
        expect(message).to_be_visible()
        expect(message).to_be_in_viewport(ratio=1)
        the_map = page.locator("#participant-map")
        expect(the_map).to_be_focused()
        expect(the_map).to_have_accessible_description(NO_POSITION)
    finally:
        context.close()
    assert net.leaks == []


def test_rated_stops_keep_their_tick_after_a_reload_and_can_be_rated_again(phone, app, coordinator):
    walk = make_walk(app, coordinator.id)
    page = phone.page
    join_with_the_link(page, walk.join_code)
    rate_stop(page, "Stortorget", 1)
    wait_for_outbox_count(page, 0)

    page.reload()
    expect(tick(page, "Stortorget")).to_be_visible()
    expect(tick(page, "Busstationen")).to_be_hidden()
    expect(tick(page, "Parken")).to_be_hidden()

    # Rating it again works as before: the newer rating is sent and the ✓ stays.
    rate_stop(page, "Stortorget", 3)
    card = page.locator("details.stop-card", has_text="Stortorget")
    expect(card.locator("[data-rating-status]")).to_have_text("Skickat.")

    # A rating still waiting on the phone (the server cannot be reached) counts as done too.
    phone.context.route(re.compile(r".*/stops/\d+/ratings$"), lambda route: route.abort("failed"))
    rate_stop(page, "Busstationen", 2)
    wait_for_outbox_count(page, 1)
    page.reload()
    expect(tick(page, "Stortorget")).to_be_visible()
    expect(tick(page, "Busstationen")).to_be_visible()
    expect(tick(page, "Parken")).to_be_hidden()

    # What the phone looks like now, with a refused save as well (looked at by a person).
    page.get_by_role("button", name="Spara platsen").tap()
    expect(page.get_by_text(NO_CATEGORY)).to_be_in_viewport()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "walk-participant-360-refused.png"))
    page.locator("details.stop-card").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "walk-participant-360-stops.png"))
