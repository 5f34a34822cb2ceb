"""Journey 6: the coordinator prepares the council meeting.

From `/`, through the menu, the coordinator opens the report to Lokala rådet för trygghet for the
promises in force now, on the Sunne demo: every promise shows work done, with charts, maps and
the safety survey, and what residents reported and what came of it (counts, no words of
theirs). The PDF for the council, the weekly picture and its PDF, and the GIS files for the
municipality's GIS are downloaded and opened the way their readers open them: the PDFs'
text with pypdf, the GIS files with GDAL (pyogrio), which must see SWEREF 99 TM points.
"""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import pyogrio
import pyogrio.raw
import pytest
from playwright.sync_api import Download, Locator, Page, expect
from pypdf import PdfReader

from tests.journeys.helpers import open_menu_link
from webapp.extensions import db
from webapp.ops.demo.data import DEMO_WALK_NAME
from webapp.ops.demo.promises import CURRENT_PROMISES
from webapp.promises.models import Promise

OLD_PROMISE = "Minska risken för unga att hamna i ett drogberoende"
# Sunne centrum in SWEREF 99 TM (FACTS.md: Stortorget ≈ E 395 943, N 6 634 705).
SUNNE_E, SUNNE_N = 395_943, 6_634_705


def open_from_menu(page: Page, name: str) -> None:
    open_menu_link(page, name)


