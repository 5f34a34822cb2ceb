"""The council report names every measure behind its measure figures, and its status table has
a row for every status a measure reached (the walk found "5 decided" with only 3 named)."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from pypdf import PdfReader

from tests.citizen.helpers import english
from tests.reports.conftest import NOW, OCTOBER, Dataset
from tests.reports.helpers import add_measure, local
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.reports import present
from webapp.reports.period import Period
from webapp.reports.service import build_council_report

COUNCIL = "/reports/?from=2026-10-01&to=2026-10-31"
# Every measure that changed status in October 2026 (conftest), and the one added here.
OCTOBER_MEASURES = {
    "Fler papperskorgar vid parkeringen": ("decided", "in_progress"),
    "Flytta busshållplatsen": ("not_feasible",),
    "Klipp häcken vid skolan": ("decided",),
    "Ny belysning i gångtunneln": ("decided", "done"),
    "Polisens egen åtgärd": ("decided",),
    "Sanera klotter på stationen": ("done",),
}


@pytest.fixture
def in_progress(app: Flask, dataset: Dataset) -> None:
    """A measure from no safety walk, decided and started in October."""
    with app.app_context():
        add_measure(
            dataset.coordinator.id,
            "Fler papperskorgar vid parkeringen",
            [(local(2026, 10, 7), "decided", ""), (local(2026, 10, 14), "in_progress", "")],
        )
        db.session.commit()


def test_every_counted_measure_is_named_with_what_it_reached(app, dataset, in_progress):  # type: ignore[no-untyped-def]
    with app.app_context():
        report = build_council_report(
            Period(*OCTOBER), [], dataset.coordinator, now=NOW, with_maps=False
        )
    m = report.measures
    named = {line.title: line.reached for line in m.changed_measures}
    assert named == OCTOBER_MEASURES
    # The list and the counts are the same records: each count is the number named with it.
    for status, count in m.changed.items():
        assert count == sum(status in reached for reached in named.values()), status
    assert (m.decided, m.done) == (4, 2)


def test_a_municipal_reader_gets_neither_the_count_nor_the_name_of_a_police_measure(
    app, dataset, in_progress
):  # type: ignore[no-untyped-def]
    with app.app_context():
        report = build_council_report(Period(*OCTOBER), [], dataset.staff, now=NOW, with_maps=False)
    titles = [line.title for line in report.measures.changed_measures]
    assert "Polisens egen åtgärd" not in titles
    assert (
        report.measures.decided
        == 3
        == sum("decided" in line.reached for line in report.measures.changed_measures)
    )


def test_the_status_table_has_a_row_for_every_status_that_occurs(app, dataset, in_progress):  # type: ignore[no-untyped-def]
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        report = build_council_report(
            Period(*OCTOBER), [], dataset.coordinator, now=NOW, with_maps=False
        )
        rows = {row[0]: row[1] for row in present.measure_rows(report)}
    assert rows["In progress"] == "1"
    assert rows["Decided"] == "4" and rows["Done"] == "2"
    # Proposed a year earlier, none now: the row stays, so the comparison is seen.
    assert rows["Proposed"] == "0"
    assert "Partly done" in rows  # tracked rows are always there, also at 0


def test_the_page_and_the_pdf_list_the_measures_not_from_walks(app, as_user, dataset, in_progress):  # type: ignore[no-untyped-def]
    body = english(as_user(dataset.coordinator)).get(COUNCIL).get_data(as_text=True)
    part = body.split('id="changed-measures-heading"')[1].split("</table>")[0]
    for title in OCTOBER_MEASURES:
        assert title in part, title
    assert "decided, in progress" in part

    pdf = as_user(dataset.coordinator).get(COUNCIL.replace("/?", "/council.pdf?"))
    text = " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages).split()
    )
    part = text.split("Åtgärderna som räknas under perioden")[1]
    for title in OCTOBER_MEASURES:
        assert title in part, title
    assert "beslutad, pågår" in part


def test_the_audit_entry_counts_the_police_measures_the_report_names(
    app, as_user, dataset, in_progress
):  # type: ignore[no-untyped-def]
    as_user(dataset.coordinator).get(COUNCIL)
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="report.view")
        ).scalar_one()
    assert entry.detail["police_measures"] == 1
