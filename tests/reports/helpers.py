"""Factories that write report test data straight into the database (fast, exact times).

Times are given as local Stockholm wall-clock times; `local()` turns them into aware datetimes,
with `fold=1` choosing the second (winter-time) 02:30 of the October change.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from webapp.activities.models import Activity, ActivityType
from webapp.extensions import db
from webapp.measures.models import Measure, MeasureEvent
from webapp.observations.models import Observation
from webapp.promises.models import Promise
from webapp.walks.models import SafetyWalk, WalkParticipant, WalkRating, WalkStop

STOCKHOLM = ZoneInfo("Europe/Stockholm")
STORTORGET = (59.8366, 13.1440)
# Where FACTS.md's Stortorget reference (E 395 943, N 6 634 705 in EPSG:3006) lies in WGS84.
STORTORGET_REFERENCE = (59.8369, 13.1434)
ROTTNEROS = (59.7800, 13.1200)  # about 7 km south: outside the tätort


def local(
    year: int, month: int, day: int, hour: int = 12, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM, fold=fold).astimezone(UTC)


def activity_type(code: str) -> ActivityType:
    return db.session.execute(db.select(ActivityType).filter_by(code=code)).scalar_one()


def promise_of(code: str) -> Promise:
    """The seeded promise the activity type serves (each seeded type serves exactly one)."""
    (promise,) = activity_type(code).promises
    return promise


def add_activity(
    code: str,
    author_id: int,
    start: datetime,
    end: datetime | None = None,
    *,
    visibility: str = "police",
    **values: Any,
) -> Activity:
    kind_type = activity_type(code)
    activity = Activity(
        id=str(uuid.uuid4()),
        activity_type=kind_type,
        started_at=start,
        ended_at=end,
        visibility=visibility,
        author_id=author_id,
        details=values.pop("details", {}),
        **values,
    )
    activity.promises = list(kind_type.promises)
    db.session.add(activity)
    return activity


def add_observation(
    author_id: int,
    when: datetime,
    *,
    category: str = "belysning",
    position: tuple[float, float] = STORTORGET,
    visibility: str = "shared",
    **values: Any,
) -> Observation:
    observation = Observation(
        id=str(uuid.uuid4()),
        lat=position[0],
        lon=position[1],
        accuracy_m=8.0,
        observed_at=when,
        observed_utc_offset_min=60,
        category_code=category,
        note=values.pop("note", "Trasig lampa"),
        visibility=visibility,
        author_id=author_id,
        content_hash="test",
        **values,
    )
    db.session.add(observation)
    return observation


def add_walk(
    creator_id: int,
    when: datetime,
    *,
    status: str = "held",
    name: str = "Vandring",
    visibility: str = "shared",
) -> SafetyWalk:
    walk = SafetyWalk(
        name=name,
        starts_at=when,
        status=status,
        created_by_id=creator_id,
        headcount={},
        visibility=visibility,
    )
    for position, (stop_name, lat, lon) in enumerate(
        [("Stortorget", 59.8366, 13.1440), ("Busstationen", 59.8380, 13.1420)], start=1
    ):
        walk.stops.append(WalkStop(name=stop_name, lat=lat, lon=lon, position=position))
    db.session.add(walk)
    db.session.flush()
    return walk


def add_rating(
    walk: SafetyWalk, stop_index: int, participant: str, when: datetime, **factors: int | None
) -> None:
    if db.session.get(WalkParticipant, participant) is None:
        db.session.add(WalkParticipant(id=participant, walk_id=walk.id, join_code="ABCDEF"))
        db.session.flush()
    values = {f: 2 for f in ("lighting", "overview", "people", "upkeep", "walkway", "feeling")}
    values.update(factors)
    db.session.add(
        WalkRating(
            id=str(uuid.uuid4()),
            walk_id=walk.id,
            stop_id=walk.stops[stop_index].id,
            participant_id=participant,
            rated_at=when,
            content_hash="t",
            **values,
        )
    )


def add_measure(
    creator_id: int,
    title: str,
    history: list[tuple[datetime, str, str]],
    *,
    deadline: date | None = None,
    visibility: str = "shared",
) -> Measure:
    """A measure with its status history: (when, new status, comment) in order."""
    measure = Measure(
        title=title,
        created_by_id=creator_id,
        deadline=deadline,
        visibility=visibility,
        created_at=history[0][0],
        status=history[0][1],
    )
    previous = None
    for when, status, comment in history:
        measure.events.append(
            MeasureEvent(
                at=when, from_status=previous, to_status=status, comment=comment, user_id=creator_id
            )
        )
        previous = status
    measure.status = previous or "proposed"
    measure.status_reason = history[-1][2] if previous in ("not_feasible", "other_owner") else ""
    db.session.add(measure)
    return measure
