"""The measures decided on each safety walk of the period, and where each stands today.

One promise reads "safety walks are held and followed up, decided measures are carried out":
the council asks, walk by walk, what was decided and whether it was done. The measure figures
(webapp.reports.measures) count status changes inside the period; this part shows today's
status instead, so a report on a past period says what has become of its walks' measures since.
The walks are the report's held walks (walks.ratings_per_walk), already filtered for the reader;
each measure is filtered again, as a shared walk may have led to a police-only measure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.auth.models import User
from webapp.core.access import visibility_filter
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.reports import fmt
from webapp.reports.period import LOCAL_ZONE
from webapp.reports.walks import WalkRatings

# The order of a walk's summary: how far the work has come, then what went wrong. "overdue" is
# an open measure (decided, proposed, in progress) whose deadline has passed.
STANDINGS = (
    "done",
    "partly_done",
    "in_progress",
    "decided",
    "proposed",
    "overdue",
    "not_feasible",
    "other_owner",
)


@dataclass
class WalkMeasure:
    id: int
    title: str
    owner: str
    deadline: date | None
    status: str  # today's status
    visibility: str
    overdue: bool  # open today with its deadline passed

    @property
    def standing(self) -> str:
        """What the summary counts it as: its status, or "overdue"."""
        return "overdue" if self.overdue else self.status


@dataclass
class WalkMeasures:
    """A walk held in the period and the measures decided from it that the reader may see."""

    walk_id: int
    name: str
    starts_at: datetime
    measures: list[WalkMeasure] = field(default_factory=list)

    @property
    def local_day(self) -> date:
        return self.starts_at.astimezone(LOCAL_ZONE).date()

    def tally(self) -> list[tuple[str, int]]:
        """(standing, count) in STANDINGS order, leaving out those with none."""
        counts = Counter(m.standing for m in self.measures)
        return [(s, counts[s]) for s in STANDINGS if counts[s]]


def measures_per_walk(walks: list[WalkRatings], user: User, today: date) -> list[WalkMeasures]:
    """The readable measures of `walks`, per walk in the walks' order, in one query.

    `today` is the local day the status and "overdue" are judged on (Measure.is_overdue).
    """
    result = {w.walk_id: WalkMeasures(w.walk_id, w.name, w.starts_at) for w in walks}
    if not result:
        return []
    measures = db.session.scalars(
        db.select(Measure)
        .where(
            Measure.walk_id.in_(list(result)),
            visibility_filter(user, Measure.visibility, Measure.created_by_id),
        )
        .order_by(Measure.walk_id, Measure.created_at, Measure.id)
    )
    for m in measures:
        result[m.walk_id].measures.append(  # type: ignore[index]
            WalkMeasure(
                id=m.id,
                title=m.title,
                owner=m.owner,
                deadline=m.deadline,
                status=m.status,
                visibility=m.visibility,
                overdue=m.is_overdue(today),
            )
        )
    return list(result.values())


def police_measures(walks: list[WalkMeasures]) -> int:
    """How many police records the part names, for the audit entry of the report."""
    return sum(1 for w in walks for m in w.measures if m.visibility == "police")


# ---- words, shared by the page and the PDF --------------------------------------------------


def _count(singular: str, plural: str, n: int) -> str:
    return ngettext(singular, plural, n, n=fmt.number(n))


def _standing(standing: str, n: int) -> str:
    # Each standing is its own message: Swedish inflects the status word ("1 klar", "2 klara").
    if standing == "done":
        return _count("%(n)s done", "%(n)s done", n)
    if standing == "partly_done":
        return _count("%(n)s partly done", "%(n)s partly done", n)
    if standing == "in_progress":
        return _count("%(n)s in progress", "%(n)s in progress", n)
    if standing == "decided":
        return _count("%(n)s not started", "%(n)s not started", n)
    if standing == "proposed":
        return _count("%(n)s proposed", "%(n)s proposed", n)
    if standing == "overdue":
        return _count("%(n)s overdue", "%(n)s overdue", n)
    if standing == "not_feasible":
        return _count("%(n)s not feasible", "%(n)s not feasible", n)
    return _count("%(n)s with another owner", "%(n)s with another owner", n)


def summary(walk: WalkMeasures) -> str:
    """One line per walk: "4 measures decided: 2 done, 1 in progress, 1 overdue"."""
    if not walk.measures:
        return _("No measure was decided on this walk.")
    decided = _count("%(n)s measure decided", "%(n)s measures decided", len(walk.measures))
    parts = ", ".join(_standing(standing, n) for standing, n in walk.tally())
    return _("%(decided)s: %(parts)s", decided=decided, parts=parts)


def status_note(today: date) -> str:
    return _(
        "The status is today's (%(day)s), also when the report covers an earlier period. "
        "Overdue: still open and its deadline has passed.",
        day=fmt.day(today),
    )


def walk_title(walk: WalkMeasures) -> str:
    return f"{walk.name}, {fmt.short_day(walk.local_day)}"
