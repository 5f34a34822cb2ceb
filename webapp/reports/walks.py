"""Safety walks held in a period and the perceived safety their participants rated.

A walk counts as held when its status is held or closed and it started in the period. Ratings
follow webapp.walks.stats: each participant's latest rating of a stop replaces their earlier
ones. A walk's average is the mean of those latest ratings over all its stops; a month's average
is the mean over all latest ratings of the walks held that month (so a walk with more raters
weighs more, as each rating is one person's judgement of one place).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func

from webapp.auth.models import User
from webapp.core.access import visibility_filter
from webapp.extensions import db
from webapp.reports.period import LOCAL_ZONE, Period
from webapp.reports.sqlexpr import bucket
from webapp.walks.held import HELD
from webapp.walks.models import FACTORS, SafetyWalk, WalkRating


@dataclass
class WalkRatings:
    walk_id: int
    name: str
    starts_at: datetime
    ratings: int  # latest ratings counted (one per participant and stop)
    averages: dict[str, float | None]  # factor -> mean 0..3
    feeling_ratings: int = 0  # of those, how many rated the feeling of safety

    @property
    def local_day(self) -> date:
        return self.starts_at.astimezone(LOCAL_ZONE).date()


@dataclass
class MonthRatings:
    first: date
    walks: int
    ratings: int
    feeling: float | None


def _held(period: Period, user: User) -> list[ColumnElement[bool]]:
    return [
        SafetyWalk.status.in_(HELD),
        period.covers(SafetyWalk.starts_at),
        visibility_filter(user, SafetyWalk.visibility, SafetyWalk.created_by_id),
    ]


def walks_held(period: Period, user: User, *, unlogged_only: bool = False) -> int:
    """Walks held; `unlogged_only` leaves out walks already logged as an activity."""
    query = db.select(func.count()).select_from(SafetyWalk).where(*_held(period, user))
    if unlogged_only:
        query = query.where(SafetyWalk.activity_id.is_(None))
    return db.session.execute(query).scalar_one()


def _latest_ratings(walk_ids: list[int]):  # type: ignore[no-untyped-def]
    rank = (
        func.row_number()
        .over(
            partition_by=(WalkRating.participant_id, WalkRating.stop_id),
            order_by=(
                WalkRating.rated_at.desc(),
                WalkRating.created_at.desc(),
                WalkRating.id.desc(),
            ),
        )
        .label("rank")
    )
    columns = [getattr(WalkRating, factor) for factor in FACTORS]
    return (
        db.select(WalkRating.walk_id, *columns, rank)
        .where(WalkRating.walk_id.in_(walk_ids))
        .subquery()
    )


def ratings_per_walk(period: Period, user: User) -> list[WalkRatings]:
    walks = db.session.execute(
        db.select(SafetyWalk.id, SafetyWalk.name, SafetyWalk.starts_at)
        .where(*_held(period, user))
        .order_by(SafetyWalk.starts_at, SafetyWalk.id)
    ).all()
    if not walks:
        return []
    latest = _latest_ratings([w.id for w in walks])
    query = (
        db.select(
            latest.c.walk_id,
            func.count().label("ratings"),
            func.count(latest.c.feeling).label("feeling_ratings"),
            *[func.avg(latest.c[factor]).label(factor) for factor in FACTORS],
        )
        .where(latest.c.rank == 1)
        .group_by(latest.c.walk_id)
    )
    stats = {row.walk_id: row for row in db.session.execute(query)}
    result = []
    for walk in walks:
        row = stats.get(walk.id)
        result.append(
            WalkRatings(
                walk_id=walk.id,
                name=walk.name,
                starts_at=walk.starts_at,
                ratings=row.ratings if row else 0,
                feeling_ratings=row.feeling_ratings if row else 0,
                averages={
                    f: (None if row is None or getattr(row, f) is None else float(getattr(row, f)))
                    for f in FACTORS
                },
            )
        )
    return result


def feeling_per_month(period: Period, walks: list[WalkRatings]) -> list[MonthRatings]:
    """Mean "feeling of safety" per local month, over the latest ratings of that month's walks."""
    months = []
    for month in period.months():
        in_month = [w for w in walks if month.start <= w.starts_at < month.end]
        ratings = sum(w.ratings for w in in_month)
        rated = [w for w in in_month if w.averages["feeling"] is not None]
        total = sum(w.feeling_ratings for w in rated)
        weighted = sum(w.averages["feeling"] * w.feeling_ratings for w in rated)  # type: ignore[operator]
        feeling = weighted / total if total else None
        months.append(
            MonthRatings(first=month.first, walks=len(in_month), ratings=ratings, feeling=feeling)
        )
    return months


def held_per_month(period: Period, user: User, *, unlogged_only: bool = False) -> list[int]:
    months = period.months()
    index = bucket(SafetyWalk.starts_at, [m.start for m in months[1:]]).label("month")
    query = db.select(index, func.count()).where(*_held(period, user)).group_by(index)
    if unlogged_only:
        query = query.where(SafetyWalk.activity_id.is_(None))
    counts = [0] * len(months)
    for month, n in db.session.execute(query):
        counts[int(month)] += n
    return counts
