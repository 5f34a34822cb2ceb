"""The coordinator's map in Chromium on demo-like data: server clusters, points, the week slider.

Demo data plus 2,400 records over the last eight weeks, each week centred on another place, so
the clusters visibly move from week to week. Screenshots at 1366 and 360 px wide go to
JOURNEY_SHOTS (instance/journey-shots by default) to be looked at.
"""

from __future__ import annotations

import os
import random
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in, poll
from tests.conftest import make_user
from tests.map.helpers import add_observation
from webapp.core.access import Role
from webapp.extensions import db
from webapp.observations.models import Observation
from webapp.ops.demo.data import DEMO_PASSWORD, seed_demo

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("JOURNEY_SHOTS", ROOT / "instance" / "journey-shots"))
WEEKS = 8
PLACES = [(59.8366, 13.1440), (59.8420, 13.1300), (59.8300, 13.1600), (59.8450, 13.1550)]

# Whether the element is what a pointer at its centre hits (nothing drawn over it).
TOPMOST = """e => {
  const box = e.getBoundingClientRect();
  return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === e;
}"""


def add_weekly_records(author_id: int) -> None:
    rng = random.Random(18)
    now = datetime.now(UTC)
    rows = []
    for week in range(WEEKS):
        lat0, lon0 = PLACES[week % len(PLACES)]
        for _ in range(100 + 50 * week):  # more each week, and elsewhere
            rows.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "lat": lat0 + rng.gauss(0, 0.002), "lon": lon0 + rng.gauss(0, 0.004),
                "accuracy_m": 8.0,
                "observed_at": now - timedelta(days=7 * (WEEKS - 1 - week) + rng.uniform(0.1, 6)),
                "category_code": rng.choice(("belysning", "skadegorelse", "nedskrapning")),
                "note": "", "visibility": "shared", "status": "new", "author_id": author_id,
                "content_hash": "demo-like", "manual_position": False,
                "observed_utc_offset_min": 60,
            })  # fmt: skip
    db.session.execute(db.insert(Observation), rows)  # mx/my/week from the column defaults
    db.session.commit()


VIEWS = "() => Number(document.getElementById('review-map').dataset.clusterViews)"
# Single records (points) inside the visible map, not only in the fetched margin.
POINTS_IN_VIEW = """() => {
  const box = document.getElementById('review-map').getBoundingClientRect();
  return [...document.querySelectorAll('path.server-point')].filter((p) => {
    const r = p.getBoundingClientRect();
    return r.x > box.x && r.right < box.right && r.y > box.y && r.bottom < box.bottom;
  }).length;
}"""


NEAREST_DISC = """() => {
  const box = document.getElementById('review-map').getBoundingClientRect();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const discs = [...document.querySelectorAll('.server-cluster-icon')];
  const d = (e) => { const r = e.getBoundingClientRect();
    return Math.hypot(r.x + r.width / 2 - cx, r.y + r.height / 2 - cy); };
  return discs.reduce((best, e, i) => (d(e) < d(discs[best]) ? i : best), 0);
}"""


def disc_counts(page: Page) -> list[int]:
    texts = page.locator(".server-cluster span").all_inner_texts()
    return [int(re.sub(r"\D", "", t)) for t in texts]


def shown(page: Page) -> str:
    return page.locator("#map-status").inner_text()


