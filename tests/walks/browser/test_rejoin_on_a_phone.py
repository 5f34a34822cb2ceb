"""A participant's phone whose walk session ends while spots still wait on it, and a participant
who taps "Lämna vandringen" without signal (360 px).

Joining the same walk again on the phone makes a new participant with a new outbox store: what
waited under the earlier one is moved there and sent, once (walk-participant.js, takeOver), and
nothing of another walk or of a login's store goes with it. Leaving needs the server, so without
a network the page says so and keeps everything.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import outbox_items, poll, wait_for_outbox_count, wait_for_position
from tests.walks.browser.test_walk_page_offline import KEPT_WALK_PAGE, join_with_the_link, mark
from tests.walks.helpers import make_walk
from webapp.extensions import db
from webapp.walks.models import WalkParticipant, WalkSpot

pytestmark = pytest.mark.browser

# Puts one item into the outbox store `name` of this phone (made if need be), as outbox.js keeps
# it; returns nothing. And reads the ids of the items in a store (null when there is none).
PUT_ITEM = """async ([name, item]) => {
  const db = await new Promise((resolve, reject) => {
    const opening = indexedDB.open(name, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore("items", { keyPath: "id" });
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  await new Promise((resolve, reject) => {
    const tx = db.transaction("items", "readwrite");
    tx.objectStore("items").put({ ...item, photos: [], state: "waiting", created_at: Date.now() });
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}"""
ITEM_IDS = """async (name) => {
  if (!(await indexedDB.databases()).some((info) => info.name === name)) return null;
  const db = await new Promise((resolve) => {
    const opening = indexedDB.open(name);
    opening.onsuccess = () => resolve(opening.result);
  });
  const ids = await new Promise((resolve) => {
    const asked = db.transaction("items").objectStore("items").getAllKeys();
    asked.onsuccess = () => resolve(asked.result);
  });
  db.close();
  return ids;
}"""


def scope_of(page: Page) -> str:
    return page.locator("body").get_attribute("data-outbox-scope") or ""


def arrived(page: Page, app, walk_id: int, timeout: float = 30.0) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """The walk's spots on the server (id, note, participant), once there is at least one."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            rows = db.session.execute(db.select(WalkSpot).filter_by(walk_id=walk_id)).scalars()
            spots = [(s.id, s.note, s.participant_id) for s in rows]
            if spots or time.monotonic() > deadline:
                return spots
        page.wait_for_timeout(200)


def spot_item(walk_id: int, note: str) -> dict:
    spot_id = str(uuid.uuid4())
    payload = {"id": spot_id, "lat": 59.8366, "lon": 13.144, "category": "belysning", "note": note}
    return {
        "id": spot_id,
        "payload": payload,
        "kind": "walk_spot",
        "url": f"/api/v1/walks/{walk_id}/spots",
    }


def test_spots_that_waited_when_the_session_ended_arrive_once_after_joining_again(
    phone, app, coordinator, staff
):  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    page = phone.page
    join_with_the_link(page, walk.join_code)
    first_scope = scope_of(page)
    wait_for_position(page)
    phone.go_offline()
    mark(page, "belysning", "Mörk gångtunnel")
    (waiting,) = outbox_items(page)
    # Also on this phone: another walk's earlier participant, and a login's store (a staff
    # member who joined this walk through their account): neither is this participant's.
    other_walk = spot_item(walk.id + 1000, "Annan vandring")
    logins = spot_item(walk.id, "Personalens plats")
    other_store = f"trygg-outbox-walk-{uuid.uuid4()}"
    login_store = f"trygg-outbox-u{staff.id}"
    page.evaluate(PUT_ITEM, [other_store, other_walk])
    page.evaluate(PUT_ITEM, [login_store, logins])

    # The session ends while the phone is offline (the browser forgot its cookie).
    phone.context.clear_cookies()
    phone.go_online()
    ended = page.locator("#walk-session-ended")
    expect(ended).to_be_visible(timeout=20_000)
    expect(ended).to_contain_text("Det som inte har skickats än finns kvar i telefonen")
    expect(page.locator("#walk-waiting li")).to_contain_text("Mörk gångtunnel")

    ended.get_by_role("link", name="Gå med igen").tap()
    page.get_by_label("Anslutningskod").fill(walk.join_code)
    page.get_by_role("button", name="Fortsätt").tap()
    page.get_by_role("button", name="Gå med i vandringen").tap()
    expect(page.get_by_role("heading", name="Markera en plats")).to_be_visible()
    assert scope_of(page) != first_scope  # a new participant

    # Sent as the new participant, once.
    new_participant = scope_of(page).removeprefix("walk-")
    assert arrived(page, app, walk.id) == [(waiting["id"], "Mörk gångtunnel", new_participant)]
    wait_for_outbox_count(page, 0)
    expect(page.locator("#walk-waiting")).to_be_hidden()
    page.wait_for_timeout(1000)  # nothing more comes
    assert len(arrived(page, app, walk.id)) == 1
    with app.app_context():
        assert db.session.get(WalkParticipant, first_scope.removeprefix("walk-")) is not None
    # The earlier store is gone, the other two are as they were.
    assert page.evaluate(ITEM_IDS, f"trygg-outbox-{first_scope}") is None
    assert page.evaluate(ITEM_IDS, other_store) == [other_walk["id"]]
    assert page.evaluate(ITEM_IDS, login_store) == [logins["id"]]


def test_leaving_the_walk_offline_says_it_needs_a_network_and_keeps_everything(
    phone, app, coordinator
):  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    page = phone.page
    join_with_the_link(page, walk.join_code)
    wait_for_position(page)
    phone.go_offline()
    mark(page, "skadegorelse", "Klotter på busskuren")

    leave = page.get_by_role("button", name="Lämna vandringen i den här telefonen")
    leave.tap()
    expect(
        page.get_by_role("alert").filter(has_text="Det behövs nät för att lämna vandringen")
    ).to_be_visible()
    expect(leave).to_have_accessible_description(re.compile("^Det behövs nät"))
    expect(page).to_have_url(re.compile(rf"/walk/{walk.id}$"))
    expect(page.get_by_role("heading", name="Markera en plats")).to_be_visible()
    expect(page.locator("#walk-waiting li")).to_contain_text("Klotter på busskuren")

    # With signal again, leaving sends what waited first, then leaves.
    phone.go_online()
    leave.tap()
    expect(page).to_have_url(re.compile(r"/walk/join$"), timeout=20_000)
    expect(page.get_by_text("Du har lämnat vandringen i den här telefonen.")).to_be_visible()
    with app.app_context():
        spots = db.session.execute(db.select(WalkSpot).filter_by(walk_id=walk.id)).scalars().all()
        assert [s.note for s in spots] == ["Klotter på busskuren"]
        (participant,) = db.session.execute(db.select(WalkParticipant)).scalars()
        assert participant.left_at is not None
    poll(page, f"() => ({KEPT_WALK_PAGE})().then(path => path === null)")
