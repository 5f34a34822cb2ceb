"""The council report as a council member sees it on a phone and at a desk, light and dark."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import log_in
from tests.reports.conftest import Dataset

pytestmark = pytest.mark.browser

COUNCIL = "/reports/?from=2026-09-01&to=2026-11-30"
# Each chart whose frame scrolls sideways, and whether the hint of its section is shown.
CHARTS = """charts => charts.map(svg => {
  const frame = svg.closest('figure');
  const hint = svg.closest('section').querySelector('.chart-hint');
  return {scrolls: frame.scrollWidth > frame.clientWidth + 1,
          hinted: !!hint && hint.getBoundingClientRect().height > 0};
})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("width", "scrolls"), [(360, True), (1366, False)])
def test_a_chart_that_scrolls_sideways_says_so(  # type: ignore[no-untyped-def]
    browser, live_server: str, app: Flask, dataset: Dataset, width: int, scrolls: bool, scheme: str
) -> None:
    """On a phone the charts keep a readable size and scroll inside their frame: the reader is
    told, above them, and pointed to the tables. At a desk they fit and nothing is said."""
    net = BrowserNet(tile_host=tile_host(app))
    viewport = {"width": width, "height": 800}
    context = new_phone_context(browser, live_server, net, viewport=viewport, color_scheme=scheme)
    try:
        page = context.new_page()
        log_in(page, dataset.coordinator.username)
        page.goto(COUNCIL)
        page.wait_for_load_state("load")
        charts = page.locator("svg.report-chart").evaluate_all(CHARTS)
        assert len(charts) >= 5  # two per promise and the feeling of safety
        assert charts == [{"scrolls": scrolls, "hinted": scrolls}] * len(charts)
        if scrolls:
            expect(page.locator(".chart-hint").first).to_contain_text("svep i sidled")
    finally:
        context.close()
    assert net.leaks == []
