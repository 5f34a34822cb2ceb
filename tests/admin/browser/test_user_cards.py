"""The users list on a phone: a date keeps to one line beside its label.

"Senaste inloggning" is wider than the card's label column; its cell keeps the date on one line
(td.when), and the label did too, so the label ran past its column and pushed the date onto a
line of its own, unlike every other line of the card.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserNet, tile_host
from tests.browser.helpers import log_in
from webapp.core.dbtypes import utcnow
from webapp.extensions import db

pytestmark = pytest.mark.browser

BESIDE = """(cell) => {
  const text = document.createRange();
  text.selectNodeContents(cell.querySelector(".cell"));
  const value = text.getBoundingClientRect();
  return {value_top: value.top - cell.getBoundingClientRect().top, value_height: value.height,
          font: parseFloat(getComputedStyle(cell).fontSize)};
}"""


def test_last_login_sits_beside_its_label_on_a_phone(app, browser, live_server, admin, officer):  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.merge(officer).last_login_at = utcnow()
        db.session.commit()
    context = browser.new_context(
        base_url=live_server, locale="sv-SE", viewport={"width": 360, "height": 800}
    )
    context.route("**/*", BrowserNet(tile_host=tile_host(app)).handle)
    page = context.new_page()
    try:
        log_in(page, "admin")
        page.goto("/")
        page.get_by_role("link", name="Användare").first.click()
        expect(page.get_by_role("heading", name="Användare", level=1)).to_be_visible()
        cells = page.locator("td.when[data-label='Senaste inloggning']")
        expect(cells.first).to_be_visible()
        for index in range(cells.count()):
            found = cells.nth(index).evaluate(BESIDE)
            assert found["value_top"] < 8, found  # on the label's first line, not under it
            assert found["value_height"] < 2 * found["font"], found  # one line
    finally:
        context.close()
