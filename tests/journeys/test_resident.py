"""Journey 7: a resident reports a place, the coordinator publishes it and acts on it, the
resident sees what was done; a resident answers the safety survey and the coordinator sees it.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.journeys.helpers import open_menu_link
from webapp.citizen.models import PublicReport
from webapp.extensions import db

REPORT_TEXT = "Mörk gångväg bakom biblioteket, lampan är trasig sedan i höstas"
PUBLIC_TEXT = "Mörk gångväg bakom biblioteket: belysningen är trasig."
MEASURE_TITLE = "Ny belysning på gångvägen bakom biblioteket"


def _tap_map(page: Page, selector: str, dx: float = 0, dy: float = 0) -> None:
    """A finger on the map, off its centre by (dx, dy) as fractions of its size."""
    element = page.locator(selector)
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    assert box, f"{selector} is not on screen"
    x = box["x"] + box["width"] * (0.5 + dx)
    y = box["y"] + box["height"] * (0.5 + dy)
    page.touchscreen.tap(x, y)


def _mark_place(page: Page) -> None:
    """Tap the report map where the place is, as a person would: once the map has drawn, and
    once more if the first tap came while it was still settling (a busy phone or CI machine)."""
    expect(page.locator("#report-map.leaflet-container")).to_be_visible()
    status = page.locator("#place-status")
    for _attempt in range(3):
        _tap_map(page, "#report-map", dx=0.1, dy=-0.1)
        try:
            expect(status).to_have_attribute("data-state", "manual", timeout=2_000)
            return
        except AssertionError:
            continue
    expect(status).to_have_attribute("data-state", "manual")


def test_a_resident_report_is_published_acted_on_and_the_survey_is_counted(people, demo):
    demo.config["CITIZEN_MIN_FILL_SECONDS"] = 1
    resident = people("resident", phone=True)
    page = resident.page

    # The resident has no account: from the start page to the public report page.
    page.goto("/")
    page.get_by_role("link", name="Lämna en synpunkt om en plats i Sunne").click()
    expect(
        page.get_by_role("heading", name="Lämna en synpunkt om en plats i Sunne")
    ).to_be_visible()
    _mark_place(page)
    page.get_by_role("radio", name="Belysning").tap()
    page.get_by_label("Beskriv platsen (frivilligt)").fill(REPORT_TEXT)
    page.get_by_role("button", name="Skicka synpunkten").tap()
    expect(page.locator("#report-status")).to_contain_text("Tack", timeout=20_000)
    # The pin went with the sent report: the page asks for a place again, not "place marked".
    expect(page.locator("#place-status")).to_have_attribute("data-state", "none")
    expect(page.locator("#place-status")).to_have_text("Tryck på kartan där platsen är.")
    resident.shot("07-01-resident-report-sent")
    with demo.app_context():
        rows = (
            db.session.execute(db.select(PublicReport).filter_by(text=REPORT_TEXT)).scalars().all()
        )
        assert len(rows) == 1

    # The coordinator moderates: through the menu to the residents' reports, edits, publishes.
    coordinator = people("coordinator", phone=False)
    desk = coordinator.page
    coordinator.log_in("samordnare")
    open_menu_link(desk, "Invånarnas synpunkter")
    # The tab of the queue shown stands out; the report's facts read as label and value.
    current_tab = desk.locator(".tabs a[aria-current=page]")
    expect(current_tab).to_have_css("font-weight", "700")
    desk.get_by_role("link", name=re.compile("Mörk gångväg bakom biblioteket")).click()
    expect(desk.locator("main dl").first).to_have_css("display", "grid")
    desk.get_by_label("Text som visas för allmänheten").fill(PUBLIC_TEXT)
    coordinator.shot("07-02-coordinator-moderates")
    desk.get_by_role("button", name="Publicera").click()
    expect(desk.get_by_text("Synpunkten är publicerad.")).to_be_visible()
    coordinator.shot("07-03-coordinator-published")

    # The resident sees it on the public map.
    page.get_by_role("link", name="Lämna en synpunkt", exact=True).tap()
    expect(page.locator("#published-list")).to_contain_text(PUBLIC_TEXT)
    resident.shot("07-04-resident-sees-published")

    # Later the coordinator acts on it: the report goes to review, becomes a measure, the
    # measure is decided and then done.
    open_menu_link(desk, "Invånarnas synpunkter")
    # The tab says how many it holds: "publicerad (1)".
    desk.get_by_role("link", name=re.compile(r"^publicerad \(\d+\)$")).click()
    desk.get_by_role("link", name=re.compile("Mörk gångväg bakom biblioteket")).click()
    desk.get_by_role("button", name="För över till granskning").click()
    desk.get_by_role("button", name="Gör om till åtgärd").click()
    desk.get_by_label("Vad ska göras").fill(MEASURE_TITLE)
    desk.get_by_label("Beskrivning").fill(
        "Tekniska förvaltningen byter armaturerna längs gångvägen."
    )
    desk.get_by_label("Ansvarig", exact=True).select_option(
        label="Kommunen – tekniska förvaltningen"
    )
    desk.get_by_role("button", name="Skapa åtgärd").click()
    for status in ("beslutad", "klar"):
        desk.get_by_label("Ny status").select_option(label=status)
        desk.get_by_role("button", name="Spara").click()
    coordinator.shot("07-05-coordinator-measure-done")

    # The resident comes back: the report on the map says what was done, and so does the
    # page of what has been done.
    page.get_by_role("link", name="Lämna en synpunkt", exact=True).tap()
    item = page.locator("#published-list li", has_text=PUBLIC_TEXT)
    expect(item).to_contain_text(MEASURE_TITLE)
    expect(item).to_contain_text("klar")
    resident.shot("07-06-resident-sees-what-was-done")
    page.get_by_role("link", name="Det här har gjorts").first.tap()
    expect(page.locator("main")).to_contain_text(MEASURE_TITLE)
    resident.shot("07-07-resident-feedback-page")

    # The safety survey: the coordinator shares its link (the QR poster carries the same link).
    open_menu_link(desk, "Enkäter")
    desk.get_by_role("link", name="Trygghetsenkät 2026").click()
    survey_link = desk.locator(".poster-url a").get_attribute("href")
    assert survey_link and "/survey/" in survey_link
    desk.get_by_role("link", name="Resultat").first.click()
    answers_before = _answer_count(desk)

    neighbour = people("neighbour", phone=True)
    form = neighbour.page
    form.goto(survey_link)
    form.get_by_role("radio", name="2", exact=True).tap()
    form.get_by_role("radio", name="Någon gång per månad").tap()
    form.get_by_role("checkbox", name="Bättre belysning").tap()
    form.get_by_role("checkbox", name="Mer synlig polis").tap()
    _tap_map(form, ".survey-map", dx=-0.1, dy=0.1)
    expect(form.locator("[data-survey-count]")).to_contain_text("1 plats markerad")
    form.wait_for_timeout(1000)  # a person takes longer than the minimum fill time
    form.get_by_role("button", name="Skicka mina svar").tap()
    expect(form.get_by_role("heading", name="Tack!")).to_be_visible()
    neighbour.shot("07-08-resident-survey-thanks")

    desk.reload()
    assert _answer_count(desk) == answers_before + 1
    assert _wrapped_cells(desk) == []
    coordinator.shot("07-09-coordinator-survey-results")


def _answer_count(page: Page) -> int:
    """The number of answers the results page states ("123 svar")."""
    line = page.get_by_text(re.compile(r"^\d[\d\s]* svar")).first.inner_text()
    return int(re.sub(r"\D", "", line.split("svar")[0]))


def _wrapped_cells(page: Page) -> list[str]:
    """Cells of the results' tables whose content breaks over lines ("48" above "%")."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.survey-counts td')].filter((td) => {
            const height = td.getBoundingClientRect().height;
            const before = td.style.whiteSpace;
            td.style.whiteSpace = 'nowrap';
            const unwrapped = td.getBoundingClientRect().height;
            td.style.whiteSpace = before;
            return height > unwrapped + 1;
        }).map((td) => td.textContent.trim())"""
    )
