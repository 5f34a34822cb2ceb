"""Residents' reports in the council report, on reports whose figures are counted by hand.

October 2026 (the report's period, see conftest.py) receives nine reports and October 2025 two:

  October 2026                              status     what came of it
  1 belysning    1 Oct 10:00               pending    waiting
  2 belysning    31 Oct 23:30              pending    waiting (the last evening counts)
  3 nedskrapning                           published  published
  4 nedskrapning                           published  measure (through its observation), done
  5 skymd-sikt                             merged     measure (directly), decided
  6 otrygg-plats                           converted  taken up (a review item, no measure)
  7 otrygg-plats                           published  measure, police-only, in progress
  8 ovrigt       an advert                 hidden     not counted
  9 belysning    the same as report 1      hidden     not counted
  - belysning    1 Nov 00:30 (local)       pending    another period
  October 2025
  - belysning                              published  published
  - ovrigt                                 hidden     not counted

Counted for the coordinator: 7 (belysning 2, nedskrapning 2, skymd-sikt 1, otrygg-plats 2);
a measure 3 (one done), taken up 1, published 1, waiting 2; hidden 2. A year earlier: 1, hidden 1.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import pytest
from flask import Flask

from tests.reports.conftest import NOW, OCTOBER, Dataset
from tests.reports.helpers import STORTORGET, add_measure, add_observation, local
from tests.reports.test_pages import normalise
from tests.reports.test_pdf import pdf_text
from webapp.auth.models import User
from webapp.citizen.models import PublicReport
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.reports import present
from webapp.reports.period import Period
from webapp.reports.resident_reports import ResidentReports, outcome, resident_reports
from webapp.reports.service import build_council_report

COUNCIL = "/reports/?from=2026-10-01&to=2026-10-31"
# What a resident wrote and left as contact: never in the report.
WORDS = "Grannen Kalle på Storgatan 3 super varje kväll"
CONTACT = "kalle.k@example.org"


def add_report(
    when: datetime, category: str, status: str, *, text: str = WORDS, **links: object
) -> PublicReport:
    report = PublicReport(
        id=str(uuid.uuid4()),
        lat=STORTORGET[0],
        lon=STORTORGET[1],
        feeling="unsafe",
        category_code=category,
        text=text,
        contact=CONTACT,
        content_hash="test",
        received_at=when,
        status=status,
        public_text=f"Publicerad text {category}" if status == "published" else "",
        **links,
    )
    db.session.add(report)
    return report


@pytest.fixture
def residents(app: Flask, dataset: Dataset) -> Dataset:
    with app.app_context():
        c, s = dataset.coordinator.id, dataset.staff.id
        done = add_measure(
            c,
            "Städa torget",
            [(local(2026, 10, 5), "decided", ""), (local(2026, 10, 9), "done", "")],
        )
        decided = add_measure(c, "Klipp häcken i parken", [(local(2026, 10, 6), "decided", "")])
        police = add_measure(
            c, "Polisens insats", [(local(2026, 10, 7), "in_progress", "")], visibility="police"
        )
        db.session.flush()
        review = add_observation(s, local(2026, 10, 4), category="nedskrapning")
        review.measure_id = done.id
        converted = add_observation(c, local(2026, 10, 8), category="otrygg-plats")
        db.session.flush()
        add_report(local(2026, 10, 1, 10), "belysning", "pending")
        add_report(local(2026, 10, 31, 23), "belysning", "pending")
        add_report(local(2026, 10, 3), "nedskrapning", "published")
        add_report(local(2026, 10, 4), "nedskrapning", "published", observation_id=review.id)
        add_report(local(2026, 10, 5), "skymd-sikt", "merged", measure_id=decided.id)
        add_report(local(2026, 10, 8), "otrygg-plats", "converted", observation_id=converted.id)
        add_report(local(2026, 10, 9), "otrygg-plats", "published", measure_id=police.id)
        add_report(local(2026, 10, 10), "ovrigt", "hidden", text="Köp billiga klockor")
        add_report(local(2026, 10, 11), "belysning", "hidden", hidden_reason="duplicate")
        add_report(local(2026, 11, 1, 0), "belysning", "pending")
        add_report(local(2025, 10, 12), "belysning", "published")
        add_report(local(2025, 10, 13), "ovrigt", "hidden")
        db.session.commit()
    return dataset


def figures(app: Flask, user: User, first=OCTOBER[0], last=OCTOBER[1]) -> ResidentReports:  # type: ignore[no-untyped-def]
    with app.app_context():
        return resident_reports(Period(first, last), db.session.get(User, user.id))


def test_each_report_counts_once_by_category_and_by_what_came_of_it(
    app: Flask, residents: Dataset
) -> None:
    now = figures(app, residents.coordinator)
    assert now.by_category == {
        "belysning": 2,
        "nedskrapning": 2,
        "skymd-sikt": 1,
        "otrygg-plats": 2,
    }
    assert now.outcomes == {"measure": 3, "taken_up": 1, "published": 1, "waiting": 2}
    assert sum(now.outcomes.values()) == now.total == 7
    assert now.measure_done == 1
    assert now.hidden == 2
    before = figures(
        app, residents.coordinator, OCTOBER[0].replace(year=2025), OCTOBER[1].replace(year=2025)
    )
    assert (before.by_category, before.hidden) == ({"belysning": 1}, 1)


def test_spam_and_other_hidden_reports_never_count_whatever_else_they_carry() -> None:
    # A hidden report that was linked before it was hidden is still not counted.
    assert outcome("hidden", True, "done") is None
    assert outcome("pending", False, None) == "waiting"
    assert outcome("published", False, None) == "published"
    assert outcome("published", True, None) == "taken_up"
    assert outcome("merged", False, None) == "taken_up"
    assert outcome("converted", True, "decided") == "measure"


def test_other_readers_count_only_published_reports_and_the_measures_they_may_read(
    app: Flask, residents: Dataset
) -> None:
    """Only the coordinator moderates: anyone else reads the published reports, as everyone
    does, and a police measure does not show through a report to a municipal reader."""
    staff = figures(app, residents.staff)
    assert staff.by_category == {"nedskrapning": 2, "otrygg-plats": 1}
    assert staff.outcomes == {"measure": 1, "taken_up": 0, "published": 2, "waiting": 0}
    assert staff.hidden == 0
    officer = figures(app, residents.officer)
    assert officer.outcomes == {"measure": 2, "taken_up": 0, "published": 1, "waiting": 0}


def _section(html: str) -> str:
    return html.split('id="residents-heading"', 1)[1].split("</section>", 1)[0]


def _rows(html: str) -> list[list[str]]:
    """Each table row of `html` as its cells' text."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def test_the_page_shows_what_residents_raised_and_what_came_of_it(
    app: Flask, as_user, residents: Dataset
) -> None:  # type: ignore[no-untyped-def]
    html = normalise(as_user(residents.coordinator).get(COUNCIL).get_data(as_text=True))
    section = _section(html)
    rows = _rows(section)
    assert ["Kategori", "Denna period", "Ett år tidigare", "Förändring"] in rows
    assert ["Belysning", "2", "1", "+1 (+100 %)"] in rows
    assert ["Nedskräpning", "2", "0", "+2 (ny)"] in rows
    assert ["Totalt", "7", "1", "+6 (+600 %)"] in rows
    assert not any(row[0] == "Övrigt" for row in rows), "the advert is not a report"
    assert ["Status i dag", "Denna period", "Andel"] in rows
    assert ["Ledde till en åtgärd (1 av dem är klar i dag)", "3", "43 %"] in rows
    assert ["Togs in i polisens och kommunens arbete, ingen åtgärd ännu", "1", "14 %"] in rows
    assert ["Visas på den öppna kartan, ingen åtgärd ännu", "1", "14 %"] in rows
    assert ["Väntar på samordnarens granskning", "2", "29 %"] in rows
    assert ["Totalt", "7", "100 %"] in rows
    assert "Räknas inte: 2 synpunkter som samordnaren har dolt" in section
    assert "(ett år tidigare: 1)" in section
    assert re.search(r"som det ser ut i dag \(\d+ [a-z]+ 20\d\d\)\.", section)
    # In brief, the glossary and the notes on the figures say it too.
    brief = html.split('id="brief-heading"', 1)[1].split("</section>", 1)[0]
    assert "Invånarnas synpunkter" in brief and "3 ledde till en åtgärd" in brief
    assert "Synpunkt från invånare" in html.split('id="brief-heading"', 1)[0]
    assert "Synpunkter som samordnaren har dolt (skräppost" in html


