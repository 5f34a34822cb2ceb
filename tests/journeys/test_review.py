"""Journey 5: the coordinator's review, from `/` on a desktop.

Triage the review queue with the action bar that follows the ticks, open an observation, see it
on a small map and go back to the queue, open it again, see its duplicate suggestions and merge
one with a click, turn the problem into a measure (owner, deadline), move the measure through its
states to done. It ends where the next person sees it: an officer's list of measures, and the
measure on the coordinator's map (the README's map screenshot).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.helpers import poll
from tests.journeys.conftest import SHOTS
from tests.journeys.helpers import assert_menu_over_page
from webapp.auth.models import User
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation

FIRST = "Stortorget: gatlampan vid bankomaten är släckt"
SECOND = "Stortorget: lampan vid bankomaten lyser inte, mörkt vid entrén"
MEASURE = "Byt armatur vid bankomaten på Stortorget"


def two_reports_of_one_lamp(app: Flask) -> tuple[str, str]:
    """The same broken lamp, reported twice a couple of hours apart, about 12 m apart.

    Set up before the journey starts, like the demo data: two officers met the same problem.
    """
    with app.app_context():
        officer = db.session.execute(db.select(User).filter_by(username="polis")).scalar_one()
        now = datetime.now(UTC)
        ids = []
        for note, hours_ago, dlat in ((FIRST, 3, 0.0), (SECOND, 1, 12 / 111_320)):
            observation = Observation(
                id=str(uuid.uuid4()),
                lat=59.83672 + dlat,
                lon=13.14331,
                accuracy_m=8.0,
                observed_at=now - timedelta(hours=hours_ago, minutes=1),
                category_code="belysning",
                note=note,
                visibility="shared",
                status="new",
                author_id=officer.id,
                content_hash="journey-5",
            )
            db.session.add(observation)
            ids.append(observation.id)
        db.session.commit()
        return ids[0], ids[1]


def open_menu(page: Page, group: str, link: str) -> None:
    nav = page.get_by_role("navigation", name="Huvudmeny")
    nav.get_by_text(group, exact=True).click()
    nav.get_by_role("link", name=link, exact=True).click()


def triage_two_records(page: Page) -> None:
    """Tick two new records that are not the lamp and mark them reviewed."""
    rows = page.locator("tbody tr").filter(has_not_text="bankomaten")
    ticked = []
    for row in rows.all()[:2]:
        box = row.get_by_role("checkbox")
        box.check()
        ticked.append(box.get_attribute("value"))
    # The actions wait at the bottom of the window, with the count, far above the list's end.
    bar = page.get_by_role("group", name="Med de markerade iakttagelserna")
    expect(bar.get_by_role("status")).to_have_text("2 markerade")
    button = bar.get_by_role("button", name="Markera som granskad")
    expect(button).to_be_in_viewport()
    assert page.evaluate(
        "() => scrollY + innerHeight < document.documentElement.scrollHeight - innerHeight"
    ), "the bar is only in view because the page was scrolled to its end"
    button.click()
    expect(page.locator(".flash-success")).to_contain_text("2 iakttagelser har uppdaterats")
    for observation_id in ticked:  # left the queue of new records
        expect(page.locator(f"input[value='{observation_id}']")).to_have_count(0)


def look_and_come_back(page: Page) -> None:
    """Open a record, see where it is on the map, and return to the queue by its back link."""
    page.get_by_role("link", name=SECOND).click()
    place = page.get_by_role("region", name="Karta över platsen där iakttagelsen gjordes")
    expect(place.locator("path.observation-point")).to_have_count(1)
    expect(place).not_to_have_attribute("tabindex", re.compile(r"^\d"))  # no tab stop, no trap
    page.get_by_role("link", name="Tillbaka till granskningskön").click()
    expect(page.get_by_role("heading", name="Att granska")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Granskningsstatus")
    # Each tab names its status and how many records wait there: "ny (3)".
    expect(tabs.get_by_role("link", name=re.compile(r"^ny \(\d+\)$"))).to_have_attribute(
        "aria-current", "page"
    )


def merge_the_suggested_duplicate(page: Page) -> None:
    page.get_by_role("link", name=SECOND).click()
    suggestions = page.get_by_role("region", name="Möjliga dubbletter")
    suggestion = suggestions.get_by_role("listitem").filter(has_text=FIRST)
    expect(suggestion).to_contain_text(re.compile(r"\b1[0-4] m bort, 2 timmar tidigare"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "05-review-duplicates.png"), full_page=True)
    suggestion.get_by_role("button", name="Slå ihop").click()
    # The earlier report stays; its page comes next.
    expect(page.locator(".flash-success")).to_contain_text("Sammanslaget")
    expect(page.locator("main .note")).to_have_text(FIRST)


def make_a_measure(page: Page, deadline: date) -> None:
    page.get_by_role("button", name="Gör om till åtgärd").click()
    expect(page.get_by_role("heading", name="Ny åtgärd")).to_be_visible()
    expect(page.locator("main")).to_contain_text(FIRST)
    page.get_by_label("Vad ska göras").fill(MEASURE)
    page.get_by_label("Ansvarig", exact=True).select_option(
        label="Kommunen – tekniska förvaltningen"
    )
    page.get_by_label("Sista datum").fill(deadline.isoformat())
    page.get_by_role("button", name="Skapa åtgärd").click()
    expect(page.locator(".flash-success")).to_contain_text("Åtgärden är skapad")


def move_through_states(page: Page) -> None:
    for state in ("beslutad", "pågår", "klar"):
        page.get_by_label("Ny status").select_option(label=state)
        page.get_by_role("button", name="Spara").click()
        expect(page.locator(".flash-success")).to_contain_text("Statusen är ändrad")
        expect(page.locator("dl.facts")).to_contain_text(state)


def wait_for_map(page: Page) -> None:
    expect(page.get_by_role("heading", name="Karta över Sunne")).to_be_visible()
    poll(page, "() => /visas/.test(document.getElementById('map-status').textContent)")


def find_on_the_map(page: Page) -> None:
    """Wait for the data, then click the measure markers until the popup shows ours."""
    wait_for_map(page)
    # The observation clusters are drawn above the measures: a person switches them off first.
    page.locator(".leaflet-control-layers-overlays label").filter(has_text="Iakttagelser").click()
    expect(page.locator(".server-cluster")).to_have_count(0)
    markers = page.locator("path.measure")
    # The measures' layer is asked for after the clusters: wait for it as a person would.
    expect(markers.first).to_be_attached()
    ours = page.locator(".leaflet-popup-content").filter(has_text=MEASURE)
    for index in range(markers.count()):
        # Markers of measures at the same place overlap; a tap lands on the topmost, as a
        # person's would, so Playwright's "another element would get the click" check is off.
        markers.nth(index).click(force=True)
        try:  # the popup opens a moment after the tap (while the previous one fades out)
            ours.last.wait_for(state="visible", timeout=2_000)
        except PlaywrightTimeoutError:
            continue  # another measure's popup: try the next marker
        popup = ours.last
        expect(popup).to_contain_text("klar")
        expect(popup.get_by_role("link", name="Öppna åtgärden")).to_be_visible()
        # Leaflet fades the popup in: the screenshot waits for it.
        poll(
            page,
            "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'",
        )
        return
    raise AssertionError("the measure is not on the map")


def test_coordinator_triages_merges_and_follows_a_measure_to_done(people, demo: Flask) -> None:
    first_id, second_id = two_reports_of_one_lamp(demo)
    coordinator = people("samordnare", phone=False)
    coordinator.log_in("samordnare")
    page = coordinator.page

    # The start page leads to the coordinator's work: the review queue first.
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^Granskning\b")).click()
    expect(page.get_by_role("heading", name="Att granska")).to_be_visible()
    triage_two_records(page)
    look_and_come_back(page)
    merge_the_suggested_duplicate(page)
    make_a_measure(page, local_today() + timedelta(days=14))
    move_through_states(page)

    # The next person: an officer on a phone finds the measure done in the list of measures.
    officer = people("polis", phone=True)
    officer.log_in("polis")
    open_menu(officer.page, "Uppföljning", "Åtgärder")
    done = officer.page.get_by_role("row").filter(has_text=MEASURE)
    expect(done).to_contain_text("klar")
    officer.shot("05-review-officer-sees-measure")

    # And on the coordinator's map, with its popup.
    open_menu(page, "Uppföljning", "Karta")
    find_on_the_map(page)
    coordinator.shot("readme-coordinator-map", full_page=False)
    coordinator.shot("05-review-map")

    with demo.app_context():  # exactly one measure, linked to the kept report; the other merged
        measure = db.session.execute(db.select(Measure).filter_by(title=MEASURE)).scalar_one()
        assert measure.status == "done"
        kept, merged = db.session.get(Observation, first_id), db.session.get(Observation, second_id)
        # The measure is done: the report it was made from is closed with it.
        assert kept.measure_id == measure.id and kept.status == "closed"
        assert merged.duplicate_of_id == first_id and merged.status == "duplicate"


PANEL = """() => {
  const map = document.getElementById("review-map").getBoundingClientRect();
  const panel = document.querySelector(".leaflet-control-layers").getBoundingClientRect();
  const box = document.querySelector(".leaflet-control-layers-list input:not(:checked)");
  const bg = box ? getComputedStyle(box.closest(".leaflet-control-layers")).backgroundColor : null;
  return { mapTop: map.top, mapBottom: map.bottom, mapWidth: map.width, mapHeight: map.height,
           panelArea: panel.width * panel.height, bg, innerHeight: window.innerHeight };
}"""


def luminance(rgb: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", rgb)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_the_map_fills_the_window_and_its_layer_panel_folds_away(people) -> None:
    """The defect: map under the fold, a panel over 40 % of it, dark empty boxes looked ticked."""
    for dark in (False, True):
        person = people("samordnare", phone=False, dark=dark)
        person.log_in("samordnare")
        page = person.page
        page.get_by_role("main").get_by_role("link", name=re.compile(r"^Karta\b")).click()
        wait_for_map(page)
        m = page.evaluate(PANEL)
        # On the first screen of 1366x900, down to the window's bottom edge.
        assert m["mapTop"] < 300 and m["innerHeight"] - 40 <= m["mapBottom"] <= m["innerHeight"], m
        assert m["panelArea"] < 0.2 * m["mapWidth"] * m["mapHeight"], m
        assert_menu_over_page(page)  # the defect: the menu centred, the map from the edge
        # The panel has the page's colours: in dark mode a dark box, so an unticked box looks empty.
        assert (luminance(m["bg"]) < 0.3) == dark, m
        toggle = page.get_by_role("button", name="Kartlager")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        toggle.click()
        expect(page.get_by_role("checkbox", name="Värmekarta")).to_be_hidden()
        page.reload()  # folded it stays, on this device
        expect(page.get_by_role("button", name="Kartlager")).to_have_attribute(
            "aria-expanded", "false"
        )
        name = "dark" if dark else "light"
        person.shot(f"05-map-1366-{name}-folded", full_page=False)
        page.get_by_role("button", name="Kartlager").click()
        page.set_viewport_size({"width": 360, "height": 740})
        page.reload()
        wait_for_map(page)
        m = page.evaluate(PANEL)
        assert m["mapTop"] < 740 - 300, f"on a phone the map starts too low: {m}"
        person.shot(f"05-map-360-{name}", full_page=False)
