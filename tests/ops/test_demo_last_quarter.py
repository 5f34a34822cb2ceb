"""The council report's "Förra kvartalet" on the demo looks like a real quarter.

It listed activities and nothing else (no observation, no walk, no measure, no resident's
report), and from January to March not even activities: last year's months stopped six weeks
before this date a year ago. Checked on the whole demo as `seed-demo` makes it today, and on
the parts that date the past (webapp/ops/demo/year.py and quarter.py) for a "today" in every
quarter and on the night a quarter turns.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

import pytest

from tests.conftest import clean_database
from webapp.activities.models import Activity
from webapp.auth.models import User
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.observations.models import Observation
from webapp.ops.demo.data import _ensure_users, seed_demo
from webapp.ops.demo.promises import ensure_current_promises
from webapp.ops.demo.quarter import seed_last_quarter
from webapp.ops.demo.year import seed_earlier_months
from webapp.ops.reference import seed_reference_data
from webapp.promises.models import Promise, promise_activity_types
from webapp.reports.period import Period, last_quarter
from webapp.reports.service import CouncilReport, build_council_report, default_promises


def _report(period: Period, now: datetime | None = None) -> CouncilReport:
    coordinator = db.session.scalars(db.select(User).filter_by(username="samordnare")).one()
    promises = default_promises(period)
    return build_council_report(period, promises, coordinator, now=now, with_maps=False)


def _observations_of_work(promise: Promise, period: Period) -> int:
    """Observations made during the promise's activities in the period (the map's filter)."""
    served = db.select(promise_activity_types.c.activity_type_id).where(
        promise_activity_types.c.promise_id == promise.id
    )
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(Observation)
        .join(Activity, Activity.id == Observation.activity_id)
        .where(Activity.activity_type_id.in_(served), period.covers(Observation.observed_at))
    )


def _assert_a_real_quarter(report: CouncilReport) -> None:
    titles = {section.promise.title for section in report.sections}
    assert len(titles) == 2, titles  # the two promises in force
    for section in report.sections:
        name = section.promise.title
        assert section.not_done == [], (name, [t.code for t in section.not_done])
        assert all(line.current.count + line.current.walks > 0 for line in section.lines), name
        assert _observations_of_work(section.promise, report.period) > 0, name
    assert report.walks_held >= 1 and report.walk_ratings
    assert report.measures.decided >= 1 and report.measures.done >= 1
    assert sum(report.observations.values()) >= 10
    assert sum(report.residents.outcomes.values()) >= 1 and report.residents.hidden >= 1


def test_the_demos_last_quarter_has_work_observations_a_walk_and_measures_for_every_promise(app):
    with app.app_context():
        seed_demo()
        _assert_a_real_quarter(_report(last_quarter()))


@pytest.mark.parametrize(
    "now",
    [
        datetime(2027, 1, 10, 9, 0, tzinfo=UTC),  # Q4 of last year
        datetime(2026, 3, 31, 22, 30, tzinfo=UTC),  # 00:30 on 1 April in Sunne: Q1
        datetime(2026, 7, 15, 12, 0, tzinfo=UTC),  # Q2
        datetime(2026, 10, 1, 6, 0, tzinfo=UTC),  # the first morning after Q3
        datetime(2026, 12, 7, 16, 0, tzinfo=UTC),  # Q3
    ],
)
def test_the_previous_quarter_has_activity_for_every_promise_whatever_the_date(app, now):
    with app.app_context():
        users = _ensure_users()
        ensure_current_promises(local_today(now))
        seed_earlier_months(users[0], users[1], random.Random(1), now)
        quarter = seed_last_quarter(users, now)
        ensure_current_promises(local_today(now))  # links the work to the promise in force
        db.session.commit()
        assert quarter == last_quarter(now)
        _assert_a_real_quarter(_report(quarter, now))


def test_the_last_quarter_is_the_same_every_time_it_is_built_and_quick(app):
    now = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)

    def build() -> tuple[list[tuple], float]:
        users = _ensure_users()
        ensure_current_promises(local_today(now))
        seed_earlier_months(users[0], users[1], random.Random(1), now)
        started = time.perf_counter()
        seed_last_quarter(users, now)
        db.session.commit()
        seconds = time.perf_counter() - started
        rows = db.select(Observation.id, Observation.observed_at, Observation.status)
        return sorted(tuple(row) for row in db.session.execute(rows)), seconds

    with app.app_context():
        first, seconds = build()
        clean_database()
        seed_reference_data()
        second, _seconds = build()
    assert first == second and len(first) >= 10
    assert seconds < 5, f"the quarter took {seconds:.1f} s to build"