def test_coordinator_sees_clusters_zooms_to_points_and_plays_the_weeks(browser, live_server, app):  # type: ignore[no-untyped-def]
    with app.app_context():
        seed_demo()
        from webapp.auth.models import User

        officer = db.session.execute(db.select(User).filter_by(role="officer")).scalars().first()
        add_weekly_records(officer.id)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (360, 740)):
        net = BrowserNet(tile_host=tile_host(app))
        context = new_phone_context(
            browser, live_server, net, viewport={"width": width, "height": height},
            is_mobile=width < 600, has_touch=width < 600,
        )  # fmt: skip
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        log_in(page, "samordnare", DEMO_PASSWORD)
        page.goto("/review/map")

        # First view: circles with counts, no record downloaded one by one.
        poll(page, "() => /visas/.test(document.getElementById('map-status').textContent)")
        expect(page.locator(".server-cluster").first).to_be_visible()
        counts = disc_counts(page)
        assert len(counts) > 5 and max(counts) > 20, counts
        total = int(re.sub(r"\D", "", shown(page).split("poster")[0]))
        assert total >= sum(counts) and total >= 1500, (total, counts)
        page.screenshot(path=str(SHOTS / f"18-map-clusters-{width}.png"))

        # Zoom in by opening the discs until single records show as points.
        name = page.locator("#review-map").get_attribute("data-map-name")
        start_zoom = page.evaluate(f"() => window['{name}'].getZoom()")
        for _step in range(8):
            views = page.evaluate(VIEWS)
            nearest = page.evaluate(NEAREST_DISC)
            # Opening the disc nearest the middle zooms in on it; at a desk the first one by
            # keyboard (a disc is a button: Enter opens it, the focus stays on the map).
            disc = page.locator(".server-cluster-icon").nth(nearest)
            if width > 600 and _step == 0:
                assert disc.get_attribute("role") == "button"
                disc.focus()
                page.keyboard.press("Enter")
            else:
                disc.click(force=True)
            poll(page, f"() => {VIEWS.removeprefix('() => ')} > {views}")
            if width > 600 and _step == 0:
                focused = "() => document.activeElement.classList.contains('leaflet-container')"
                assert page.evaluate(focused)
            if not page.locator(".server-cluster").count() or page.evaluate(POINTS_IN_VIEW) >= 5:
                break
        zoom = page.evaluate(f"() => window['{name}'].getZoom()")
        assert zoom > start_zoom, (start_zoom, zoom)
        assert page.evaluate(POINTS_IN_VIEW) > 0
        page.screenshot(path=str(SHOTS / f"18-map-points-{width}.png"))

        # Back out, the last eight weeks as the period, and play them week by week.
        page.evaluate(f"() => window['{name}'].setView([59.8366, 13.1440], 13, {{animate: false}})")
        since = (datetime.now(UTC) - timedelta(weeks=WEEKS - 1)).date().isoformat()
        if width < 600:
            page.locator("#f-since").scroll_into_view_if_needed()
        page.locator("#f-since").fill(since)
        page.get_by_role("button", name="Visa").click()
        poll(page, "() => /visas/.test(document.getElementById('map-status').textContent)")
        # One week at a time opens on the latest week (the question is "what happened lately").
        page.get_by_label("En vecka i taget").check()
        this_week = datetime.now(ZoneInfo("Europe/Stockholm")).isocalendar().week
        expect(page.locator("#week-label")).to_contain_text(f"Vecka {this_week} ")
        play = page.get_by_role("button", name="Spela")
        play.click()
        expect(page.get_by_role("button", name="Pausa")).to_have_attribute("aria-pressed", "true")
        frames: dict[str, tuple[str, tuple[int, ...]]] = {}
        for _tick in range(60):
            label = page.locator("#week-label").inner_text()
            status = shown(page)
            if label and "Vecka" in status:
                frames[label] = (status, tuple(sorted(disc_counts(page))))
            if len(frames) >= 4:
                break
            page.wait_for_timeout(250)
        assert len(frames) >= 4, frames
        # Each week has its own records in its own place: the clusters differ between frames.
        assert len({f[1] for f in frames.values()}) >= 3, frames
        assert len({f[0] for f in frames.values()}) >= 3, frames
        page.get_by_role("button", name="Pausa").click()
        expect(page.get_by_role("button", name="Spela")).to_have_attribute("aria-pressed", "false")
        page.screenshot(path=str(SHOTS / f"18-map-week-{width}.png"))
        assert errors == []
        assert net.leaks == []
        context.close()


# Three single records in the first view (Sunne centrum, zoom 15); the one to open lies about
# 90 px below the map's top, so its popup has to pan the map to fit, and the map redraws under
# it. Its note holds markup, which must show as text.
KEYBOARD_RECORDS = [
    ("belysning", "new", "Mörkt vid gångtunneln", 59.8366, 13.1360),
    ("skadegorelse", "reviewed", "Klotter på <b>busskuren</b> & bänken", 59.8415, 13.1450),
    ("nedskrapning", "closed", "Skräp vid badplatsen", 59.8340, 13.1530),
]
TARGET = "Skadegörelse/klotter – granskad"
POINT_FOCUSED = "() => document.activeElement.matches('path.server-point[role=button]')"


