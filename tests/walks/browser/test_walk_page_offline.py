"""A participant's phone drops the walk's tab without signal: the walk page comes back from the
phone with what waits to be sent, and goes once the participant has left.

A participant has no login and no other page, so the service worker keeps their walk page (sw.js,
warmWalk) the way it keeps a field user's forms, and drops it as the server says the walk
session ended. The /offline page offers what this phone keeps for its visitor and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserNet, new_phone_context, tile_host
from tests.browser.helpers import (
    log_in,
    outbox_items,
    poll,
    wait_for_position,
    wait_for_service_worker,
)
from tests.walks.helpers import make_walk

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
SHOTS = Path(__file__).resolve().parents[3] / "instance" / "test-shots"

# The walk page the worker keeps for this phone's participant, or null.
KEPT_WALK_PAGE = """async () => {
  for (const name of (await caches.keys()).filter(n => n.startsWith('trygg-walk-'))) {
    const meta = await (await caches.open(name)).match('/__trygg/walk-meta');
    if (meta) return (await meta.json()).path;
  }
  return null;
}"""


# Counts, in every page of the phone, the walk-session requests made while it has no network.
# (Offline requests are not reliably reported as network events: the page's own fetch is.)
COUNT_OFFLINE_SESSION_CHECKS = """(() => {
  const original = window.fetch;
  window.fetch = function (input, init) {
    const url = String(typeof input === "string" ? input : input && input.url);
    if (url.includes("/api/v1/walk-session") && !navigator.onLine) {
      const key = "offline-session-checks";
      sessionStorage.setItem(key, String(Number(sessionStorage.getItem(key) || 0) + 1));
    }
    return original.apply(this, arguments);
  };
})();"""
# Without signal the worker may wait for the network up to its timeout (sw.js, 6 s) before it
# answers with what it keeps.
OFFLINE_LOAD = 15_000


def join_with_the_link(page: Page, code: str) -> None:
    page.set_viewport_size(SMALL_PHONE)
    page.goto(f"/walk/join/{code}")
    page.get_by_role("button", name="Gå med i vandringen").tap()
    expect(page.get_by_role("heading", name="Markera en plats")).to_be_visible()
    wait_for_service_worker(page)


def mark(page: Page, category: str, note: str) -> None:
    page.locator(f"#spot-form input[name=category][value='{category}']").locator("..").tap()
    page.get_by_label("Anteckning").fill(note)
    page.get_by_role("button", name="Spara platsen").tap()
    expect(page.locator("#spot-status")).to_have_text(
        "Sparad i telefonen – skickas när det finns nät."
    )


def test_the_walk_page_comes_back_offline_with_its_waiting_spots_and_both_arrive(
    phone, app, coordinator, browser
):  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    page = phone.page
    phone.context.add_init_script(COUNT_OFFLINE_SESSION_CHECKS)
    join_with_the_link(page, walk.join_code)
    wait_for_position(page)
    poll(page, KEPT_WALK_PAGE)  # kept by itself right after joining

    phone.go_offline()
    mark(page, "belysning", "Mörk gångtunnel")
    page.reload()  # the phone dropped the tab; no signal
    expect(page.get_by_role("heading", name="Trygghetsvandring centrum")).to_be_visible(
        timeout=OFFLINE_LOAD
    )
    expect(page.locator("#offline-page")).to_have_count(0)
    waiting = page.locator("#walk-waiting")
    expect(waiting).to_be_visible()
    expect(waiting.locator("li")).to_have_count(1)
    expect(waiting.locator("li")).to_contain_text("Mörk gångtunnel")
    expect(page.locator("#net-status [data-outbox-count]")).to_have_text("1")

    wait_for_position(page)
    mark(page, "skadegorelse", "Klotter på busskuren")
    expect(waiting.locator("li")).to_have_count(2)
    # The header's count leads to that list on the walk page, not to the officers' My records.
    page.locator("#net-status .outbox-count").tap()
    expect(page).to_have_url(re.compile(rf"/walk/{walk.id}#walk-waiting$"))
    expect(waiting).to_be_in_viewport()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "walk-offline-reloaded-360.png"))

    # Any other page without signal offers the way back to the walk, and only that.
    page.goto("/walks/")
    offline = page.locator("#offline-page")
    expect(offline).to_be_visible(timeout=OFFLINE_LOAD)
    expect(offline.get_by_role("link", name="Ny iakttagelse")).to_be_hidden()
    expect(offline.get_by_role("link", name="Mina registreringar")).to_be_hidden()
    expect(offline.get_by_role("button", name="Försök igen")).to_be_visible()
    offline.get_by_role("link", name="Tillbaka till vandringen").tap()
    expect(page).to_have_url(re.compile(rf"/walk/{walk.id}$"), timeout=OFFLINE_LOAD)
    expect(page.locator("#walk-waiting li")).to_have_count(2)
    # Without any network the phone does not keep asking the server for the walk session (the
    # first step of every try to send): the "online" event sends.
    page.wait_for_timeout(1000)
    assert page.evaluate("() => sessionStorage.getItem('offline-session-checks')") is None
    assert [item["attempts"] for item in outbox_items(page)] == [0, 0]

    phone.go_online()
    expect(page.locator("#walk-waiting")).to_be_hidden(timeout=30_000)
    expect(page.locator("#net-status .outbox-count")).to_be_hidden()

    # The coordinator's page of the walk counts both spots.
    net = BrowserNet(tile_host=tile_host(app))
    desk = new_phone_context(browser, phone.base_url, net, viewport={"width": 1280, "height": 900})
    try:
        coordinator_page = desk.new_page()
        log_in(coordinator_page, "coordinator")
        coordinator_page.goto(f"/walks/{walk.id}")
        expect(coordinator_page.get_by_text("2 platser markerade.")).to_be_visible()
    finally:
        desk.close()
    assert net.leaks == []


@pytest.mark.parametrize("how", ["leaves the walk", "cookie gone"])
def test_the_kept_walk_page_goes_when_the_walk_session_ends(phone, app, coordinator, how):  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    page = phone.page
    join_with_the_link(page, walk.join_code)
    poll(page, KEPT_WALK_PAGE)

    if how == "leaves the walk":
        page.get_by_role("button", name="Lämna vandringen i den här telefonen").tap()
        expect(page).to_have_url(re.compile(r"/walk/join$"))
    else:
        # A fresh visitor: the browser's cookies are gone, the worker's caches are not; any
        # page with signal tells the worker that no walk session is left.
        phone.context.clear_cookies()
        page.goto("/report")
    poll(page, f"() => ({KEPT_WALK_PAGE})().then(path => path === null)")

    phone.go_offline()
    page.goto(f"/walk/{walk.id}")
    expect(page.locator("#offline-page")).to_be_visible(timeout=OFFLINE_LOAD)
    expect(page.get_by_role("link", name="Tillbaka till vandringen")).to_be_hidden()
    expect(page.get_by_role("heading", name="Markera en plats")).to_have_count(0)
