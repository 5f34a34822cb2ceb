"""What a first-time user met on the activity pages of a 360 px phone (walker, s12):

* a business visit without a position: Spara seemed to do nothing (the message was a screen
  below, the focus stayed on Spara);
* an ANDT entry saved offline left its pin on the emptied form's map;
* staff were offered a patrol page that only said they record no patrols;
* an officer could not pick out their own entries, nor tell one business visit from another;
* after "Starta patrull" the page stayed scrolled down, the running patrol's card cut off.

Each test also fails if a request left 127.0.0.1 or the page threw a JavaScript error (the
`phone` fixture).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.activities.helpers import meeting_payload, visit_payload
from tests.browser.conftest import Phone
from tests.browser.helpers import log_in, outbox_items
from tests.conftest import api_post, make_user
from tests.journeys.helpers import open_menu_link
from webapp.core.access import Role

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
ROTTNEROS = {"latitude": 59.7800, "longitude": 13.1200, "accuracy": 8}


def on_small_phone(phone: Phone, username: str) -> Page:
    page = phone.page
    page.set_viewport_size(SMALL_PHONE)
    log_in(page, username)
    return page


def assert_in_clear_view(page: Page, element: Locator) -> None:
    """On screen, and not under the sticky top bar or the form's sticky Save bar."""
    expect(element).to_be_in_viewport()
    box = element.bounding_box()
    top = page.locator(".topbar").bounding_box()
    assert box is not None and top is not None
    bottom = page.viewport_size["height"]  # type: ignore[index]
    bar = page.locator(".sticky-actions")
    if bar.count():
        bottom = bar.bounding_box()["y"]  # type: ignore[index]
    assert box["y"] >= top["y"] + top["height"] - 1, f"under the top bar: {box}"
    assert box["y"] + box["height"] <= bottom + 1, f"under the Save bar: {box}"


def test_a_visit_saved_without_a_position_shows_the_error_and_focuses_the_field(phone, officer):
    page = on_small_phone(phone, "officer")
    page.goto("/activities/new/foretagsbesok")
    phone.go_offline()
    page.get_by_label("Företag", exact=True).fill("Rottneros Bygg AB")
    page.get_by_label("Trygghet", exact=True).check()
    save = page.get_by_role("button", name="Spara")
    save.tap()

    error = page.locator("#f-lat-client-error")
    expect(error).to_have_text("En position krävs.")
    assert_in_clear_view(page, error)
    locate = page.get_by_role("button", name="Använd min position")
    expect(locate).to_be_focused()  # the button that fixes it, under the message
    assert_in_clear_view(page, locate)
    expect(page.locator("fieldset#f-lat")).to_have_attribute("aria-invalid", "true")
    assert outbox_items(page) == []

    # Two problems: the first in the form's order (the topics, above the map) is the one shown.
    page.get_by_label("Trygghet", exact=True).uncheck()
    save.tap()
    expect(page.get_by_label("Inbrott/stöld")).to_be_focused()
    assert_in_clear_view(page, page.locator("#f-details-topics-client-error"))
    assert outbox_items(page) == []


def test_an_edit_refused_by_the_server_leads_with_its_errors(phone, officer, as_user):
    """The server's answer (an edit is posted, not kept on the phone): the list of errors is at
    the top with the focus, names the fields in the form's order, and each link puts the focus
    in its field."""
    visit = visit_payload()
    api_post(as_user(officer), "/api/v1/activities", visit)
    page = on_small_phone(phone, "officer")
    page.goto(f"/activities/{visit['id']}/edit")
    page.get_by_label("Företag", exact=True).fill("")
    page.get_by_label("Latitud").fill("")
    page.get_by_label("Longitud").fill("")
    page.get_by_role("button", name="Spara").tap()

    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    assert_in_clear_view(page, summary.locator("li").last)
    links = summary.get_by_role("link")
    expect(links).to_have_text([re.compile("^Företag: "), re.compile("^Position: ")])
    links.last.tap()
    expect(page.get_by_role("button", name="Använd min position")).to_be_focused()
    assert_in_clear_view(page, page.locator("#f-lat-error"))


