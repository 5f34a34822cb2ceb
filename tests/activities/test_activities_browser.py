"""Promise activities on a phone: each kind is saved offline, waits in the outbox and syncs.

Each test also fails if a request left 127.0.0.1 or the page threw a JavaScript error (see the
`phone` fixture in conftest.py).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import Phone
from tests.browser.helpers import (
    end_all_sessions,
    log_in,
    outbox_items,
    poll,
    wait_for_outbox_count,
    wait_for_service_worker,
)
from webapp.activities.models import Activity
from webapp.core.localtime import local_today
from webapp.extensions import db

pytestmark = pytest.mark.browser

ROTTNEROS = {"latitude": 59.7800, "longitude": 13.1200, "accuracy": 12}
# A walk east along Storgatan, roughly 60 m between fixes.
WALK = [(59.8366, 13.1440), (59.8367, 13.1451), (59.8368, 13.1462), (59.8369, 13.1473)]


def server_activities(app: Flask) -> dict[str, dict[str, Any]]:
    with app.app_context():
        rows = db.session.execute(db.select(Activity)).scalars().all()
        return {
            row.id: {
                "kind": row.activity_type.kind,
                "ended_at": row.ended_at,
                "length_m": row.length_m,
                "route": row.route,
                "details": row.details,
                "outside_tatort": row.outside_tatort,
                "follow_ups": [(f.what, f.owner, f.due_on) for f in row.follow_ups],
                "place": row.place,
            }
            for row in rows
        }


def open_online_then_go_offline(phone: Phone, username: str, path: str) -> Page:
    page = phone.page
    log_in(page, username)
    wait_for_service_worker(page)
    page.goto(path)
    phone.go_offline()
    expect(page.locator("#net-status .net-indicator")).to_have_attribute("data-state", "offline")
    return page


def save_offline(page: Page) -> str:
    page.locator("#activity-form button[type=submit]").tap()
    # Tried to send, found no network, kept it: the form is free for the next entry.
    expect(page.locator("#activity-form")).to_have_attribute("data-state", "queued")
    (item,) = outbox_items(page)
    assert item["state"] == "waiting"
    return item["id"]


def test_patrol_started_and_stopped_offline_with_a_route_syncs(phone, app, officer):
    page = open_online_then_go_offline(phone, "officer", "/patrols/")
    page.locator("#patrol-start-form button[type=submit]").tap()
    expect(page.locator("#patrol-running")).to_be_visible()
    expect(page.locator("#patrol-app")).to_have_attribute("data-state", "queued")
    (start,) = outbox_items(page)
    patrol_id = start["id"]
    expect(page.locator("#patrol-observation-link")).to_have_attribute(
        "href", re.compile(rf"activity_id={patrol_id}")
    )
    assert page.evaluate("() => document.body.dataset.openPatrolId") == patrol_id

    page.locator("label", has_text=re.compile("rutt|route", re.I)).locator("input").check()
    indicator = page.locator("#route-indicator")
    expect(indicator).to_be_visible()
    expect(indicator).to_contain_text(re.compile("Spårar rutt|Recording route"))
    for lat, lon in WALK[1:]:
        phone.context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 8})
        page.wait_for_timeout(300)
    poll(
        page,
        """() => {
             const key = 'trygg-patrol-u' + document.body.dataset.userId;
             return (JSON.parse(localStorage.getItem(key)) || {route: []}).route.length >= 3;
           }""",
    )

    # A reload offline keeps the running patrol (the page comes from the worker's cache).
    page.reload()
    expect(page.locator("#patrol-running")).to_be_visible()
    # "Avsluta patrull" asks first; "Fortsätt patrullera" changes nothing.
    page.get_by_role("button", name="Avsluta patrull").tap()
    page.get_by_role("button", name="Fortsätt patrullera").tap()
    expect(page.get_by_role("button", name="Avsluta patrull")).to_be_focused()
    expect(page.locator("#patrol-running")).to_be_visible()
    assert [item["id"] for item in outbox_items(page)] == [patrol_id]
    page.get_by_role("button", name="Avsluta patrull").tap()
    page.get_by_role("button", name="Ja, avsluta patrullen").tap()
    expect(page.locator("#patrol-app")).to_have_attribute("data-state", "queued")
    expect(page.locator("#patrol-start-form")).to_be_visible()
    expect(indicator).to_be_hidden()
    assert [item["id"] for item in outbox_items(page)] == [patrol_id, patrol_id + ":stop"]
    assert server_activities(app) == {}

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    row = server_activities(app)[patrol_id]
    assert row["kind"] == "patrol" and row["ended_at"] is not None
    assert len(row["route"]["coordinates"]) >= 3
    assert 100 < row["length_m"] < 400


def test_patrol_online_ends_on_its_map(phone, app, officer):
    page = phone.page
    log_in(page, "officer")
    page.goto("/patrols/")
    page.locator("#patrol-start-form button[type=submit]").tap()
    expect(page.locator("#patrol-app")).to_have_attribute("data-state", "sent")
    page.locator("#route-toggle").check()
    for lat, lon in WALK[1:]:
        phone.context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 8})
        page.wait_for_timeout(300)
    page.get_by_role("button", name="Avsluta patrull").tap()
    page.get_by_role("button", name="Ja, avsluta patrullen").tap()
    expect(page).to_have_url(re.compile(r"/patrols/[0-9a-f-]{36}$"))
    # The route is drawn (an SVG path in Leaflet's overlay pane); tiles are never fetched.
    expect(page.locator("#patrol-map .leaflet-overlay-pane path").first).to_be_visible()
    (row,) = server_activities(app).values()
    assert row["ended_at"] is not None and row["length_m"] > 100


def test_business_visit_outside_the_town_saved_offline_syncs(phone, app, officer):
    phone.context.set_geolocation(ROTTNEROS)
    page = open_online_then_go_offline(phone, "officer", "/activities/new/foretagsbesok")
    # Empty, it is not kept offline to be refused later: the missing fields are said at once.
    page.locator("#activity-form button[type=submit]").tap()
    expect(page.locator("#f-details-business_name-client-error")).to_be_visible()
    expect(page.locator("#f-details-topics-client-error")).to_have_text("Välj minst ett.")
    expect(page.locator("#f-details-business_name")).to_be_focused()
    assert outbox_items(page) == []
    page.fill("#f-details-business_name", "Rottneros Bygg AB")
    page.fill("#f-details-org_number", "556036-0793")
    page.locator("input[name='details.topics'][value=inbrott_stold]").check()
    page.fill("#f-details-outcome", "Tipsade om grannsamverkan.")
    page.locator("[data-locate]").tap()
    expect(page.locator("[data-position-status]")).to_contain_text("12")
    visit_id = save_offline(page)
    (waiting,) = outbox_items(page)
    assert waiting["label"].endswith(": Rottneros Bygg AB")  # told apart from other visits
    assert waiting["field_labels"]["details.business_name"] == "Företag"

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    row = server_activities(app)[visit_id]
    assert row["outside_tatort"] is True
    assert row["details"]["business_name"] == "Rottneros Bygg AB"
    assert row["details"]["topics"] == ["inbrott_stold"]


def test_a_business_visit_placed_in_the_town_says_so_offline(phone, app, officer):
    """The promise is about businesses outside Sunne tätort: a pin at the station (the phone's
    position when the visit is written up afterwards) is pointed out at once, with no network;
    a place outside the town is not."""
    station = {"latitude": WALK[0][0], "longitude": WALK[0][1], "accuracy": 8}
    phone.context.set_geolocation(station)
    page = open_online_then_go_offline(phone, "officer", "/activities/new/foretagsbesok")
    hint = page.locator("[data-in-town]")
    expect(hint).to_be_hidden()
    page.locator("[data-locate]").tap()
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Platsen ligger inom Sunne tätort")
    page.fill("#f-lat-input", str(ROTTNEROS["latitude"]))
    page.fill("#f-lon-input", str(ROTTNEROS["longitude"]))
    page.locator("#f-lon-input").press("Tab")  # the change of a typed position
    expect(hint).to_be_hidden()


def test_andt_intervention_saved_offline_syncs_counts(phone, app, officer):
    page = open_online_then_go_offline(phone, "officer", "/activities/new/andt")
    expect(page.locator(".privacy-notice")).to_be_visible()
    page.fill("#f-place", "Skateparken")
    page.locator("input[name='details.intervention'][value=samtal]").check()
    page.fill("#f-details-reached-under_15", "2")
    page.fill("#f-details-reached-age_15_17", "6")
    page.locator("input[name='details.substances'][value=tobak]").check()
    andt_id = save_offline(page)

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    row = server_activities(app)[andt_id]
    assert row["details"]["reached"] == {"under_15": 2, "age_15_17": 6, "age_18_20": 0}
    assert row["place"] == "Skateparken"


def test_meeting_saved_offline_syncs_its_follow_ups(phone, app, staff):
    page = open_online_then_go_offline(phone, "staff", "/activities/new/samverkan-skola-soc")
    for code in ("skola", "socialtjanst"):
        page.locator(f"input[name='details.organisations'][value={code}]").check()
    page.fill("#f-details-cases_discussed", "3")
    page.fill("#f-details-follow_ups-0-what", "Kartlägga frånvaro")
    page.select_option("#f-details-follow_ups-0-owner", "skola")
    due = (local_today() + timedelta(days=14)).isoformat()
    page.fill("#f-details-follow_ups-0-due_on", due)
    meeting_id = save_offline(page)

    phone.go_online()
    wait_for_outbox_count(page, 0, timeout=30)
    row = server_activities(app)[meeting_id]
    assert row["follow_ups"] == [("Kartlägga frånvaro", "skola", date.fromisoformat(due))]


def test_identity_number_refused_online_is_shown_in_the_form(phone, app, officer):
    page = phone.page
    log_in(page, "officer")
    page.goto("/activities/new/andt")
    page.locator("input[name='details.intervention'][value=kontroll]").check()
    page.locator("input[name='details.substances'][value=alkohol]").check()
    page.fill("#f-details-actions", "Kontroll av 640823-3234")
    page.locator("#activity-form button[type=submit]").tap()
    expect(page.locator("#f-details-actions-client-error")).to_contain_text(
        re.compile("personnummer|personal identity")
    )
    assert outbox_items(page) == []  # refused while the page was open: nothing left queued
    assert server_activities(app) == {}


def test_an_observation_made_during_a_patrol_offline_belongs_to_that_patrol(phone, app, officer):
    """Started offline, the patrol reaches the server first; the observation then links to it."""
    from tests.browser.helpers import save_observation
    from webapp.observations.models import Observation

    page = open_online_then_go_offline(phone, "officer", "/patrols/")
    page.locator("#patrol-start-form button[type=submit]").tap()
    expect(page.locator("#patrol-running")).to_be_visible()
    (start,) = outbox_items(page)
    # The ordinary start-screen way in, not the patrol page's own link.
    page.goto("/")
    page.locator("#start-new-observation").tap()
    expect(page.locator("#obs-save")).to_be_visible()
    page.wait_for_load_state("load")
    save_observation(page, "belysning", note="Under patrullen")
    items = page.evaluate(
        "() => TryggOutbox.list().then(items => items.map(i => ({id: i.id, after: i.after,"
        " activity_id: i.payload.activity_id || null})))"
    )
    assert items[0]["id"] == start["id"]
    observation_item = items[-1]
    assert observation_item["activity_id"] == start["id"]
    assert observation_item["after"] == start["id"]

    phone.go_online()
    wait_for_outbox_count(page, 0)
    with app.app_context():
        row = db.session.get(Observation, observation_item["id"])
        assert row is not None and row.activity_id == start["id"]


def test_a_patrol_started_after_the_login_ended_says_it_waits_for_a_login(phone, app, officer):
    """Online all along: "sent when there is a connection" would not be true. The start waits
    on the phone for a login, and the banner offers one."""
    page = phone.page
    log_in(page, "officer")
    page.goto("/patrols/")
    end_all_sessions(app, "officer")
    page.locator("#patrol-start-form button[type=submit]").tap()
    expect(page.locator("#patrol-app")).to_have_attribute("data-state", "queued")
    expect(page.locator("#patrol-app [data-save-status]")).to_have_text(
        "Patrullen har startat. Sparad i telefonen; den skickas när du har loggat in igen."
    )
    expect(page.locator("#relogin-banner")).to_be_visible()
    (item,) = outbox_items(page)
    assert item["state"] == "waiting"
    assert server_activities(app) == {}
