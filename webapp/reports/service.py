"""The council report (Lokala rådet för trygghet) for a period and a choice of promises.

Produktionsuppföljning, as Brå calls it: per promised activity, was it done, how often and with
what reach, against the same dates a year earlier; what was not done at all; what became
of the measures; how safe people said places felt, on safety walks and in the annual survey;
what residents reported and what came of it (counts only, resident_reports.py).
Only records the reader may see are counted (survey answers are anonymous aggregates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from webapp.activities.models import ActivityType
from webapp.auth.models import User
from webapp.citizen.models import Survey
from webapp.citizen.surveys.stats import other_surveys
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.observations.models import Category
from webapp.promises.models import Promise
from webapp.reports import (
    activities,
    measures,
    observations,
    resident_reports,
    walk_measures,
    walks,
)
from webapp.reports.activities import TypeFigures
from webapp.reports.mapdata import MapLayer, map_layers
from webapp.reports.period import Month, Period
from webapp.reports.surveys import SurveySection, survey_sections


@dataclass
class TypeLine:
    """One activity type within a promise: this period, the previous one, and per month."""

    activity_type: ActivityType
    current: TypeFigures
    previous: TypeFigures
    monthly: list[int]
    promised: bool = True  # False: logged for the promise but no longer among its activities


@dataclass
class PromiseSection:
    promise: Promise
    lines: list[TypeLine]

    @property
    def not_done(self) -> list[ActivityType]:
        """Promised (active) activity types with no entry at all in the period."""
        return [
            line.activity_type
            for line in self.lines
            if line.promised and line.activity_type.active and line.current.done == 0
        ]


@dataclass
class CouncilReport:
    period: Period
    previous: Period
    generated_at: datetime
    sections: list[PromiseSection]
    # Over all chosen promises, each activity once: activity type id -> figures.
    totals: dict[int, TypeFigures]
    previous_totals: dict[int, TypeFigures]
    types: dict[int, ActivityType]
    walks_held: int
    previous_walks_held: int
    # Held but not logged as an activity: the promise tables add these to the activities.
    walks_not_logged: int
    walk_ratings: list[walks.WalkRatings]
    feeling_months: list[walks.MonthRatings]
    measures: measures.MeasureFigures
    previous_measures: measures.MeasureFigures
    observations: dict[str, int]
    previous_observations: dict[str, int]
    categories: list[Category]
    months: list[Month]
    maps: list[MapLayer] = field(default_factory=list)
    # The yearly safety survey(s) open in the period, each against the yearly survey before it.
    surveys: list[SurveySection] = field(default_factory=list)
    # Other surveys open in the period and their answers: named, never compared.
    other_surveys: list[tuple[Survey, int]] = field(default_factory=list)
    # Each walk held in the period with the measures decided from it, as they stand today.
    walk_measures: list[walk_measures.WalkMeasures] = field(default_factory=list)
    # Residents' reports that came in during the period and the same dates a year earlier.
    residents: resident_reports.ResidentReports = field(
        default_factory=resident_reports.ResidentReports
    )
    previous_residents: resident_reports.ResidentReports = field(
        default_factory=resident_reports.ResidentReports
    )

    @property
    def today(self) -> date:
        """The local day the report was made: the day of "status today"."""
        return local_today(self.generated_at)

    @property
    def promise_ids(self) -> list[int]:
        return [s.promise.id for s in self.sections]

    def total(self, kind: str, attribute: str, *, previous: bool = False) -> float:
        """Sum of one figure over the activity types of a kind (each activity counted once)."""
        figures = self.previous_totals if previous else self.totals
        return sum(
            getattr(f, attribute)
            for type_id, f in figures.items()
            if self.types[type_id].kind == kind
        )


def default_promises(period: Period) -> list[Promise]:
    """The promises in force during the period; all promises when none is."""
    promises = list(
        db.session.execute(db.select(Promise).order_by(Promise.starts_on, Promise.id)).scalars()
    )
    overlapping = [
        p
        for p in promises
        if p.starts_on <= period.last and (p.ends_on is None or p.ends_on >= period.first)
    ]
    return overlapping or promises


def _sections(
    period: Period, promises: list[Promise], user: User, walks_now: int
) -> list[PromiseSection]:
    """`walks_now`: walks held in `period` and not logged as an activity (counted once, by
    the caller, which reports the same figure)."""
    ids = [p.id for p in promises]
    current = activities.figures_by_promise(period, ids, user)
    before = activities.figures_by_promise(period.year_before(), ids, user)
    monthly = activities.monthly_counts(period, ids, user)
    months = len(period.months())
    walks_before = walks.walks_held(period.year_before(), user, unlogged_only=True)
    walks_monthly = walks.held_per_month(period, user, unlogged_only=True)
    sections = []
    for promise in promises:
        promised = sorted(promise.activity_types, key=lambda t: t.id)
        logged = {t for (p, t) in (*current, *before) if p == promise.id} - {t.id for t in promised}
        extra = [db.session.get(ActivityType, t) for t in sorted(logged)]
        lines = []
        for activity_type in [*promised, *extra]:
            key = (promise.id, activity_type.id)
            line = TypeLine(
                activity_type=activity_type,
                current=current.get(key) or TypeFigures(),
                previous=before.get(key) or TypeFigures(),
                monthly=monthly.get(promise.id, {}).get(activity_type.id, [0] * months),
                promised=activity_type in promised,
            )
            if activity_type.kind == "safety_walk":
                # Walks from the walk planner are the main record of this activity.
                line.current.walks, line.previous.walks = walks_now, walks_before
                line.monthly = [a + b for a, b in zip(line.monthly, walks_monthly, strict=True)]
            lines.append(line)
        sections.append(PromiseSection(promise, lines))
    return sections


def build_council_report(
    period: Period,
    promises: list[Promise],
    user: User,
    *,
    now: datetime | None = None,
    with_maps: bool = True,
) -> CouncilReport:
    now = now or datetime.now(UTC)
    previous = period.year_before()
    ids = [p.id for p in promises]
    walk_ratings = walks.ratings_per_walk(period, user)
    totals = activities.figures_by_type(period, ids, user)
    previous_totals = activities.figures_by_type(previous, ids, user)
    type_ids = (
        set(totals) | set(previous_totals) | {t.id for p in promises for t in p.activity_types}
    )
    types = {
        t.id: t
        for t in db.session.execute(
            db.select(ActivityType).where(ActivityType.id.in_(type_ids))
        ).scalars()
    }
    walks_not_logged = walks.walks_held(period, user, unlogged_only=True)
    return CouncilReport(
        period=period,
        previous=previous,
        generated_at=now,
        sections=_sections(period, promises, user, walks_not_logged),
        totals=totals,
        previous_totals=previous_totals,
        types=types,
        walks_held=walks.walks_held(period, user),
        previous_walks_held=walks.walks_held(previous, user),
        walks_not_logged=walks_not_logged,
        walk_ratings=walk_ratings,
        feeling_months=walks.feeling_per_month(period, walk_ratings),
        measures=measures.measure_figures(period, user, now),
        previous_measures=measures.measure_figures(previous, user, now),
        observations=observations.by_category(period, user),
        previous_observations=observations.by_category(previous, user),
        categories=observations.categories(),
        months=period.months(),
        maps=map_layers(period, ids, user) if with_maps else [],
        surveys=survey_sections(period),
        other_surveys=other_surveys(period),
        walk_measures=walk_measures.measures_per_walk(walk_ratings, user, local_today(now)),
        residents=resident_reports.resident_reports(period, user),
        previous_residents=resident_reports.resident_reports(previous, user),
    )
