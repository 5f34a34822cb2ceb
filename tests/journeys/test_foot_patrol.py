"""Journey 1: an officer on a phone starts a foot patrol from the start page, records the route,
makes observations on the way (one with a photo, one offline with a poor GPS fix that is saved
anyway), stops the patrol; the coordinator at a desk finds the patrol through the menu and sees
its route, its duration and its observations on the map, and that one position is imprecise.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import jpeg_bytes
from tests.journeys.helpers import open_menu_link
from webapp.activities.models import Activity
from webapp.extensions import db
from webapp.observations.models import Observation, Photo

# East along Storgatan, about 60 m between fixes.
WALK = [(59.8366, 13.1440), (59.8367, 13.1451), (59.8368, 13.1462), (59.8369, 13.1473)]
GOOD_FIX = 8
POOR_FIX = 120  # worse than GPS_ACCURACY_LIMIT_M (50)


def fix(lat: float, lon: float, accuracy: float) -> dict[str, float]:
    return {"latitude": lat, "longitude": lon, "accuracy": accuracy}


def choose_category(page: Page, label: str) -> None:
    page.locator("label.category-option", has_text=label).click()


def test_a_foot_patrol_with_observations_reaches_the_coordinators_map(people, demo):
    officer = people("officer", phone=True)
    page = officer.page
    officer.log_in("polis")

    page.get_by_role("link", name="Registrera en aktivitet").click()
    page.get_by_role("link", name="Fotpatrullering i centrum").click()
    page.get_by_role("button", name="Starta patrull").click()
    expect(page.locator("#patrol-running")).to_be_visible()
    page.get_by_label("Spela in rutten medan sidan är öppen").check()
    expect(page.locator("#route-indicator")).to_be_visible()
    for lat, lon in WALK[1:]:
        officer.context.set_geolocation(fix(lat, lon, GOOD_FIX))  # type: ignore[attr-defined]
        page.wait_for_timeout(300)  # walking
    expect(page.locator("#route-indicator")).to_contain_text(re.compile(r"[3-9] punkter"))

    # An observation with a photo, online.
    page.get_by_role("link", name="Ny iakttagelse under patrullen").click()
    expect(page.locator("#gps-status")).to_have_attribute("data-state", "fix")
    expect(page.get_by_text("Registreras på den pågående patrullen.")).to_be_visible()
    choose_category(page, "Belysning")
    page.get_by_text("Mer (anteckning, bedömning, foto)").click()
    page.get_by_label("Anteckning").fill("Trasig gatlampa vid busshållplatsen")
    page.get_by_label("Foto").set_input_files(
        files=[{"name": "lampa.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.evaluate("() => window.scrollTo(0, 0)")
    officer.shot("readme-field-entry", full_page=False)  # the README's picture of field entry
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "sent")

    # No signal in the pedestrian tunnel, and the fix there is poor: "Spara" asks first.
    officer.go_offline()
    officer.context.set_geolocation(fix(*WALK[-1], POOR_FIX))  # type: ignore[attr-defined]
    expect(page.locator("#gps-status")).to_have_attribute("data-state", "inaccurate")
    choose_category(page, "Otrygg plats")
    page.get_by_text("Mer (anteckning, bedömning, foto)").click()
    page.get_by_label("Anteckning").fill("Mörk gångtunnel under järnvägen")
    page.get_by_role("button", name="Spara", exact=True).click()
    prompt = page.locator("#position-prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("±120 m")
    assert page.evaluate("() => TryggOutbox.count()") == 0  # not saved by one tap alone
    officer.shot("01-poor-fix-asks-for-a-pin", full_page=False)
    page.get_by_role("button", name="Spara ändå").click()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "queued")
    expect(page.locator("#net-status [data-outbox-count]")).to_have_text("1")

    # Back on the patrol page (stored on the phone), online again, and the patrol ends.
    page.get_by_role("link", name="Tillbaka till patrullen").click()
    expect(page.locator("#patrol-running")).to_be_visible()
    officer.go_online()
    expect(page.locator("#net-status .outbox-count")).to_be_hidden(timeout=30_000)
    page.get_by_role("button", name="Avsluta patrull").click()
    expect(page.get_by_text("Avsluta patrullen nu?")).to_be_visible()  # one slip must not end it
    page.get_by_role("button", name="Ja, avsluta patrullen").click()
    expect(page).to_have_url(re.compile(r"/patrols/[0-9a-f-]{36}$"))
    expect(page.locator(".flash-success")).to_have_text("Patrullen har avslutats.")
    officer.shot("01-patrol-stopped-phone")

    # The coordinator at a desk: the menu, the patrol list, the patrol and its map.
    coordinator = people("coordinator", phone=False)
    desk = coordinator.page
    coordinator.log_in("samordnare")
    open_menu_link(desk, "Patrull")
    desk.locator("table a").first.click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Fotpatrull")
    facts = desk.locator("dl.facts")
    expect(facts).to_contain_text("Slutade")
    expect(facts).to_contain_text(re.compile(r"Varaktighet\s*\d+\s*min"))
    expect(facts).to_contain_text("Ruttens längd")
    patrol_map = desk.locator("#patrol-map")
    expect(patrol_map.locator(".leaflet-overlay-pane path").first).to_be_visible()
    drawn = patrol_map.locator(".leaflet-marker-icon, .leaflet-overlay-pane path")
    expect(drawn).not_to_have_count(1)  # the route and the observations' markers
    listed = desk.locator("section", has_text="Iakttagelser under patrullen")
    expect(listed.locator("li")).to_have_count(2)
    expect(listed).to_contain_text("Trasig gatlampa")
    expect(listed).to_contain_text("Mörk gångtunnel")
    expect(listed.locator("li", has_text="Otrygg plats")).to_contain_text("osäker position")
    coordinator.shot("01-patrol-on-the-coordinators-map")

    listed.get_by_role("link", name=re.compile("Otrygg plats")).click()
    expect(desk.locator("#imprecise-position")).to_contain_text("Osäker position")
    expect(desk.locator("main")).to_contain_text("±\u00a0120\u00a0m")

    with demo.app_context():
        patrol = (
            db.session.execute(
                db.select(Activity)
                .where(Activity.route.is_not(None))
                .order_by(Activity.started_at.desc())
            )
            .scalars()
            .first()
        )
        assert patrol is not None and patrol.ended_at is not None
        assert len(patrol.route["coordinates"]) >= 3
        made = (
            db.session.execute(db.select(Observation).filter_by(activity_id=patrol.id))
            .scalars()
            .all()
        )
        assert sorted(o.imprecise_position for o in made) == [False, True]
        photos = db.session.scalar(
            db.select(db.func.count())
            .select_from(Photo)
            .where(Photo.observation_id.in_([o.id for o in made]))
        )
        assert photos == 1
