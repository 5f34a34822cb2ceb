"""Measures in a period, read from their status history (MeasureEvent).

The history, not today's status, says what happened when: a measure decided in March and done
in May counts as decided in a March report and as done in a May one. "Overdue" is judged at the
end of the period (or now, for a period that has not ended): the status the measure had then was
open and its deadline had passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_

from webapp.auth.models import User
from webapp.core.access import visibility_filter
from webapp.extensions import db
from webapp.measures.models import OPEN_STATUSES, STATUSES, Measure, MeasureEvent
from webapp.reports.period import LOCAL_ZONE, Period

# Status changes the council always asks about: listed even at 0. Other statuses reached in a
# period (proposed, in progress) are listed when they occur, so no measure counted in the
# period is missing from the table.
TRACKED = ("decided", "done", "partly_done", "not_feasible", "other_owner")


@dataclass
class MeasureLine:
    id: int
    title: str
    owner: str
    deadline: date | None
    status: str  # today's status
    reason: str = ""  # why not feasible / who owns it instead
    days_overdue: int = 0
    reached: tuple[str, ...] = ()  # statuses it moved into during the period, in STATUSES order
    visibility: str = ""


@dataclass
class MeasureFigures:
    changed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    created: int = 0
    overdue: list[MeasureLine] = field(default_factory=list)
    not_feasible: list[MeasureLine] = field(default_factory=list)
    # Every measure counted in `changed`, by name: the council asks "which ones?".
    changed_measures: list[MeasureLine] = field(default_factory=list)

    @property
    def decided(self) -> int:
        return self.changed["decided"]

    @property
    def done(self) -> int:
        return self.changed["done"]


def _readable(user: User):  # type: ignore[no-untyped-def]
    return visibility_filter(user, Measure.visibility, Measure.created_by_id)


def _status_changes(period: Period, user: User):  # type: ignore[no-untyped-def]
    """The conditions of a readable status change in the period."""
    return (
        period.covers(MeasureEvent.at),
        # A note on an unchanged status (owner, deadline edited) is no status change.
        or_(
            MeasureEvent.from_status.is_(None),
            MeasureEvent.from_status != MeasureEvent.to_status,
        ),
        _readable(user),
    )


def _changes(period: Period, user: User) -> dict[str, int]:
    """Measures moved into each status during the period (each measure once per status)."""
    query = (
        db.select(MeasureEvent.to_status, func.count(func.distinct(MeasureEvent.measure_id)))
        .join(Measure, Measure.id == MeasureEvent.measure_id)
        .where(*_status_changes(period, user))
        .group_by(MeasureEvent.to_status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


# The columns a MeasureLine is made from (id, title, owner, deadline, status today).
_LINE_COLUMNS = (Measure.id, Measure.title, Measure.owner, Measure.deadline, Measure.status)


def _changed_measures(period: Period, user: User) -> list[MeasureLine]:
    """The measures behind `_changes`, each once, with the statuses it reached in the period;
    the same rows, so the list and the counts can never disagree."""
    rows = db.session.execute(
        db.select(*_LINE_COLUMNS, Measure.visibility, MeasureEvent.to_status)
        .join(MeasureEvent, MeasureEvent.measure_id == Measure.id)
        .where(*_status_changes(period, user))
        .order_by(Measure.title, Measure.id)
    ).all()
    lines: dict[int, MeasureLine] = {}
    reached: dict[int, set[str]] = {}
    for row in rows:
        lines.setdefault(
            row.id,
            MeasureLine(
                row.id, row.title, row.owner, row.deadline, row.status, visibility=row.visibility
            ),
        )
        reached.setdefault(row.id, set()).add(row.to_status)
    for measure_id, line in lines.items():
        line.reached = tuple(s for s in STATUSES if s in reached[measure_id])
    return list(lines.values())


def _created(period: Period, user: User) -> int:
    return db.session.execute(
        db.select(func.count())
        .select_from(Measure)
        .where(period.covers(Measure.created_at), _readable(user))
    ).scalar_one()


def _not_feasible(period: Period, user: User) -> list[MeasureLine]:
    rows = db.session.execute(
        db.select(*_LINE_COLUMNS, MeasureEvent.comment)
        .join(MeasureEvent, MeasureEvent.measure_id == Measure.id)
        .where(
            MeasureEvent.to_status == "not_feasible",
            period.covers(MeasureEvent.at),
            _readable(user),
        )
        .order_by(MeasureEvent.at, Measure.id)
    ).all()
    lines: dict[int, MeasureLine] = {}
    for row in rows:  # the latest reason given in the period wins
        lines[row.id] = MeasureLine(
            row.id, row.title, row.owner, row.deadline, row.status, row.comment
        )
    return list(lines.values())


def overdue_at(moment: datetime, user: User) -> list[MeasureLine]:
    """Measures whose status at `moment` was open and whose deadline lay before that local day.

    At the end of a period (local midnight after its last day) a deadline on the last day has
    passed, as `Measure.is_overdue(today)` would say the morning after.
    """
    day = moment.astimezone(LOCAL_ZONE).date()
    rank = (
        func.row_number()
        .over(
            partition_by=MeasureEvent.measure_id,
            order_by=(MeasureEvent.at.desc(), MeasureEvent.id.desc()),
        )
        .label("rank")
    )
    latest = (
        db.select(MeasureEvent.measure_id, MeasureEvent.to_status, rank)
        .where(MeasureEvent.at < moment)
        .subquery()
    )
    rows = db.session.execute(
        db.select(*_LINE_COLUMNS)
        .join(latest, latest.c.measure_id == Measure.id)
        .where(
            latest.c.rank == 1,
            latest.c.to_status.in_(OPEN_STATUSES),
            Measure.deadline < day,
            _readable(user),
        )
        .order_by(Measure.deadline, Measure.id)
    ).all()
    return [
        MeasureLine(
            r.id, r.title, r.owner, r.deadline, r.status, days_overdue=(day - r.deadline).days
        )
        for r in rows
    ]


def measure_figures(period: Period, user: User, now: datetime) -> MeasureFigures:
    return MeasureFigures(
        changed=_changes(period, user),
        created=_created(period, user),
        overdue=overdue_at(min(period.end, now), user),
        not_feasible=_not_feasible(period, user),
        changed_measures=_changed_measures(period, user),
    )


def police_measures(figures: MeasureFigures) -> int:
    """How many police records the list of changed measures names, for the audit entry."""
    return sum(1 for line in figures.changed_measures if line.visibility == "police")