def test_a_single_point_opens_by_keyboard_and_gives_the_focus_back(browser, live_server, app):  # type: ignore[no-untyped-def]
    with app.app_context():
        officer = make_user(Role.OFFICER, "patrull")
        make_user(Role.COORDINATOR, "samordnare", organisation="municipality")
        ids = [
            add_observation(
                officer, category=c, status=s, note=n, lat=lat, lon=lon, visibility="shared"
            )
            for c, s, n, lat, lon in KEYBOARD_RECORDS
        ]
    SHOTS.mkdir(parents=True, exist_ok=True)
    net = BrowserNet(tile_host=tile_host(app))
    context = new_phone_context(
        browser, live_server, net, viewport={"width": 1366, "height": 900},
        is_mobile=False, has_touch=False,
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "samordnare")
    page.goto("/review/map")
    poll(page, "() => /visas/.test(document.getElementById('map-status').textContent)")
    assert page.evaluate(POINTS_IN_VIEW) == 3

    # Leaflet's own buttons speak the page's language.
    expect(page.get_by_role("button", name="Zooma in")).to_be_visible()
    expect(page.get_by_role("button", name="Zooma ut")).to_be_visible()

    # Only a keyboard: from the last control above the map, Tab into the map and on to the
    # dots, each a named button; the area outlines (nameless, nothing to do) are no Tab stops.
    page.get_by_role("button", name="Spela").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('leaflet-container')")
    page.keyboard.press("Tab")
    assert page.evaluate(POINT_FOCUSED)
    page.keyboard.press("Shift+Tab")
    names: list[str] = []
    for _stop in range(12):
        page.keyboard.press("Tab")
        if page.evaluate(POINT_FOCUSED):
            names.append(page.evaluate("() => document.activeElement.getAttribute('aria-label')"))
        if names and names[-1] == TARGET:
            break
    assert names and names[-1] == TARGET, names
    point = page.get_by_role("button", name=TARGET)
    expect(point).to_be_focused()
    page.screenshot(path=str(SHOTS / "map-point-focused-1366.png"))
    # A ring to see where the focus is (the dot's own white edge is not one).
    ring = point.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).stroke"
    )
    assert ring.startswith("solid") and "255, 255, 255" not in ring, ring

    # Enter opens the popup; its note comes from the server, and the focus is on its link.
    views = page.evaluate(VIEWS)
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup .map-popup")
    expect(popup).to_be_visible()
    expect(popup.locator(".map-popup-note[data-loaded='1']")).to_have_text(KEYBOARD_RECORDS[1][2])
    expect(popup.locator("strong")).to_have_text("Skadegörelse/klotter")
    expect(popup.locator("p.muted")).to_have_text("granskad")
    # The popup did not fit above the dot: the map moved and drew again, popup and focus stay.
    poll(page, f"() => {VIEWS.removeprefix('() => ')} > {views}")
    link = page.get_by_role("link", name="Öppna iakttagelsen")
    expect(link).to_be_focused()
    assert (link.get_attribute("href") or "").endswith("/" + ids[1])
    expect(popup).to_be_visible()
    page.screenshot(path=str(SHOTS / "map-point-popup-1366.png"))

    # Escape closes it and puts the focus back on the dot, with its ring.
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(point).to_be_focused()
    assert point.evaluate("e => e.matches(':focus-visible')")
    # Space opens it as well; the popup's close button also leads back to the dot.
    page.keyboard.press(" ")
    expect(link).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('.leaflet-popup-close-button')")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Stäng"
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(point).to_be_focused()

    # The mouse as before: a click opens a dot's popup, the focus is not pulled into it. The
    # area outlines lie under the dots whenever they loaded (the municipality's polygon, drawn
    # last in the same pane, took this click under load): the dot is what the pointer hits.
    other = page.get_by_role("button", name="Belysning – ny")
    page.wait_for_function("document.querySelectorAll('path.map-area-casing').length > 0")
    assert other.evaluate(TOPMOST), "something lies over the dot"
    areas = page.locator(".leaflet-control-layers label", has_text="Områden").locator("input")
    areas.uncheck()
    areas.check()  # switched on again: the outlines come back under the dots
    assert other.evaluate(TOPMOST), "the outlines switched on again lie over the dot"
    other.click()
    expect(popup.locator(".map-popup-note[data-loaded='1']")).to_have_text(KEYBOARD_RECORDS[0][2])
    assert not page.evaluate("() => !!document.activeElement.closest('.leaflet-popup')")
    assert errors == []
    assert net.leaks == []
    context.close()
