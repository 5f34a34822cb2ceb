"""The council sees, walk by walk, which measures were decided and whether they were carried out
("trygghetsvandringar genomförs och följs upp, beslutade åtgärder utförs").

On the October data set: the walk "Centrum kväll" (held 8 October) led to four measures, one of
them police-only; "Stationen" (closed, 22 October) to none; a planned walk's measure and last
October's walk are not part of the October report.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from tests.reports.conftest import NOW, OCTOBER, Dataset
from tests.reports.helpers import add_measure, local
from tests.reports.test_pages import COUNCIL, normalise
from tests.reports.test_pdf import pdf_text
from tests.reports.test_pdf_job import background_form
from webapp.core import jobs
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.promises.models import Promise
from webapp.reports import pdf_jobs
from webapp.reports.pdf import render_council_pdf
from webapp.reports.period import Period
from webapp.reports.service import CouncilReport, build_council_report
from webapp.reports.walk_measures import measures_per_walk, summary
from webapp.reports.walks import ratings_per_walk
from webapp.walks.models import SafetyWalk

FAR_FUTURE = date(2099, 12, 31)  # the page is built "today": never overdue
CENTRUM_KVALL = [
    "Ny belysning i gångtunneln",  # done
    "Klipp häcken vid skolan",  # decided, deadline 15 October: overdue
    "Polisens egen åtgärd",  # police-only, decided, no deadline
    "Fler vuxna vid torget",  # in progress
]


def _walk(name: str) -> SafetyWalk:
    return db.session.execute(db.select(SafetyWalk).filter_by(name=name)).scalar_one()


def _measure(title: str) -> Measure:
    return db.session.execute(db.select(Measure).filter_by(title=title)).scalar_one()


@pytest.fixture
def walked(app: Flask, dataset: Dataset) -> Dataset:
    """The data set with measures decided on its walks."""
    with app.app_context():
        c = dataset.coordinator.id
        centrum = _walk("Centrum kväll")
        for title in CENTRUM_KVALL[:3]:
            _measure(title).walk_id = centrum.id
        in_progress = add_measure(
            c,
            "Fler vuxna vid torget",
            [(local(2026, 10, 9), "decided", ""), (local(2026, 10, 12), "in_progress", "")],
            deadline=FAR_FUTURE,
        )
        in_progress.walk_id = centrum.id
        planned = add_measure(c, "Från en planerad vandring", [(local(2026, 10, 9), "decided", "")])
        planned.walk_id = _walk("Planerad").id
        last_year = add_measure(c, "Från förra oktober", [(local(2025, 10, 11), "decided", "")])
        last_year.walk_id = _walk("Förra oktober").id
        db.session.commit()
    return dataset


def _report(dataset: Dataset, user=None) -> CouncilReport:  # type: ignore[no-untyped-def]
    promises = list(db.session.execute(db.select(Promise).order_by(Promise.id)).scalars())
    return build_council_report(
        Period(*OCTOBER), promises, user or dataset.coordinator, now=NOW, with_maps=False
    )


def _section(html: str) -> str:
    part = html[html.index('id="walk-measures"') :]
    return part[: part.index("</section>")]


def test_each_held_walk_lists_its_measures_with_todays_status(app: Flask, walked: Dataset) -> None:
    with app.test_request_context():
        report = _report(walked)
        walks = {w.name: w for w in report.walk_measures}
        assert list(walks) == ["Centrum kväll", "Stationen"]  # held in October, in order
        centrum = walks["Centrum kväll"]
        assert [m.title for m in centrum.measures] == CENTRUM_KVALL
        assert [(m.status, m.overdue) for m in centrum.measures] == [
            ("done", False),
            ("decided", True),
            ("decided", False),
            ("in_progress", False),
        ]
        assert walks["Stationen"].measures == []
        assert summary(centrum) == (
            "4 åtgärder beslutade: 1 klar, 1 pågår, 1 ej påbörjad, 1 försenad"
        )
        assert summary(walks["Stationen"]) == "Ingen åtgärd beslutades på den här vandringen."


def test_the_summary_counts_in_the_right_form(app: Flask, walked: Dataset) -> None:
    with app.app_context():
        _measure("Polisens egen åtgärd").change_status("done", by=walked.coordinator.id)
        db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        (centrum, _stationen) = _report(walked).walk_measures
        assert summary(centrum) == "4 measures decided: 2 done, 1 in progress, 1 overdue"
    with app.test_request_context():
        (centrum, _stationen) = _report(walked, walked.staff).walk_measures
        assert summary(centrum) == "3 åtgärder beslutade: 1 klar, 1 pågår, 1 försenad"


def test_the_measures_of_all_walks_are_read_in_one_query(app: Flask, walked: Dataset) -> None:
    statements: list[str] = []
    with app.test_request_context():
        walks = ratings_per_walk(Period(*OCTOBER), walked.coordinator)
        assert len(walks) == 2

        def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            measures_per_walk(walks, walked.coordinator, date(2026, 11, 29))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if "FROM measures" in s]) == 1
    assert len(statements) <= 2  # and at most a BEGIN


def test_a_police_only_measure_is_left_out_for_a_municipal_reader(
    app: Flask, walked: Dataset
) -> None:
    with app.test_request_context():
        staff = _report(walked, walked.staff)
        coordinator = _report(walked)
        staff_pdf = pdf_text(render_council_pdf(staff, walked.staff))
        coordinator_pdf = pdf_text(render_council_pdf(coordinator, walked.coordinator))
    (centrum, _stationen) = staff.walk_measures
    assert "Polisens egen åtgärd" not in [m.title for m in centrum.measures]
    assert "Polisens egen åtgärd" in [m.title for m in coordinator.walk_measures[0].measures]
    assert "Polisens egen åtgärd" not in staff_pdf
    assert "Polisens egen åtgärd" in coordinator_pdf


def test_the_council_page_shows_each_walks_measures(app: Flask, as_user, walked: Dataset) -> None:  # type: ignore[no-untyped-def]
    html = normalise(as_user(walked.coordinator).get(COUNCIL).get_data(as_text=True))
    part = _section(html)
    assert "Beslutade åtgärder från trygghetsvandringarna" in part
    assert "Status som i dag" in part  # said plainly: not the status at the end of October
    for title in CENTRUM_KVALL:
        assert title in part
    assert "Från en planerad vandring" not in part and "Från förra oktober" not in part
    assert "4 åtgärder beslutade: 1 klar, 1 pågår, 1 ej påbörjad, 1 försenad" in part
    assert "Ingen åtgärd beslutades på den här vandringen." in part  # Stationen
    # Each row a phone card; the overdue one is marked in words, not only in colour.
    rows = part.split("<tr")[2:]
    hedge = next(row for row in rows if "Klipp häcken vid skolan" in row)
    assert 'class="overdue"' in hedge and "tag-overdue" in hedge and "försenad" in hedge
    assert 'data-label="Status i dag"><span class="cell">beslutad' in hedge
    assert 'data-label="Sista datum"><span class="cell">15 okt. 2026' in hedge
    done = next(row for row in rows if "Ny belysning i gångtunneln" in row)
    assert "tag-overdue" not in done and '<span class="cell">klar' in done
    assert 'data-label="Ansvarig"><span class="cell">Kommunen – annan förvaltning' in done
    # The safety-walk row of the promise table leads to this part.
    assert 'href="#walk-measures-heading"' in html


def test_measure_titles_are_escaped(app: Flask, as_user, walked: Dataset) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        hostile = add_measure(
            walked.coordinator.id,
            "<script>alert(1)</script>",
            [(local(2026, 10, 9), "decided", "")],
        )
        hostile.walk_id = _walk("Stationen").id
        db.session.commit()
    part = _section(as_user(walked.coordinator).get(COUNCIL).get_data(as_text=True))
    assert "<script>alert(1)" not in part
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in part


def test_the_report_view_and_pdf_count_the_police_measures_they_name(
    app: Flask, as_user, walked: Dataset
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(walked.coordinator)
    client.get(COUNCIL)
    pdf = client.get("/reports/council.pdf?from=2026-10-01&to=2026-10-31")
    assert "Polisens egen åtgärd" in pdf_text(pdf.data)
    with app.app_context():
        view = db.session.execute(
            db.select(AuditEntry).filter_by(action="report.view")
        ).scalar_one()
        download = db.session.execute(
            db.select(AuditEntry).filter_by(action="export.download")
        ).scalar_one()
    assert view.detail["police_walk_measures"] == 1
    assert download.detail["police_walk_measures"] == 1


def test_the_pdf_lists_each_walks_measures(app: Flask, as_user, walked: Dataset) -> None:  # type: ignore[no-untyped-def]
    response = as_user(walked.coordinator).get("/reports/council.pdf?from=2026-10-01&to=2026-10-31")
    text = pdf_text(response.data)
    assert "Beslutade åtgärder från trygghetsvandringarna" in text
    for title in CENTRUM_KVALL:
        assert title in text, title
    assert "FÖRSENAD" in text
    assert "Ingen åtgärd beslutades på den här vandringen." in text
    # A planned walk's measure is not among the walks' (the list of all measures names it).
    walk_part = text.split("Beslutade åtgärder från trygghetsvandringarna")[1].split("Årlig")[0]
    assert "Från en planerad vandring" not in walk_part


def test_the_background_pdf_counts_the_police_measures_it_names(
    app: Flask, as_user, walked: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "REPORT_PDF_JOB_DAYS", 7)  # October is then a long period
    client = as_user(walked.coordinator)
    html = client.get(COUNCIL).get_data(as_text=True)
    response = client.post("/reports/council.pdf/job", data=MultiDict(background_form(html)))
    location = response.headers["Location"]
    with app.app_context():
        assert jobs.execute(pdf_jobs.job_key(location.rsplit("/", 1)[1])) == "done"
    download = client.get(f"{location}/download")
    assert "Polisens egen åtgärd" in pdf_text(download.data)
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="export.download")
        ).scalar_one()
    assert entry.detail["kind"] == "council_report"
    assert entry.detail["police_walk_measures"] == 1