def test_an_andt_entry_saved_offline_leaves_an_empty_form_with_no_pin(phone, officer):
    """Emptied for the next entry, the whole position goes: a pin left from the last one would be
    saved with the next, wherever that is; "Använd min position" is one tap."""
    phone.context.set_geolocation(ROTTNEROS)  # type: ignore[attr-defined]
    page = on_small_phone(phone, "officer")
    page.goto("/activities/new/andt")
    phone.go_offline()
    page.get_by_label("Samtal", exact=True).check()
    page.get_by_label("Tobak", exact=True).check()
    page.get_by_role("button", name="Använd min position").tap()
    pin = page.locator("#f-lat .leaflet-marker-icon")
    expect(pin).to_have_count(1)
    expect(page.locator("[data-position-status]")).to_contain_text("8 m")
    page.get_by_role("button", name="Spara").tap()

    expect(page.locator("[data-save-status]")).to_have_text(
        "Sparad i telefonen – skickas när det finns nät."
    )
    expect(page.locator("#f-lat-input")).to_have_value("")
    expect(pin).to_have_count(0)
    expect(page.locator("[data-position-status]")).to_have_text("")
    lat = page.evaluate("() => TryggOutbox.list().then(items => items[0].payload.lat)")
    assert lat == pytest.approx(ROTTNEROS["latitude"])  # the entry kept its position


def test_staff_see_no_patrol_page_and_no_police_only_types(phone, app, staff, officer, as_user):
    api_post(as_user(officer), "/api/v1/activities", visit_payload())  # police only
    page = on_small_phone(phone, "staff")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    nav.locator("summary", has_text="Registrera").click()
    expect(nav.get_by_role("link", name="Aktiviteter", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Patrull", exact=True)).to_have_count(0)
    expect(page.locator("main").get_by_role("link", name=re.compile("^Patrull"))).to_have_count(0)

    nav.get_by_role("link", name="Aktiviteter", exact=True).click()
    options = page.get_by_label("Aktivitet", exact=True).locator("option")
    expect(options.filter(has_text="Samverkan med skola")).to_have_count(1)
    shown = " | ".join(options.all_inner_texts())
    assert not re.search("Fotpatrull|Besök hos handlare|ANDT", shown), shown
    expect(page.get_by_role("link", name="Fotpatruller")).to_have_count(0)


def test_an_officer_finds_their_own_visit_by_its_business(phone, app, officer, as_user):
    with app.app_context():
        colleague = make_user(Role.OFFICER, "colleague", organisation="police")
    api_post(as_user(officer), "/api/v1/activities", visit_payload())  # Rottneros Bygg AB
    for payload in (
        visit_payload(details={**visit_payload()["details"], "business_name": "Lysvik Café"}),
        meeting_payload(),
    ):
        api_post(as_user(colleague), "/api/v1/activities", payload)

    page = on_small_phone(phone, "officer")
    open_menu_link(page, "Aktiviteter")
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_label("Bara mina").check()
    page.get_by_role("button", name="Filtrera").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina aktiviteter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Rottneros Bygg AB")

    # "Mina registreringar" says where the activities are, and leads there.
    open_menu_link(page, "Mina registreringar")
    page.get_by_role("link", name="Mina aktiviteter").tap()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Rottneros Bygg AB")


def test_a_started_patrol_shows_its_card_at_the_top(phone, officer):
    page = on_small_phone(phone, "officer")
    open_menu_link(page, "Patrull")
    page.wait_for_load_state("load")  # patrol.js starts it (a tap before posts the form)
    start = page.get_by_role("button", name="Starta patrull")
    start.scroll_into_view_if_needed()  # at the foot of a form a screen tall
    start.tap()

    title = page.get_by_role("heading", name="Patrull pågår")
    expect(title).to_be_focused()
    assert_in_clear_view(page, title)
    expect(page.locator("#patrol-app")).to_have_attribute("data-state", "sent")
    assert_in_clear_view(page, page.locator("#patrol-running"))  # the whole card
