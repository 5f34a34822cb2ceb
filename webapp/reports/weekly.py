"""The weekly situational picture (lägesbild) for the police–municipality meeting (EST method).

One ISO week, Monday to Sunday (weeks as Swedish calendars number them), against the week before:
what was observed, by category and by area (Sunne centrum, the rest of the tätort, outside);
which measures are new and which are overdue now; what was done. One page, to be read in five
minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.activities.models import ActivityType
from webapp.auth.models import User
from webapp.core.access import visibility_filter
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.interop.police_events.service import EventLine, events_between, import_state
from webapp.measures.models import Measure
from webapp.observations.models import Category
from webapp.reports import activities, fmt, measures, observations, walks
from webapp.reports.observations import AreaTable
from webapp.reports.period import Period, week_code, week_number


@dataclass
class WeeklyPicture:
    period: Period
    previous: Period
    generated_at: datetime
    areas: AreaTable
    previous_by_category: dict[str, int]
    categories: list[Category]
    new_measures: list[measures.MeasureLine]
    overdue: list[measures.MeasureLine]
    activity_counts: list[tuple[ActivityType, int, int]]  # type, this week, week before
    walks_held: int
    previous_walks_held: int
    # The police's public events in the kommun this week (polisen.se), newest first: listed,
    # never drawn (their point is the centre of an area). Read from the database only.
    police_events: list[EventLine] = field(default_factory=list)
    police_imported_at: datetime | None = None  # the end of the last successful import
    police_import_problem: str | None = None  # the last attempt's outcome, if it failed
    police_import_status: int | None = None

    @property
    def today(self) -> date:
        return local_today(self.generated_at)

    @property
    def incomplete(self) -> bool:
        """The week is not over: its figures run up to the moment the picture was made."""
        return self.period.last >= self.today

    @property
    def week_code(self) -> str:
        return week_code(self.period)

    @property
    def observations_total(self) -> int:
        return sum(self.areas.row_total(code) for code in self.areas.counts)

    @property
    def previous_total(self) -> int:
        return sum(self.previous_by_category.values())


def _new_measures(period: Period, user: User) -> list[measures.MeasureLine]:
    rows = db.session.execute(
        db.select(Measure.id, Measure.title, Measure.owner, Measure.deadline, Measure.status)
        .where(
            period.covers(Measure.created_at),
            visibility_filter(user, Measure.visibility, Measure.created_by_id),
        )
        .order_by(Measure.created_at, Measure.id)
    ).all()
    return [measures.MeasureLine(r.id, r.title, r.owner, r.deadline, r.status) for r in rows]


def _activity_counts(period: Period, user: User) -> list[tuple[ActivityType, int, int]]:
    current = activities.figures_by_type(period, [], user)
    before = activities.figures_by_type(period.previous(), [], user)
    ids = set(current) | set(before)
    if not ids:
        return []
    types = db.session.execute(
        db.select(ActivityType).where(ActivityType.id.in_(ids)).order_by(ActivityType.id)
    )
    return [
        (
            t,
            current[t.id].count if t.id in current else 0,
            before[t.id].count if t.id in before else 0,
        )
        for t in types.scalars()
    ]


def build_weekly(period: Period, user: User, *, now: datetime | None = None) -> WeeklyPicture:
    now = now or datetime.now(UTC)
    previous = period.previous()
    police = import_state()
    return WeeklyPicture(
        period=period,
        previous=previous,
        generated_at=now,
        areas=observations.by_category_and_area(period, user),
        previous_by_category=observations.by_category(previous, user),
        categories=observations.categories(),
        new_measures=_new_measures(period, user),
        overdue=measures.overdue_at(min(period.end, now), user),
        activity_counts=_activity_counts(period, user),
        walks_held=walks.walks_held(period, user),
        previous_walks_held=walks.walks_held(previous, user),
        police_events=events_between(period.start, period.end),
        police_imported_at=police.last_ok,
        police_import_problem=police.problem,
        police_import_status=police.problem_status,
    )


def weekly_title(picture: WeeklyPicture) -> str:
    year, week = week_number(picture.period)
    return _("Situational picture, week %(week)s %(year)s", week=week, year=year)


def weekly_dates(picture: WeeklyPicture) -> str:
    """The week's dates under the title, Monday to Sunday."""
    return _(
        "Monday %(first)s – Sunday %(last)s",
        first=fmt.day(picture.period.first),
        last=fmt.day(picture.period.last),
    )


def incomplete_note(picture: WeeklyPicture) -> str:
    """For the current week: it is not over, so its figures are not the whole week's."""
    _year, week = week_number(picture.period)
    return _(
        "Week %(week)s is not over: the figures run up to %(when)s and will still grow. "
        "The week before is a whole week.",
        week=week,
        when=fmt.moment(picture.generated_at),
    )


# Why the last import of the police's events failed (police_imports.outcome).
IMPORT_PROBLEMS = {
    "http_error": _l("the police's server answered with an error"),
    "rate_limited": _l("the police's server asked us to wait"),
    "gone": _l("the address no longer exists; change POLICE_EVENTS_URL"),
    "network": _l("the police's server could not be reached"),
    "parse": _l("the answer could not be read"),
}


def police_import_line(picture: WeeklyPicture) -> str:
    """When the police's events were last fetched, and whether the last attempt failed."""
    if picture.police_imported_at is None:
        text = _("Police events: never imported.")
    else:
        text = _(
            "Police events last imported %(when)s.", when=fmt.moment(picture.police_imported_at)
        )
    if picture.police_import_problem:
        status = f" (HTTP {picture.police_import_status})" if picture.police_import_status else ""
        text += " " + _(
            "The last attempt failed: %(why)s%(status)s.",
            why=IMPORT_PROBLEMS.get(picture.police_import_problem, picture.police_import_problem),
            status=status,
        )
    return text
