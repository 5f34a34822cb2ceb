"""The demo's year before and its measures: what the council report compares and follows up.

The council compares a period with the same dates a year earlier, so the demo also holds work
and observations from around this date last year (fewer than now), and the measures decided
after the demo walk, one of them done. Stored directly: entries a year old are older than the
field app accepts from a phone, and nobody typed them.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from webapp.activities.models import Activity, ActivityType
from webapp.auth.models import User
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Observation
from webapp.observations.service import content_hash
from webapp.observations.validation import CleanObservation
from webapp.ops.demo.routes import route_fields
from webapp.walks.models import SafetyWalk

# activity type code, days before "a year ago today", hours long, details
LAST_YEAR = [
    ("fotpatrull", 2, 1.0, {}),
    ("fotpatrull", 9, 1.5, {}),
    ("fotpatrull", 15, 1.0, {}),
    (
        "andt",
        6,
        2.0,
        {
            "intervention": "samtal",
            "reached": {"under_15": 1, "age_15_17": 6, "age_18_20": 2},
            "substances": ["alkohol"],
        },
    ),  # fmt: skip
    (
        "samverkan-skola-soc",
        12,
        1.0,
        {"organisations": ["skola", "socialtjanst"], "cases_discussed": 3, "themes": ["andt"]},
    ),  # fmt: skip
]
LAST_YEAR_PLACES = [
    (59.83655, 13.14405, "Stortorget", "belysning"),
    (59.83790, 13.14230, "Busstationen", "ungdomssamling"),
    (59.83430, 13.14120, "Gångtunneln", "otrygg-plats"),
    (59.83520, 13.14650, "Parken vid Klarälven", "nedskrapning"),
]
# title, owner, days until the deadline (negative: passed), the status it reached
WALK_MEASURES = [
    ("Byt trasig belysning i gångtunneln", "municipality_technical", 20, "done"),
    ("Klipp buskaget vid gångvägen mot skolan", "municipality_technical", -3, "decided"),
    ("Fler vuxna ute vid busstationen fredagkvällar", "municipality_social", 45, "decided"),
]


def _activities(officer: User, staff: User, year_ago: datetime) -> None:
    types = {t.code: t for t in db.session.scalars(db.select(ActivityType))}
    for code, days, hours, details in LAST_YEAR:
        activity_type = types[code]
        start = (year_ago - timedelta(days=days)).replace(hour=18, minute=0)
        walked: dict[str, Any] = {}
        if code == "fotpatrull":
            walked = route_fields(f"a-year-and-{days}-days-ago", first=days)
        db.session.add(
            Activity(
                activity_type_id=activity_type.id,
                started_at=start,
                ended_at=start + timedelta(hours=hours),
                details=details,
                visibility=activity_type.default_visibility(),
                author_id=(staff if activity_type.organisation == "joint" else officer).id,
                **walked,
            )
        )


def _observations(officer: User, rng: random.Random, year_ago: datetime) -> None:
    for index in range(16):
        lat, lon, place, code = LAST_YEAR_PLACES[index % len(LAST_YEAR_PLACES)]
        clean = CleanObservation(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            lat=lat + rng.uniform(-0.0005, 0.0005),
            lon=lon + rng.uniform(-0.001, 0.001),
            accuracy_m=10.0,
            observed_at=year_ago - timedelta(hours=rng.randint(1, 24 * 18)),
            utc_offset_min=60,
            category_code=code,
            note=f"{place}: iakttagelse från förra året.",
            rating=None,
            activity_id=None,
            walk_id=None,
            visibility="shared",
            manual_position=False,
        )
        db.session.add(
            Observation(
                id=clean.id, lat=clean.lat, lon=clean.lon, accuracy_m=clean.accuracy_m,
                observed_at=clean.observed_at, observed_utc_offset_min=clean.utc_offset_min,
                category_code=clean.category_code, note=clean.note, visibility=clean.visibility,
                author_id=officer.id, content_hash=content_hash(clean),
            )
        )  # fmt: skip


def _measures(walk: SafetyWalk, coordinator: User, now: datetime) -> None:
    today = now.date()
    for title, owner, days, status in WALK_MEASURES:
        measure = Measure(
            title=title,
            owner=owner,
            deadline=today + timedelta(days=days),
            walk_id=walk.id,
            lat=walk.lat,
            lon=walk.lon,
            visibility="shared",
            created_by_id=coordinator.id,
        )
        # Decided the day after the walk; the lamp was changed yesterday.
        decided = measure.change_status("decided", by=coordinator.id, comment="Efter vandringen.")
        decided.at = walk.starts_at + timedelta(days=1)
        if status == "done":
            measure.change_status("done", by=coordinator.id).at = now - timedelta(days=1)
        db.session.add(measure)


def seed_history(users: list[User], walk: SafetyWalk, rng: random.Random, now: datetime) -> None:
    officer, staff, coordinator = users[0], users[1], users[2]
    year_ago = now.astimezone(UTC) - timedelta(days=365)
    _activities(officer, staff, year_ago)
    _observations(officer, rng, year_ago)
    _measures(walk, coordinator, now)
