"""The coordinator reads a survey's results on a phone: every share bar keeps its percentage
readable beside it, a full bar included."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.citizen.helpers import answer_survey, make_survey

pytestmark = pytest.mark.browser

# Per share cell: its percentage text, and whether that text lies inside the cell and the screen.
SHARE_CELLS = """tracks => tracks.map(track => {
  const cell = track.closest('td');
  const text = track.parentElement.lastChild;
  const range = document.createRange();
  range.selectNodeContents(text);
  const words = range.getBoundingClientRect();
  const box = cell.getBoundingClientRect();
  return {text: text.textContent.trim(),
          inside: words.right <= box.right + 0.5 && words.right <= window.innerWidth};
})"""


def test_a_bar_at_100_percent_still_shows_its_percentage(phone, app, coordinator):
    survey_id, code, q = make_survey(app, coordinator.id)
    response = answer_survey(app, code, {f"q{q['single']}": "0", f"q{q['scale']}": "3"})
    assert response.status_code == 200
    page = phone.page
    log_in(page, coordinator.username)
    page.goto(f"/citizen/surveys/{survey_id}/results")
    page.wait_for_load_state("load")  # citizen-results.js has set the bars' widths

    cells = page.locator(".survey-bar-track").evaluate_all(SHARE_CELLS)
    assert {"text": "100\u00a0%", "inside": True} in cells  # "Aldrig": the one answer
    assert all(cell["inside"] for cell in cells), cells
    full = page.locator(".survey-bar[data-share='1.000']").first
    expect(full).to_be_visible()
    track = page.locator(".survey-bar-track").first.bounding_box()
    assert full.bounding_box()["width"] == pytest.approx(track["width"], abs=1)
    # Each answer is a card on the phone: nothing of the table lies beyond the screen.
    wraps = page.locator(".survey-counts").evaluate_all(
        "tables => tables.map(t => t.closest('.table-wrap'))"
        ".map(w => w.scrollWidth <= w.clientWidth + 1)"
    )
    assert wraps and all(wraps), wraps