def test_nothing_a_resident_wrote_or_left_is_in_the_page_or_the_pdf(
    app: Flask, as_user, residents: Dataset
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(residents.coordinator)
    html = client.get(COUNCIL).get_data(as_text=True)
    text = pdf_text(client.get("/reports/council.pdf?from=2026-10-01&to=2026-10-31").data)
    for shown in (html, text):
        for private in (WORDS, CONTACT, "Köp billiga klockor", "Publicerad text"):
            assert private not in shown


def test_the_pdf_has_the_same_section(app: Flask, as_user, residents: Dataset) -> None:  # type: ignore[no-untyped-def]
    data = as_user(residents.coordinator).get("/reports/council.pdf?from=2026-10-01&to=2026-10-31")
    text = pdf_text(data.data)
    section = text[text.index("Invånarnas synpunkter Platser som invånare") :]
    for expected in (
        "Synpunkter per kategori",
        "Belysning 2 1 +1 (+100 %)",
        "Totalt 7 1 +6 (+600 %)",
        "Ledde till en åtgärd (1 av dem är klar i dag) 3 43 %",
        "Väntar på samordnarens granskning 2 29 %",
        "Räknas inte: 2 synpunkter som samordnaren har dolt",
    ):
        assert expected in section, expected
    assert "Synpunkt från invånare: En plats i Sunne" in text  # the glossary


def test_reading_the_section_is_audited_with_the_report_and_opens_no_report(
    app: Flask, as_user, residents: Dataset
) -> None:  # type: ignore[no-untyped-def]
    """The view and the download are on record as for the rest of the report; the counts read
    no contact details, so no report is on record as read (moderation audits those reads)."""
    client = as_user(residents.coordinator)
    client.get(COUNCIL)
    client.get("/reports/council.pdf?from=2026-10-01&to=2026-10-31")
    with app.app_context():
        actions = list(db.session.scalars(db.select(AuditEntry.action)))
    assert actions.count("report.view") == 1
    assert actions.count("export.download") == 1
    assert not [a for a in actions if a.startswith("citizen_report.")]


def test_a_period_without_reports_says_so(app: Flask, as_user, dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    html = normalise(as_user(dataset.coordinator).get(COUNCIL).get_data(as_text=True))
    section = _section(html)
    assert "Ingen synpunkt från invånare kom in under perioden." in section
    assert "<table" not in section
    with app.test_request_context():
        report = build_council_report(
            Period(*OCTOBER), [], db.session.get(User, dataset.coordinator.id), now=NOW
        )
        assert present.resident_hidden_note(report) == ""
        assert present.resident_outcome_rows(report)[-1][1:] == ["0", "–"]


def test_the_english_report_names_the_outcomes_in_english(
    app: Flask, as_user, residents: Dataset
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(residents.coordinator)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    section = _section(normalise(client.get(COUNCIL).get_data(as_text=True)))
    assert "Resident reports" in section and "Led to a measure" in section
    assert "Lighting" in section


@pytest.mark.parametrize(
    ("language", "done", "hidden", "expected"),
    [
        ("sv", 1, 1, ("(1 av dem är klar i dag)", "Räknas inte: 1 synpunkt som")),
        ("sv", 2, 3, ("(2 av dem är klara i dag)", "Räknas inte: 3 synpunkter som")),
        ("en", 1, 1, ("(1 of them done today)", "Not counted: 1 report the")),
    ],
)
def test_the_counts_take_the_right_plural_form(  # type: ignore[no-untyped-def]
    app: Flask, dataset: Dataset, language: str, done: int, hidden: int, expected: tuple
) -> None:
    with app.test_request_context(headers={"Accept-Language": language}):
        report = build_council_report(
            Period(*OCTOBER), [], db.session.get(User, dataset.coordinator.id), now=NOW
        )
        report.residents = ResidentReports(
            by_category={"belysning": 3},
            outcomes={"measure": 3, "taken_up": 0, "published": 0, "waiting": 0},
            measure_done=done,
            hidden=hidden,
        )
        measure_row = present.resident_outcome_rows(report)[0][0]
        hidden_note = present.resident_hidden_note(report)
    assert measure_row.endswith(expected[0])
    assert hidden_note.startswith(expected[1])
