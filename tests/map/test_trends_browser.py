"""The trend panel on the review map, in Chromium, on the Sunne demo data: one chart and one table
per area, with the numbers the database holds (counted here by point in polygon, not from the
stored membership the endpoint reads)."""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.browser.helpers import log_in, poll
from webapp.extensions import db
from webapp.geo import point_in_geometry
from webapp.geo.areas import Area
from webapp.observations.areas import week_index, week_start
from webapp.observations.models import Observation
from webapp.ops.demo.data import DEMO_PASSWORD, seed_demo

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("JOURNEY_SHOTS", ROOT / "instance" / "journey-shots"))


def expected_centrum(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Week start -> count of every record in Sunne centrum in the last 52 weeks."""
    with app.app_context():
        area = db.session.scalars(db.select(Area).filter_by(code="sunne-centrum")).one()
        since = datetime.now(UTC) - timedelta(weeks=52)
        counts: Counter[str] = Counter()
        for lat, lon, at in db.session.execute(
            db.select(Observation.lat, Observation.lon, Observation.observed_at)
        ):
            if at >= since and point_in_geometry(lon, lat, area.geometry):
                counts[week_start(week_index(at)).isoformat()] += 1
        return dict(counts)


def test_the_coordinator_sees_a_trend_chart_and_table_per_area(app, phone):
    with app.app_context():
        seed_demo()
    expected = expected_centrum(app)
    assert sum(expected.values()) > 0, "the demo data has records in centrum"
    page = phone.page
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "samordnare", DEMO_PASSWORD)
    page.goto("/review/map")
    # Below the full-height map: counted when the coordinator scrolls down to it.
    page.locator("#trends-heading").scroll_into_view_if_needed()
    poll(page, "() => document.querySelectorAll('#trends-list figure').length >= 4")
    names = page.locator("#trends-list figcaption").all_inner_texts()
    assert names == ["Sunne centrum", "Sunne tätort", "Sunne kommun", "Landsbygd"]

    centrum = page.locator("#trends-list figure[data-area='sunne-centrum']")
    centrum.scroll_into_view_if_needed()
    # The chart: one bar per week with records, as tall as its count allows.
    bars = centrum.locator("svg rect.trend-bar")
    assert bars.count() == len([n for n in expected.values() if n])
    # The table behind "Visa siffrorna som tabell", as a person opens it.
    centrum.get_by_text("Visa siffrorna som tabell").click()
    rows = centrum.locator("tbody tr")
    assert rows.count() == 52
    shown = {}
    for row in rows.all():
        week, count = row.locator("th").inner_text(), int(row.locator("td").inner_text())
        shown[week] = count
    assert {week: n for week, n in shown.items() if n} == expected
    SHOTS.mkdir(parents=True, exist_ok=True)
    centrum.screenshot(path=str(SHOTS / "map-trends-360.png"))

    page.set_viewport_size({"width": 1366, "height": 900})
    centrum.get_by_text("Visa siffrorna som tabell").click()  # closed again: four charts in a row
    page.locator("#area-trends").screenshot(path=str(SHOTS / "map-trends-1366.png"))
