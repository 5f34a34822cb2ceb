"""Report figures on the October 2026 data set, against answers worked out by hand.

October 2026 (31 days) is compared with October 2025. The hand-worked figures:

safety promise  foot patrols   4 in October (3 Oct 2.5 h, 25 Oct 3 h across the DST change,
                               10 Oct closed by the app after 8 h, 31 Oct still open);
                               5.5 hours, 5.0 km; Oct 2025: 1 patrol, 1 hour
                business visits 4 (2 outside the tätort, 1 inside, 1 without position): 2/3
                safety walks   2 held (8 and 22 Oct; the planned one does not count); Sept: 1
drug promise    ANDT           2 interventions, 3 + 9 + 3 = 15 young people reached
                meetings       none in October (not done); Oct 2025: 1 with 4 cases
measures        decided 3, done 2, not feasible 1 (with its reason), overdue at 31 Oct: 1 (17 days)
observations    3 (the duplicate and the one at 00:30 on 1 November do not count); Sept: 1
ratings         walk 1: feeling (2 + 3 + 0) / 3, lighting (2 + 2 + 2 + 0) / 4; walk 2: 2.5
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask

from tests.reports.conftest import NOW, OCTOBER, Dataset
from webapp.extensions import db
from webapp.promises.models import Promise
from webapp.reports.period import Period
from webapp.reports.service import build_council_report


def report_for(dataset: Dataset, first: date, last: date, user=None):  # type: ignore[no-untyped-def]
    promises = list(db.session.execute(db.select(Promise).order_by(Promise.id)).scalars())
    return build_council_report(Period(first, last), promises, user or dataset.coordinator, now=NOW)


def line(report, code: str):  # type: ignore[no-untyped-def]
    for section in report.sections:
        for item in section.lines:
            if item.activity_type.code == code:
                return item
    raise AssertionError(code)


def section(report, promise_id: int):  # type: ignore[no-untyped-def]
    return next(s for s in report.sections if s.promise.id == promise_id)


def test_previous_period_has_the_same_number_of_days() -> None:
    october = Period(*OCTOBER)
    assert october.previous() == Period(date(2026, 8, 31), date(2026, 9, 30))
    assert october.previous().days == october.days == 31


def test_the_council_compares_with_the_same_dates_a_year_earlier(
    app: Flask, dataset: Dataset
) -> None:
    assert Period(*OCTOBER).year_before() == Period(date(2025, 10, 1), date(2025, 10, 31))
    assert Period(date(2028, 1, 1), date(2028, 2, 29)).year_before() == Period(
        date(2027, 1, 1), date(2027, 2, 28)
    )
    # A whole promise period goes back far enough not to compare with itself.
    assert Period(date(2025, 1, 1), date(2027, 12, 31)).year_before() == Period(
        date(2022, 1, 1), date(2024, 12, 31)
    )
    assert Period(date(2025, 12, 1), date(2026, 2, 28)).year_before() == Period(
        date(2024, 12, 1), date(2025, 2, 28)
    )
    with app.app_context():
        report = report_for(dataset, *OCTOBER)
    assert report.previous == Period(date(2025, 10, 1), date(2025, 10, 31))


def test_patrols_count_hours_and_keep_auto_closed_apart(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        patrols = line(report_for(dataset, *OCTOBER), "fotpatrull")
    assert patrols.current.count == 4
    assert patrols.current.hours == pytest.approx(5.5, abs=1e-6)
    assert patrols.current.auto_closed == 1
    assert patrols.current.auto_closed_hours == pytest.approx(8.0, abs=1e-6)
    assert patrols.current.still_open == 1
    assert patrols.current.length_km == pytest.approx(5.0)
    assert (patrols.previous.count, patrols.previous.hours) == (1, pytest.approx(1.0, abs=1e-6))


def test_business_visits_and_the_share_outside_the_tatort(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        visits = line(report_for(dataset, *OCTOBER), "foretagsbesok")
    assert visits.current.count == 4
    assert (
        visits.current.outside_tatort,
        visits.current.inside_tatort,
        visits.current.no_position,
    ) == (2, 1, 1)
    assert visits.current.outside_share == pytest.approx(2 / 3)
    assert visits.previous.count == 0


def test_young_people_reached_per_age_band(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        andt = line(report_for(dataset, *OCTOBER), "andt")
    assert andt.current.count == 2
    assert andt.current.reached == {"under_15": 3, "age_15_17": 9, "age_18_20": 3}
    assert andt.current.reached_total == 15


def test_meetings_of_the_previous_period_with_cases_and_follow_ups(
    app: Flask, dataset: Dataset
) -> None:
    with app.app_context():
        meetings = line(report_for(dataset, *OCTOBER), "samverkan-skola-soc")
    assert meetings.current.done == 0
    assert (meetings.previous.count, meetings.previous.cases, meetings.previous.follow_ups) == (
        1,
        4,
        2,
    )


def test_walks_held_count_as_the_safety_walk_activity(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        report = report_for(dataset, *OCTOBER)
        walks = line(report, "trygghetsvandring")
    assert (walks.current.done, walks.previous.done) == (2, 1)
    assert (report.walks_held, report.previous_walks_held) == (2, 1)


def test_a_walk_also_logged_as_an_activity_counts_once(app: Flask, dataset: Dataset) -> None:
    from tests.reports.helpers import add_activity, local
    from webapp.walks.models import SafetyWalk

    with app.app_context():
        logged = add_activity(
            "trygghetsvandring", dataset.coordinator.id, local(2026, 10, 8, 18), visibility="shared"
        )
        db.session.flush()
        walk = db.session.execute(
            db.select(SafetyWalk).filter_by(name="Centrum kväll")
        ).scalar_one()
        walk.activity_id = logged.id
        db.session.commit()
        report = report_for(dataset, *OCTOBER)
        walks = line(report, "trygghetsvandring")
    assert (walks.current.count, walks.current.walks, walks.current.done) == (1, 1, 2)
    assert report.walks_held == 2


def test_what_was_not_done_lists_promised_types_without_entries(
    app: Flask, dataset: Dataset
) -> None:
    with app.app_context():
        report = report_for(dataset, *OCTOBER)
        safety = [t.code for t in section(report, dataset.safety_promise).not_done]
        drugs = [t.code for t in section(report, dataset.drug_promise).not_done]
    assert safety == []
    assert drugs == ["samverkan-skola-soc"]


def test_measures_decided_done_overdue_and_not_feasible_from_their_history(
    app: Flask, dataset: Dataset
) -> None:
    with app.app_context():
        report = report_for(dataset, *OCTOBER)
    m, before = report.measures, report.previous_measures
    assert (m.decided, m.done, m.changed["not_feasible"], m.created) == (3, 2, 1, 2)
    assert [(x.title, x.reason) for x in m.not_feasible] == [
        ("Flytta busshållplatsen", "Marken ägs av Trafikverket")
    ]
    assert [(x.title, x.days_overdue) for x in m.overdue] == [("Klipp häcken vid skolan", 17)]
    assert (before.decided, before.done) == (2, 0)
    # Deadline 25 October 2025, judged at the end of October 2025.
    assert [(x.title, x.days_overdue) for x in before.overdue] == [
        ("Sanera klotter på stationen", 7)
    ]


def test_perceived_safety_per_walk_and_per_month(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        report = report_for(dataset, *OCTOBER)
    first, second = report.walk_ratings
    assert (first.name, first.ratings, first.feeling_ratings) == ("Centrum kväll", 4, 3)
    assert first.averages["feeling"] == pytest.approx(5 / 3)
    assert first.averages["lighting"] == pytest.approx(1.5)
    assert (second.ratings, second.averages["feeling"]) == (2, pytest.approx(2.5))
    (october,) = report.feeling_months
    assert (october.walks, october.ratings, october.feeling) == (2, 6, pytest.approx(2.0))


def test_observations_per_category_leave_out_duplicates(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        report = report_for(dataset, *OCTOBER)
    assert report.observations == {"belysning": 1, "skadegorelse": 1, "otrygg-plats": 1}
    assert report.previous_observations == {"belysning": 1}


def test_totals_over_both_promises(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        report = report_for(dataset, *OCTOBER)
    assert report.total("patrol", "hours") == pytest.approx(5.5)
    assert report.total("andt", "reached_total") == 15
    assert report.total("meeting", "count", previous=True) == 1
    assert sum(f.count for f in report.totals.values()) == 10


def test_activities_per_local_month(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        report = report_for(dataset, date(2026, 9, 1), date(2026, 11, 30))
        assert [m.first for m in report.months] == [
            date(2026, 9, 1),
            date(2026, 10, 1),
            date(2026, 11, 1),
        ]
        # The patrol at 00:30 on 1 November (23:30 UTC on 31 October) is a November patrol.
        assert line(report, "fotpatrull").monthly == [0, 4, 1]
        assert line(report, "trygghetsvandring").monthly == [0, 2, 0]
        assert line(report, "andt").monthly == [0, 2, 0]


def test_an_empty_period_reports_zeros_and_everything_as_not_done(
    app: Flask, dataset: Dataset
) -> None:
    with app.app_context():
        report = report_for(dataset, date(2027, 1, 1), date(2027, 1, 31))
        not_done = {t.code for s in report.sections for t in s.not_done}
    assert all(item.current.done == 0 for s in report.sections for item in s.lines)
    assert not_done == {
        "fotpatrull",
        "foretagsbesok",
        "trygghetsvandring",
        "andt",
        "samverkan-skola-soc",
    }
    assert report.totals == {} and report.observations == {} and report.walk_ratings == []
    assert [m.feeling for m in report.feeling_months] == [None]
    assert (report.measures.decided, report.measures.done, report.measures.not_feasible) == (
        0,
        0,
        [],
    )
    assert all(not layer.cells for layer in report.maps)


def test_an_empty_database_reports_without_errors(app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        promises = list(db.session.execute(db.select(Promise)).scalars())
        report = build_council_report(Period(*OCTOBER), promises, people[2], now=NOW)
    assert report.walks_held == 0 and report.measures.overdue == []


# ---- local days across the DST changes ------------------------------------------------------


def test_the_october_change_day_lasts_25_hours_and_keeps_its_night(
    app: Flask, dataset: Dataset
) -> None:
    day = Period(date(2026, 10, 25), date(2026, 10, 25))
    assert day.end - day.start == timedelta(hours=25)
    with app.app_context():
        report = report_for(dataset, day.first, day.last)
    patrols = line(report, "fotpatrull")
    assert (patrols.current.count, patrols.current.hours) == (1, pytest.approx(3.0, abs=1e-6))
    # The ANDT intervention at 00:30 local time (22:30 UTC on the 24th) belongs to the 25th.
    assert line(report, "andt").current.reached_total == 6
    assert report.observations == {"skadegorelse": 1}


def test_the_day_before_the_change_ends_at_local_midnight(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        report = report_for(dataset, date(2026, 10, 24), date(2026, 10, 24))
    assert line(report, "andt").current.count == 0


def test_the_march_change_day_lasts_23_hours(app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    from tests.reports.helpers import add_activity, add_observation, local

    officer, _staff, coordinator = people
    day = Period(date(2026, 3, 29), date(2026, 3, 29))
    assert day.end - day.start == timedelta(hours=23)
    with app.app_context():
        # 01:30 CET -> 03:30 CEST: the clock skips an hour, so the patrol lasted one hour.
        add_activity("fotpatrull", officer.id, local(2026, 3, 29, 1, 30), local(2026, 3, 29, 3, 30))
        add_observation(officer.id, local(2026, 3, 29, 23, 30))  # 21:30 UTC: in
        add_observation(officer.id, local(2026, 3, 30, 0, 15))  # 22:15 UTC on the 29th: out
        add_observation(officer.id, local(2026, 3, 28, 23, 45))  # 22:45 UTC on the 28th: out
        db.session.commit()
        promises = list(db.session.execute(db.select(Promise)).scalars())
        report = build_council_report(day, promises, coordinator, now=NOW)
    assert line(report, "fotpatrull").current.hours == pytest.approx(1.0, abs=1e-6)
    assert report.observations == {"belysning": 1}


# ---- visibility -----------------------------------------------------------------------------


def test_staff_figures_leave_out_police_records(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        report = report_for(dataset, *OCTOBER, user=dataset.staff)
    assert line(report, "fotpatrull").current.count == 0
    assert line(report, "foretagsbesok").current.count == 1  # the one shared visit
    assert line(report, "andt").current.reached_total == 0
    assert report.observations == {"belysning": 1, "otrygg-plats": 1}
    assert report.measures.decided == 2  # not the police-only measure


def test_officer_figures_leave_out_municipal_records(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        db.session.execute(
            db.text("UPDATE activities SET visibility = 'municipality' WHERE author_id = :s"),
            {"s": dataset.staff.id},
        )
        db.session.commit()
        report = report_for(dataset, *OCTOBER, user=dataset.officer)
    assert line(report, "fotpatrull").current.count == 4
    assert line(report, "samverkan-skola-soc").previous.count == 0
