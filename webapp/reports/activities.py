"""Activity figures per promise and activity type, in one grouped query per period.

An activity counts for the promises it was logged for (activity_promises), in the period its
start falls in. Patrol hours are the sum of end - start of closed patrols; patrols the app closed
(forgotten open, `auto_closed`) have an estimated end and are summed separately, never mixed in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, true

from webapp.activities.kinds.andt import AGE_BANDS
from webapp.activities.models import Activity, FollowUp
from webapp.auth.models import User
from webapp.core.access import visibility_filter
from webapp.extensions import db
from webapp.promises.models import activity_promises
from webapp.reports.period import Period
from webapp.reports.sqlexpr import bucket, count_if, seconds_between, sum_if


@dataclass
class TypeFigures:
    """What one activity type achieved in a period (zero everywhere when nothing was logged)."""

    count: int = 0
    # Patrols: closed by a person / closed by the app (estimated end) / still open.
    hours: float = 0.0
    auto_closed: int = 0
    auto_closed_hours: float = 0.0
    still_open: int = 0
    length_km: float = 0.0
    # Business visits: where they were, from the position.
    outside_tatort: int = 0
    inside_tatort: int = 0
    no_position: int = 0
    # ANDT: young people reached per age band.
    reached: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AGE_BANDS, 0))
    # Meetings: cases discussed (counted, never named) and follow-ups agreed.
    cases: int = 0
    follow_ups: int = 0
    # Safety walks held (from the walk planner), added by the report service.
    walks: int = 0

    @property
    def reached_total(self) -> int:
        return sum(self.reached.values())

    @property
    def outside_share(self) -> float | None:
        """Share of visits with a known position that lay outside the tätort."""
        known = self.outside_tatort + self.inside_tatort
        return None if known == 0 else self.outside_tatort / known

    @property
    def done(self) -> int:
        """Times done: logged activities, plus held walks not already logged as an activity."""
        return self.count + self.walks


def _filters(period: Period, user: User) -> list[ColumnElement[bool]]:
    return [
        period.covers(Activity.started_at),
        visibility_filter(user, Activity.visibility, Activity.author_id),
    ]


def _figure_columns() -> list[ColumnElement]:
    duration = seconds_between(Activity.started_at, Activity.ended_at)
    closed = Activity.ended_at.is_not(None)
    columns = [
        func.count().label("count"),
        sum_if(closed & ~Activity.auto_closed, duration).label("seconds"),
        count_if(Activity.auto_closed).label("auto_closed"),
        sum_if(Activity.auto_closed, duration).label("auto_seconds"),
        count_if(Activity.ended_at.is_(None)).label("still_open"),
        func.sum(Activity.length_m).label("length_m"),
        count_if(Activity.outside_tatort.is_(True)).label("outside"),
        count_if(Activity.outside_tatort.is_(False)).label("inside"),
        count_if(Activity.lat.is_(None)).label("no_position"),
        func.sum(Activity.details["cases_discussed"].as_integer()).label("cases"),
    ]
    columns += [
        func.sum(Activity.details[("reached", band)].as_integer()).label(f"reached_{band}")
        for band in AGE_BANDS
    ]
    return columns


def _figures(row) -> TypeFigures:  # type: ignore[no-untyped-def]
    return TypeFigures(
        count=row.count,
        hours=(row.seconds or 0) / 3600,
        auto_closed=row.auto_closed,
        auto_closed_hours=(row.auto_seconds or 0) / 3600,
        still_open=row.still_open,
        length_km=(row.length_m or 0) / 1000,
        outside_tatort=row.outside,
        inside_tatort=row.inside,
        no_position=row.no_position,
        reached={band: int(getattr(row, f"reached_{band}") or 0) for band in AGE_BANDS},
        cases=int(row.cases or 0),
    )


def figures_by_promise(
    period: Period, promise_ids: list[int], user: User
) -> dict[tuple[int, int], TypeFigures]:
    """(promise id, activity type id) -> figures, for the activities `user` may read."""
    if not promise_ids:
        return {}
    link = activity_promises.c
    query = (
        db.select(link.promise_id, Activity.activity_type_id, *_figure_columns())
        .join(Activity, Activity.id == link.activity_id)
        .where(link.promise_id.in_(promise_ids), *_filters(period, user))
        .group_by(link.promise_id, Activity.activity_type_id)
    )
    result = {
        (row.promise_id, row.activity_type_id): _figures(row) for row in db.session.execute(query)
    }
    for key, n in _follow_ups(period, promise_ids, user).items():
        result.setdefault(key, TypeFigures()).follow_ups = n
    return result


def _follow_ups(period: Period, promise_ids: list[int], user: User) -> dict[tuple[int, int], int]:
    link = activity_promises.c
    query = (
        db.select(link.promise_id, Activity.activity_type_id, func.count(FollowUp.id))
        .join(Activity, Activity.id == link.activity_id)
        .join(FollowUp, FollowUp.activity_id == Activity.id)
        .where(link.promise_id.in_(promise_ids), *_filters(period, user))
        .group_by(link.promise_id, Activity.activity_type_id)
    )
    return {(p, t): n for p, t, n in db.session.execute(query)}


def in_promises(promise_ids: list[int]) -> ColumnElement[bool]:
    served = db.select(activity_promises.c.activity_id).where(
        activity_promises.c.promise_id.in_(promise_ids)
    )
    return Activity.id.in_(served) if promise_ids else true()


def figures_by_type(period: Period, promise_ids: list[int], user: User) -> dict[int, TypeFigures]:
    """Activity type id -> figures over all chosen promises, each activity counted once."""
    query = (
        db.select(Activity.activity_type_id, *_figure_columns())
        .where(in_promises(promise_ids), *_filters(period, user))
        .group_by(Activity.activity_type_id)
    )
    return {row.activity_type_id: _figures(row) for row in db.session.execute(query)}


def monthly_counts(
    period: Period, promise_ids: list[int], user: User
) -> dict[int, dict[int, list[int]]]:
    """promise id -> activity type id -> count per local month of the period."""
    months = period.months()
    boundaries: list[datetime] = [m.start for m in months[1:]]
    index = bucket(Activity.started_at, boundaries).label("month")
    link = activity_promises.c
    query = (
        db.select(link.promise_id, Activity.activity_type_id, index, func.count())
        .join(Activity, Activity.id == link.activity_id)
        .where(link.promise_id.in_(promise_ids), *_filters(period, user))
        .group_by(link.promise_id, Activity.activity_type_id, index)
    )
    result: dict[int, dict[int, list[int]]] = defaultdict(dict)
    for promise_id, type_id, month, n in db.session.execute(query):
        counts = result[promise_id].setdefault(type_id, [0] * len(months))
        counts[int(month)] += n
    return result
