"""What became of it: measures shared with residents, decided or done, per area.

Only measures with visibility "shared" and only fields fit for the public: title, description,
owner, status and deadline. Never the internal note, the status reason, the author or history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from webapp.citizen.public.places import ELSEWHERE, NO_PLACE, load_zones
from webapp.core.labels import MEASURE_OWNER, MEASURE_STATUS, label
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure

DECIDED = ("decided", "in_progress")
DONE = ("done", "partly_done")
ZONE_ORDER = ("centrum", "tatort", ELSEWHERE, NO_PLACE)


@dataclass
class PublicMeasure:
    title: str
    description: str
    owner: str
    status: str
    status_label: str
    deadline: date | None
    overdue: bool


@dataclass
class AreaFeedback:
    zone: str
    decided: list[PublicMeasure] = field(default_factory=list)
    done: list[PublicMeasure] = field(default_factory=list)


def public_measure(measure: Measure, today: date) -> PublicMeasure:
    return PublicMeasure(
        title=measure.title,
        description=measure.description,
        owner=label(MEASURE_OWNER, measure.owner),
        status=measure.status,
        status_label=label(MEASURE_STATUS, measure.status),
        deadline=measure.deadline,
        overdue=measure.is_overdue(today),
    )


def feedback_by_area(today: date | None = None) -> list[AreaFeedback]:
    """Shared measures that are decided or done, grouped by centrum, tätort, elsewhere."""
    today = today or local_today()
    rows = db.session.execute(
        db.select(Measure)
        .where(Measure.visibility == "shared")
        .where(Measure.status.in_(DECIDED + DONE))
        .order_by(Measure.deadline.is_(None), Measure.deadline, Measure.id)
    ).scalars()
    zones = load_zones()
    groups = {zone: AreaFeedback(zone) for zone in ZONE_ORDER}
    for measure in rows:
        group = groups[zones.zone_of(measure.lat, measure.lon)]
        target = group.done if measure.status in DONE else group.decided
        target.append(public_measure(measure, today))
    return [group for group in groups.values() if group.decided or group.done]
