"""A participant's phone after the walk's protocol is published: the page has no forms, its
script still draws the map of what was marked without asking for the position, and an entry that
waited on the phone too long is refused with the reason."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import poll, wait_for_outbox_count
from tests.walks.browser.test_participant_page_feedback import join_with_the_link, rate_stop
from tests.walks.helpers import make_walk
from webapp.auth.models import User
from webapp.extensions import db
from webapp.walks import service
from webapp.walks.models import SafetyWalk

pytestmark = pytest.mark.browser

# Counts the page's requests for the phone's position (the published page makes none).
COUNT_WATCHES = """
window.positionWatches = 0;
const watch = navigator.geolocation.watchPosition.bind(navigator.geolocation);
navigator.geolocation.watchPosition = (...args) => {
  window.positionWatches += 1;
  return watch(...args);
};
"""


def _publish(app, walk_id: int, coordinator: User) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        walk, user = db.session.get(SafetyWalk, walk_id), db.session.get(User, coordinator.id)
        service.mark_held(walk, user)
        service.publish_protocol(walk, user)


def test_a_published_walk_shows_what_was_entered_and_refuses_what_still_waited(
    phone, app, coordinator
):
    walk = make_walk(app, coordinator.id, starts_at=datetime.now(UTC) - timedelta(hours=1))
    page = phone.page
    phone.context.add_init_script(COUNT_WATCHES)
    join_with_the_link(page, walk.join_code)
    rate_stop(page, "Stortorget", 1)
    wait_for_outbox_count(page, 0)
    # A second rating cannot reach the server before the protocol is published.
    phone.context.route(re.compile(r".*/stops/\d+/ratings$"), lambda route: route.abort("failed"))
    rate_stop(page, "Parken", 2)
    wait_for_outbox_count(page, 1)
    _publish(app, walk.id, coordinator)
    page.goto("about:blank")  # the old page's retry timer must not send it
    phone.context.unroute(re.compile(r".*/stops/\d+/ratings$"))

    page.goto(f"/walk/{walk.id}")
    expect(
        page.get_by_role("heading", name=re.compile("protokollet är publicerat"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="Läs protokollet")).to_be_visible()
    expect(page.locator("form#spot-form, form.rating-form")).to_have_count(0)
    expect(page.locator("#participant-map .leaflet-tile-pane")).to_have_count(1)  # map drawn
    ratings = page.locator("ol.own-ratings li")
    expect(ratings.filter(has_text="Stortorget")).to_contain_text("bedömt")
    expect(ratings.filter(has_text="Parken")).to_contain_text("inte bedömt")
    # The rating that waited can still be sent, and is refused with the server's reason.
    page.get_by_role("button", name="Skicka nu").tap()
    alert = page.locator("#outbox-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("protokollet är publicerat")
    assert poll(page, "() => window.positionWatches === 0 && document.readyState === 'complete'")
    page.locator("#participant-map").click(position={"x": 40, "y": 60})
    expect(page.locator("#participant-map .leaflet-marker-draggable")).to_have_count(0)
