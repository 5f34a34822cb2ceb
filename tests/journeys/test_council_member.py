"""A member of Lokala rådet för trygghet reads the follow-up report, as the coordinator shows it.

What a first-time reader could not tell on the Sunne demo:
- what each promise promised: a section had the promise's title and dates, then figures, but
  not the promise's own words ("Polis och kommun lovar att ..."), on the page and in the PDF;
- what the survey's scale means: "1", "2" ... "5" and "Medelvärde 3,5 på skalan 1–5" without
  saying which end is safe (the residents were asked from "Mycket otrygg" to "Mycket trygg");
- a report printed from a phone or computer in dark mode came out with the dark theme's table
  boxes and warning boxes on paper.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.journeys.helpers import open_menu_link
from webapp.ops.demo.promises import CURRENT_PROMISES

REPORT_HEADING = "Rapport till Lokala rådet för trygghet"


def open_report(page: Page) -> None:
    open_menu_link(page, "Rapporter")
    expect(page.get_by_role("heading", level=1)).to_have_text(REPORT_HEADING)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_council_member_reads_what_was_promised_and_what_the_scale_means(people, tmp_path: Path):  # type: ignore[no-untyped-def]
    reader = people("samordnare", phone=True)
    page = reader.page
    reader.log_in("samordnare")
    open_report(page)

    for title, body, _codes in CURRENT_PROMISES:
        section = page.locator("section.report-promise").filter(
            has=page.get_by_role("heading", name=f"Löfte: {title}")
        )
        expect(section.get_by_text("Det här lovades:")).to_be_visible()
        expect(section).to_contain_text(body)

    survey = page.locator("section.report-survey")
    expect(survey).to_contain_text(
        re.compile(r"Medelvärde \d,\d på skalan från 1 \(Mycket otrygg\) till 5 \(Mycket trygg\)")
    )
    scale = survey.locator("table").first
    expect(scale.get_by_role("rowheader", name="1 (Mycket otrygg)")).to_be_visible()
    expect(scale.get_by_role("rowheader", name="5 (Mycket trygg)")).to_be_visible()
    reader.shot("council-member-phone")

    # The last quarter, and its PDF as the council gets it by e-mail.
    page.get_by_role("link", name="Förra kvartalet").click()
    expect(page.locator(".report-period")).to_contain_text("(92 dagar)")
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ned som PDF").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    text = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages))
    for _title, body, _codes in CURRENT_PROMISES:
        assert f"Det här lovades: {flat(body)}" in text, body


# What carries the figures (tables, key figures, warning boxes, the page) and is printed dark:
# a background drawn dark on paper, or text too light to read on white.
PRINTED_DARK = """() => {
  const rgb = value => (value.match(/[\\d.]+/g) || []).map(Number);
  const light = ([r, g, b]) => (0.299 * r + 0.587 * g + 0.114 * b) / 255;
  return [...document.querySelectorAll(
      'main table.report-table, main .key-figure, main .warning, main')]
    .filter(el => el.getClientRects().length)
    .map(el => ({what: el.tagName + '.' + el.className, style: getComputedStyle(el)}))
    .filter(({style}) => {
      const background = rgb(style.backgroundColor);
      const drawn = background.length === 3 || background[3] > 0;
      return (drawn && light(background) < 0.5) || light(rgb(style.color)) > 0.6;
    })
    .map(({what, style}) => `${what}: ${style.color} on ${style.backgroundColor}`);
}"""


def test_a_report_printed_in_dark_mode_prints_light(people):  # type: ignore[no-untyped-def]
    coordinator = people("samordnare", phone=False, dark=True)
    page = coordinator.page
    coordinator.log_in("samordnare")
    open_report(page)
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.get_by_role("button", name="Skriv ut").click()
    assert page.evaluate("() => window.printed") is True
    page.emulate_media(media="print")  # what the printer gets
    assert page.locator("main table.report-table").count() >= 6
    assert page.evaluate(PRINTED_DARK) == []
    coordinator.shot("council-printed-from-dark")
    page.emulate_media(media="screen")