def download(page: Page, link: Locator, folder: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    file: Download = info.value
    path = folder / file.suggested_filename
    file.save_as(path)
    return path


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def first_point(path: Path, layer: str) -> tuple[float, float]:
    _meta, _fids, geometry, _fields = pyogrio.raw.read(path, layer=layer, max_features=1)
    wkb = geometry[0]
    assert struct.unpack("<I", wkb[1:5])[0] == 1, "a Point"
    return struct.unpack("<dd", wkb[5:21])


def check_promise_sections(page: Page) -> None:
    for title, _body, _codes in CURRENT_PROMISES:
        section = page.locator("section.report-promise").filter(
            has=page.get_by_role("heading", name=f"Löfte: {title}")
        )
        expect(section).to_be_visible()
        rows = section.locator("table").first.locator("tbody tr td:nth-child(2)")
        done = [int(n) for n in rows.all_inner_texts()]
        assert sum(done) > 0, f"no work counted for {title}: {done}"
        assert section.locator("figure svg").count() >= 1, "the promise's charts"


def check_residents_section(page: Page) -> None:
    """The demo's residents' reports: per category against a year earlier, and what came of
    them (some led to a measure, some still wait), the hidden advert left out."""
    section = page.locator("section.report-residents")
    heading = section.get_by_role("heading", name="Invånarnas synpunkter", exact=True)
    heading.evaluate(  # the person scrolls down to it
        "heading => window.scrollTo(0, heading.getBoundingClientRect().top + window.scrollY - 16)"
    )
    expect(heading).to_be_in_viewport()
    categories, outcomes = section.get_by_role("table").all()
    expect(categories.get_by_role("columnheader").nth(2)).to_have_text("Ett år tidigare")
    total = categories.get_by_role("row").filter(has_text="Totalt")
    now, before = (int(n) for n in total.locator("td").all_inner_texts()[:2])
    assert now > 0 and before > 0, (now, before)
    led = outcomes.get_by_role("row").filter(has_text="Ledde till en åtgärd")
    expect(led).to_contain_text(re.compile(r"\d+ av dem är klara? i dag"))
    assert int(led.locator("td").first.inner_text()) > 0
    waiting = outcomes.get_by_role("row").filter(has_text="Väntar på samordnarens granskning")
    assert int(waiting.locator("td").first.inner_text()) > 0
    expect(section).to_contain_text(re.compile(r"Räknas inte: \d+ synpunkte?r? som samordnaren"))
    expect(section).not_to_contain_text("Reklam för en webbutik")  # the hidden advert's words


def test_the_coordinator_prepares_the_council_report_its_pdf_and_gis_files(
    people, demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):  # type: ignore[no-untyped-def]
    # The year so far is longer than REPORT_PDF_JOB_DAYS: this journey downloads the PDF
    # directly; the background job is tested in tests/reports/test_pdf_job.py.
    monkeypatch.setitem(demo.config, "REPORT_PDF_JOB_DAYS", 3 * 366)
    coordinator = people("samordnare", phone=False)
    page = coordinator.page
    coordinator.log_in("samordnare")

    open_from_menu(page, "Rapporter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rapport till Lokala rådet för trygghet"
    )
    # The promises in force now are chosen; 2016-2017 is history, offered but not ticked.
    choice = page.get_by_role("group", name="Medborgarlöften")
    for title, _body, _codes in CURRENT_PROMISES:
        expect(choice.get_by_role("checkbox", name=re.compile(re.escape(title)))).to_be_checked()
    expect(choice.get_by_role("checkbox", name=re.compile(OLD_PROMISE))).not_to_be_checked()
    check_promise_sections(page)
    expect(page.locator("#safety-heading + p + figure svg")).to_be_visible()
    # "Decided measures are carried out": the held walk's measures, each with today's status.
    walk_measures = page.locator("section.report-walk-measures")
    # The year so far also holds last quarter's walk (webapp/ops/demo/quarter.py).
    headings = walk_measures.get_by_role("heading", level=3)
    expect(headings.filter(has_text=DEMO_WALK_NAME)).to_have_count(1)
    expect(walk_measures).to_contain_text(re.compile(r"\d+ åtgärder beslutade: "))
    expect(
        walk_measures.get_by_role("row").filter(has_text="Byt trasig belysning i gångtunneln")
    ).to_contain_text("klar")
    expect(
        walk_measures.get_by_role("row").filter(has_text="Klipp buskaget vid gångvägen mot skolan")
    ).to_contain_text("försenad")
    survey = page.locator("section.report-survey")
    expect(survey.get_by_role("heading", level=3).first).to_contain_text("Trygghetsenkät")
    check_residents_section(page)
    coordinator.shot("06-council-report-residents", full_page=False)
    expect(page.locator("svg.report-map-static").first).to_be_visible()
    expect(page.locator("#report-map-status")).to_have_text(
        re.compile(r"Visade iakttagelser: [1-9]")
    )
    coordinator.shot("06-council-report")
    # For the README: the key figures and the first promise, just under the page's header bar.
    page.get_by_role("heading", name="I korthet").evaluate(
        "heading => window.scrollTo(0, heading.getBoundingClientRect().top + window.scrollY - 16)"
    )
    coordinator.shot("readme-council-report", full_page=False)

    council_pdf = pdf_text(
        download(page, page.get_by_role("link", name="Ladda ned som PDF"), tmp_path)
    )
    for title, _body, _codes in CURRENT_PROMISES:
        assert title[:30] in council_pdf, title
    assert "Fotpatrullering i centrum" in council_pdf
    assert "Byt trasig belysning i gångtunneln" in council_pdf  # a measure of the held walk
    assert "Trygghetsenkät" in council_pdf
    assert "Invånarnas synpunkter Platser som invånare" in council_pdf  # the residents' section
    assert "Ledde till en åtgärd" in council_pdf
    assert "Reklam för en webbutik" not in council_pdf  # nothing a resident wrote

    # The GIS files: SWEREF 99 TM points for QGIS, beside WGS 84 GeoJSON.
    exports = page.locator(".export-list li")
    observations = exports.filter(has_text="Iakttagelser")
    gpkg = download(
        page, observations.get_by_role("link", name="GeoPackage (SWEREF 99 TM)"), tmp_path
    )
    info = pyogrio.read_info(gpkg)
    assert (info["crs"], info["geometry_type"]) == ("EPSG:3006", "Point")
    assert info["features"] >= 30
    east, north = first_point(gpkg, "observations")
    assert abs(east - SUNNE_E) < 3_000 and abs(north - SUNNE_N) < 3_000
    activities = exports.filter(has_text="Aktiviteter")
    gpkg = download(
        page, activities.get_by_role("link", name="GeoPackage (SWEREF 99 TM)"), tmp_path
    )
    assert pyogrio.read_info(gpkg, layer="activities")["crs"] == "EPSG:3006"
    geojson = download(page, observations.get_by_role("link", name="GeoJSON"), tmp_path)
    info = pyogrio.read_info(geojson)
    assert (info["crs"], info["geometry_type"]) == ("EPSG:4326", "Point")

    # The weekly picture for Monday's meeting, and its PDF.
    page.get_by_role("link", name="Veckans lägesbild").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lägesbild")
    weekly_pdf = pdf_text(
        download(page, page.get_by_role("link", name="Ladda ned som PDF"), tmp_path)
    )
    assert "Lägesbild" in weekly_pdf
    coordinator.shot("06-weekly-picture")

    with demo.app_context():  # the report counted promises that are really the current ones
        titles = set(db.session.scalars(db.select(Promise.title)))
    assert {title for title, _b, _c in CURRENT_PROMISES} <= titles


# Each shown body cell of the tables whose right edge lies beyond the screen, named by section.
CELLS_BEYOND = """(tables, width) => tables.flatMap(table =>
  [...table.querySelectorAll('tbody th, tbody td')]
    .filter(cell => cell.getClientRects().length)
    .filter(cell => cell.getBoundingClientRect().right > width + 0.5)
    .map(cell => table.closest('section').querySelector('h2').textContent
                 + ': ' + cell.textContent.trim()))"""


def test_a_council_member_reads_every_figure_of_the_report_on_a_phone(people, demo):  # type: ignore[no-untyped-def]
    """At 360 px each table row is a card of "label  value" lines: no figure sits to the right
    of the screen behind sideways scrolling (the comparison with last year and the previous
    survey did), and a caption stays a line of text above its cards."""
    reader = people("samordnare", phone=True)
    page = reader.page
    reader.log_in("samordnare")
    open_from_menu(page, "Rapporter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rapport till Lokala rådet för trygghet"
    )
    page.wait_for_load_state("load")  # the long page parsed to its end
    width = page.viewport_size["width"]
    tables = page.locator("table.report-table:not(details table)")
    assert tables.count() >= 6
    cut_off = tables.evaluate_all(CELLS_BEYOND, width)
    assert cut_off == []
    first_row = page.locator("section.report-promise").first.locator("tbody tr").first
    times = first_row.locator("td").first
    label = times.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Antal gånger"'
    assert times.bounding_box()["y"] > first_row.locator("th").bounding_box()["y"]
    # The residents' figures are cards too: "Denna period  6", not a column off the screen.
    outcome = page.locator("section.report-residents table").last.locator("tbody td").first
    label = outcome.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Denna period"'
    caption = page.get_by_text("Markerade platser per område", exact=True)
    expect(caption).to_be_visible()
    assert caption.bounding_box()["height"] < 40  # one line, not a letter per line
    # The charts are drawn in millimetres for A4; on the phone a millimetre stays at least
    # 3.5 px, so their smallest words (2.5 mm) are 9 px high, and the frame scrolls sideways.
    scales = page.locator("svg.report-chart").evaluate_all(
        "charts => charts.map(svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width)"
    )
    assert scales and min(scales) >= 3.5, scales
    reader.shot("06-council-report-phone")
