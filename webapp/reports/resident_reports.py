"""Residents' reports in the council report: how many came in, per category, and what came of them.

A report counts in the period its arrival falls in (`received_at`, kept to the hour), against
the same dates a year earlier. What came of it is its state today, like the walks' measures:

- "measure": linked to a measure the reader may read, directly (merged with it) or through the
  observation it was merged with or turned into (the resident's follow-up page says the same,
  citizen.public.reports.what_became_of);
- "taken_up": merged with an observation or turned into a review item, no measure (yet);
- "published": shown on the open map, nothing more (yet);
- "waiting": still waiting for the coordinator (status pending).

Hidden reports are not counted, only given apart. The coordinator hides spam (an advert, say)
along with duplicates, reports that could identify a person and matters for neither the
municipality nor the police (citizen.labels.HIDE_REASON), and spam has no reason of its own:
counting any hidden report could count spam as something a resident raised, and a duplicate
would count one place twice. What the public form takes for a script (citizen.guard: honeypot,
forged token) is never stored, so it cannot be counted either.

Access: the coordinator moderates the reports and reads every one (citizen.moderation.views is
theirs alone); anyone else reads what everyone reads, the published ones. Measures are filtered
by the reader's visibility like the rest of the report. Only status, category and links are
read: never a resident's text, contact details or the place, so no report is named and nothing
personal is read (reading contact details is what citizen.moderation audits).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, true

from webapp.auth.models import User
from webapp.citizen.models import PublicReport
from webapp.core.access import Role, visibility_filter
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation
from webapp.reports.period import Period

# What came of a counted report, in the order the report lists them: furthest first.
OUTCOMES = ("measure", "taken_up", "published", "waiting")
TAKEN_UP = ("merged", "converted")


@dataclass
class ResidentReports:
    """The reports that came in during one period, as one reader may see them."""

    by_category: dict[str, int] = field(default_factory=dict)  # counted reports only
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    measure_done: int = 0  # of the "measure" ones: the measure is done today
    hidden: int = 0  # hidden by the coordinator: not counted above

    @property
    def total(self) -> int:
        return sum(self.by_category.values())


def readable(user: User) -> ColumnElement[bool]:
    """The residents' reports `user` may read: all for the coordinator, else the published."""
    if Role(user.role) == Role.COORDINATOR:
        return true()
    return PublicReport.status == "published"


def outcome(status: str, taken_up: bool, measure_status: str | None) -> str | None:
    """What came of a report (a key of OUTCOMES), or None for a hidden one."""
    if status == "hidden":
        return None
    if status == "pending":
        return "waiting"
    if measure_status is not None:
        return "measure"
    if taken_up or status in TAKEN_UP:
        return "taken_up"
    return "published"


def resident_reports(period: Period, user: User) -> ResidentReports:
    linked = func.coalesce(PublicReport.measure_id, Observation.measure_id)
    rows = db.session.execute(
        db.select(
            PublicReport.status,
            PublicReport.category_code,
            PublicReport.observation_id.is_not(None),
            Measure.status,
        )
        .outerjoin(Observation, Observation.id == PublicReport.observation_id)
        .outerjoin(
            Measure,
            (Measure.id == linked)
            & visibility_filter(user, Measure.visibility, Measure.created_by_id),
        )
        .where(period.covers(PublicReport.received_at), readable(user))
    ).all()
    figures = ResidentReports()
    categories: Counter[str] = Counter()
    for status, category, taken_up, measure_status in rows:
        came_of = outcome(status, taken_up, measure_status)
        if came_of is None:
            figures.hidden += 1
            continue
        categories[category] += 1
        figures.outcomes[came_of] += 1
        if came_of == "measure" and measure_status == "done":
            figures.measure_done += 1
    figures.by_category = dict(categories)
    return figures
