"""The review map in Chromium (Swedish locale, Stockholm time): the week slider keeps to the chosen
period, a measure on top of its record leaves the record reachable, the filters live in the
address and the map zooms to what they show, and the heading and area outlines stay in place."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in, poll
from tests.conftest import make_user
from tests.map.helpers import add_observation
from webapp.core.access import Role
from webapp.extensions import db
from webapp.measures.models import Measure

pytestmark = pytest.mark.browser
STOCKHOLM = ZoneInfo("Europe/Stockholm")
SHOWN = "() => /visas/.test(document.getElementById('map-status').textContent)"
# Local times around the period Wednesday 2025-11-05 to Wednesday 2025-11-26 (both included).
NOVEMBER = [
    (10, 30, 12, False),  # the week before: out
    (11, 3, 12, False),  # Monday of the first week, before the period: out
    (11, 5, 8, True),  # week 45
    (11, 12, 12, True),  # week 46
    (11, 19, 9, True),  # week 47
    (11, 19, 17, True),  # week 47
    (11, 26, 23, True),  # week 48, the period's last evening (22:30 UTC)
    (11, 27, 9, False),  # Thursday of the last week, after the period: out
    (12, 2, 12, False),  # the week after: out
]


def shown(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#map-status").inner_text()


def test_the_week_slider_runs_over_the_period_only(app, phone):  # type: ignore[no-untyped-def]
    with app.app_context():
        officer = make_user(Role.OFFICER, "patrull")
        make_user(Role.COORDINATOR, "samordnare", organisation="municipality")
        for i, (month, day, hour, _inside) in enumerate(NOVEMBER):
            at = datetime(2025, month, day, hour, 30, tzinfo=STOCKHOLM)
            add_observation(officer, visibility="shared", observed_at=at,
                            lat=59.8366 + i * 0.0003, lon=13.1440)  # fmt: skip
    page = phone.page
    log_in(page, "samordnare")
    page.goto("/review/map")
    poll(page, SHOWN)
    page.locator("#f-since").fill("2025-11-05")
    page.locator("#f-until").fill("2025-11-26")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator("#map-status")).to_have_text("5 iakttagelser visas")
    assert page.url.endswith("/review/map?since=2025-11-05&until=2025-11-26")

    # One week at a time opens on the period's last week: cut at Wednesday the 26th.
    page.get_by_label("En vecka i taget").check()
    frames = {}
    for week in (48, 47, 46, 45):
        if week != 48:
            page.locator("#week").focus()
            page.keyboard.press("ArrowLeft")
        expect(page.locator("#map-status")).to_contain_text(f"Vecka {week} ")
        frames[week] = shown(page)
    assert page.locator("#week").get_attribute("max") == "3"  # four weeks, none outside
    count = {week: int(text.split(" ")[0]) for week, text in frames.items()}
    assert count == {48: 1, 47: 2, 46: 1, 45: 1}, frames  # 5 in all, as the period shows
    assert re.search(r"Vecka 48 \(24 nov\.? 2025 – 26 nov\.? 2025, bara dagarna i perioden\)",
                     frames[48]), frames[48]  # fmt: skip
    assert re.search(r"Vecka 45 \(5 nov\.? 2025 – 9 nov\.? 2025, bara", frames[45]), frames[45]
    assert "bara dagarna" not in frames[46]

    # The trend table of the same period says which days its cut weeks count.
    page.locator("#trends-heading").scroll_into_view_if_needed()
    centrum = page.locator("#trends-list figure[data-area='sunne-centrum']")
    expect(centrum).to_be_visible()
    centrum.get_by_text("Visa siffrorna som tabell").click()
    heads = centrum.locator("tbody th").all_inner_texts()
    assert heads[0] == "2025-11-03 (räknat 2025-11-05 – 2025-11-09)", heads
    assert heads[-1] == "2025-11-24 (räknat 2025-11-24 – 2025-11-26)", heads
    assert [int(n) for n in centrum.locator("tbody td").all_inner_texts()] == [1, 1, 2, 1]


def test_a_record_under_its_measure_the_address_and_the_zoom(browser, live_server, app):  # type: ignore[no-untyped-def]
    spot = (59.8380, 13.1400)
    with app.app_context():
        officer = make_user(Role.OFFICER, "patrull")
        coordinator = make_user(Role.COORDINATOR, "samordnare", organisation="municipality")
        add_observation(officer, visibility="shared", status="linked", note="Lampan är trasig",
                        lat=spot[0], lon=spot[1])  # fmt: skip
        add_observation(officer, visibility="shared", category="skadegorelse",
                        lat=59.8330, lon=13.1600)  # fmt: skip
        db.session.add(Measure(title="Laga lampan", owner="municipality_technical",
                               owner_detail="<b>Gatuenheten</b>", created_by_id=coordinator.id,
                               lat=spot[0], lon=spot[1]))  # fmt: skip
        db.session.commit()
    net = BrowserNet(tile_host=tile_host(app))
    context = new_phone_context(
        browser, live_server, net, viewport={"width": 1366, "height": 900},
        is_mobile=False, has_touch=False,
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "samordnare")

    # A filtered address opens with its filters in the form, zoomed to the one record.
    page.goto("/review/map?category=belysning")
    expect(page.locator("#f-category")).to_have_value("belysning")
    expect(page.locator("#map-status")).to_have_text("1 iakttagelse visas")
    name = page.locator("#review-map").get_attribute("data-map-name")
    assert page.evaluate(f"() => window['{name}'].getZoom()") == 17  # not beyond a street
    assert page.evaluate(
        f"() => window['{name}'].getBounds().pad(-0.3).contains([{spot[0]}, {spot[1]}])"
    )  # fmt: skip

    # The measure sits on the record and takes the click: its popup says who carries it out
    # and offers the record at the same spot, whose own popup opens from there.
    point = page.locator("path.server-point")
    expect(point).to_have_count(1)
    expect(page.locator("path.measure")).to_have_count(1)
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.locator(".leaflet-popup .map-popup")
    expect(popup.locator("strong")).to_have_text("Laga lampan")
    expect(popup).to_contain_text("föreslagen")
    expect(popup).to_contain_text(
        "Ansvarig: Kommunen – tekniska förvaltningen – <b>Gatuenheten</b>"
    )
    expect(popup).to_contain_text("Också på samma plats:")
    popup.get_by_role("button", name="Iakttagelse: Belysning – kopplad till åtgärd").click()
    expect(popup.locator(".map-popup-note[data-loaded='1']")).to_have_text("Lampan är trasig")
    expect(page.get_by_role("link", name="Öppna iakttagelsen")).to_be_focused()
    # One popup at a time: the measure's closes (Leaflet fades it out before removing it).
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    expect(popup).to_contain_text("Åtgärd: Laga lampan")  # and back again from here

    # "Show" puts the filters in the address; Back brings the earlier ones back.
    page.locator("#f-category").select_option("skadegorelse")
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(re.compile(r"/review/map\?category=skadegorelse$"))
    expect(page.locator("#map-status")).to_have_text("1 iakttagelse visas")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/review/map\?category=belysning$"))
    expect(page.locator("#f-category")).to_have_value("belysning")
    expect(page.locator("#map-status")).to_have_text("1 iakttagelse visas")

    # "Fler filter" opens below the heading, which stays where it was.
    heading = page.get_by_role("heading", name="Karta över Sunne")
    top = heading.bounding_box()["y"]
    page.get_by_text("Fler filter").click()
    expect(page.locator("#f-visibility")).to_be_visible()
    assert heading.bounding_box()["y"] == top
    # In dark mode the area outlines get a light casing, to be seen on the dark map.
    casing = page.locator("path.map-area-casing").first
    assert casing.evaluate("e => getComputedStyle(e).display") == "none"
    page.emulate_media(color_scheme="dark")
    assert casing.evaluate("e => getComputedStyle(e).display") != "none"
    assert errors == []
    assert net.leaks == []
    context.close()
