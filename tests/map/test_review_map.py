"""The coordinator's map in a real browser: hostile text stays text, and nothing leaves 127.0.0.1.

Folium popups and tooltips are script sinks (DESIGN §6); our map builds every popup, tooltip,
list row and layer name from data with textContent. These notes would run script if any of them
reached innerHTML, a template literal or an attribute.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, poll
from tests.conftest import make_user
from tests.map.helpers import add_observation
from webapp.core.access import Role
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.measures.models import Measure

pytestmark = pytest.mark.browser

HOSTILE_NOTES = [
    '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
    "${window.__pwned=(window.__pwned||0)+10}",
    "`; window.__pwned=100; `",
    "</script><script>window.__pwned=1000</script>",
    '"><svg onload="window.__pwned=10000">',
]


@pytest.fixture
def hostile_world(app):  # type: ignore[no-untyped-def]
    """Hostile text in every place the map shows user text; tiles from our own host (404s)."""
    app.config["TILE_URL"] = "/no-tiles/{z}/{x}/{y}.png"
    with app.app_context():
        officer = make_user(Role.OFFICER, "patrull")
        coordinator = make_user(Role.COORDINATOR, "samordnare", organisation="municipality")
        for index, note in enumerate(HOSTILE_NOTES):
            # Far apart, so each is its own marker and not hidden inside a cluster.
            add_observation(
                officer, note=note, lat=59.830 + index * 0.004, lon=13.12 + index * 0.01
            )
        measure = Measure(
            title=HOSTILE_NOTES[0],
            created_by_id=coordinator.id,
            lat=59.845,
            lon=13.17,
            deadline=local_today() - timedelta(days=1),
        )
        measure.change_status("decided", by=coordinator.id, comment=HOSTILE_NOTES[1])
        db.session.add(measure)
        for area in db.session.execute(db.select(Area)).scalars():
            area.name = HOSTILE_NOTES[4]
        db.session.commit()
    return coordinator


def test_hostile_notes_show_as_plain_text_on_the_map_and_in_the_list(phone, hostile_world):
    page = phone.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, "samordnare")
    page.goto("/review/map")
    poll(page, "() => document.querySelectorAll('#map-list tbody tr').length >= 5")

    cells = page.locator("#map-list tbody td a").all_inner_texts()
    assert sorted(cells) == sorted(HOSTILE_NOTES)
    # On a phone each record is a card: nothing of the list sits out of sight sideways.
    wrap = page.locator("#map-list").locator("xpath=..")
    scroll, client = wrap.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll <= client + 1, f"the list under the map scrolls sideways: {scroll} > {client}"
    when = page.locator("#map-list tbody td[data-label='När']").first
    expect(when).to_be_visible()
    # The note heads the card, so the time is a labelled line like the others, not a heading.
    assert when.evaluate("td => getComputedStyle(td, '::before').content") == '"När"'

    # Click every marker as a user would: centre the map on it, then tap the middle of the map.
    spots = [(59.830 + i * 0.004, 13.12 + i * 0.01) for i in range(len(HOSTILE_NOTES))]
    spots.append((59.845, 13.17))  # the overdue measure
    page.locator("#review-map").scroll_into_view_if_needed()
    box = page.locator("#review-map").bounding_box()
    texts = []
    for lat, lon in spots:
        views = int(page.locator("#review-map").get_attribute("data-cluster-views") or 0)
        page.evaluate(
            "([name, lat, lon]) => window[name].setView([lat, lon], 18, {animate: false})",
            [page.locator("#review-map").get_attribute("data-map-name"), lat, lon],
        )
        # The server's clusters for the new view are drawn (points at this zoom).
        poll(
            page,
            f"() => Number(document.getElementById('review-map').dataset.clusterViews) > {views}",
        )
        page.evaluate("([name]) => window[name].closePopup()",
                      [page.locator("#review-map").get_attribute("data-map-name")])  # fmt: skip
        popup = page.locator(".leaflet-popup-content")
        expect(popup).to_have_count(0)
        for _attempt in range(30):
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            if popup.count():
                break
            page.wait_for_timeout(100)
        expect(popup.last).to_be_visible()
        # A point's note is fetched when its popup opens; a measure's popup has it at once.
        expect(popup.last.locator(".map-popup-note:not([data-loaded])")).to_have_count(0)
        texts.append(popup.last.inner_text())
    for note in HOSTILE_NOTES:
        assert any(note in text for text in texts), note
    # The hostile area name, as the outline's tooltip.
    page.evaluate(
        "([name]) => window[name].setView([59.8366, 13.144], 15, {animate: false})",
        [page.locator("#review-map").get_attribute("data-map-name")],
    )
    # Away from the records at the centre: their dots lie over the outlines and take the pointer.
    page.mouse.move(box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.6)
    tooltip = page.locator(".leaflet-tooltip").last
    expect(tooltip).to_be_visible()
    assert HOSTILE_NOTES[4] in tooltip.inner_text()
    assert page.locator(".leaflet-popup-content img, .leaflet-popup-content svg").count() == 0
    assert page.locator(".leaflet-tooltip svg, .leaflet-control-layers img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []


def test_hostile_text_stays_text_on_the_detail_page(phone, hostile_world, app):
    page = phone.page
    log_in(page, "samordnare")
    page.goto("/review/")
    first = page.locator("main table tbody a").first
    first.click()
    expect(page.locator("p.note")).to_have_count(1)
    assert page.locator("p.note").inner_text() in HOSTILE_NOTES
    # The page's own map of the point draws SVG (coordinates only): any other SVG is injected.
    assert page.locator("main img[src=x], main svg:not(#observation-map svg)").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_the_map_makes_no_request_beyond_our_own_server(phone, hostile_world):
    page = phone.page
    log_in(page, "samordnare")
    page.goto("/review/map")
    poll(page, "() => document.querySelectorAll('.leaflet-interactive').length > 0")
    page.wait_for_timeout(500)
    # Every layer is offered in the layer control.
    layer_names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert len(layer_names) == 7, layer_names
    assert phone.net.leaks == []
    assert phone.net.tiles == []  # the test's tile server is our own host


def test_the_scale_is_in_metres_and_clear_of_the_attribution_on_a_phone(phone, hostile_world):
    page = phone.page
    log_in(page, "samordnare")
    page.goto("/review/map")
    scale = page.locator("#review-map .leaflet-control-scale")
    expect(scale).to_be_visible()
    # Metres only: one line such as "200 m" or "1 km", no feet or miles under it.
    lines = scale.locator(".leaflet-control-scale-line").all_inner_texts()
    assert len(lines) == 1 and re.fullmatch(r"\d+ k?m", lines[0]), lines
    attribution = page.locator("#review-map .leaflet-control-attribution")
    a, b = scale.bounding_box(), attribution.bounding_box()
    assert a and b
    apart = (
        a["y"] + a["height"] <= b["y"]
        or b["x"] + b["width"] <= a["x"]
        or a["x"] + a["width"] <= b["x"]
    )
    assert apart, f"scale {a} overlaps the attribution {b} at {page.viewport_size}"
