"""What the demo's held safety walk found: its route and stops, who took part (groups, gender and
age bands, never names), the participants' ratings at each stop, the places they marked, and
which of those became the measures decided after the walk.

Without this the walk's pages were empty (no route, 0 participants, no ratings, no marked
places), so the protocol, the coordinator's review and the council report had nothing to show.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from webapp.core.idempotency import content_digest
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.walks.models import FACTORS, SafetyWalk, WalkParticipant, WalkRating, WalkSpot, WalkStop

# name, lat, lon, typical ratings 0 (bad) - 3 (good) in FACTORS order:
# lighting, overview, people, upkeep, walkway, feeling
STOPS = [
    ("Stortorget", 59.83655, 13.14405, (3, 3, 2, 2, 3, 3)),
    ("Gångtunneln", 59.83430, 13.14120, (0, 1, 1, 1, 2, 0)),
    ("Busstationen", 59.83790, 13.14230, (2, 2, 1, 2, 2, 1)),
    ("Gångvägen mot skolan", 59.83835, 13.14470, (1, 0, 1, 2, 2, 1)),
]
# Bends of the walked line between the stops (lat, lon), back to the meeting point at the end.
ROUTE = [
    (59.83655, 13.14405), (59.83560, 13.14300), (59.83430, 13.14120), (59.83520, 13.14080),
    (59.83660, 13.14150), (59.83790, 13.14230), (59.83820, 13.14350), (59.83835, 13.14470),
    (59.83760, 13.14460), (59.83655, 13.14405),
]  # fmt: skip
# Who joined with the walk's code on their phones: group, gender, age band.
PARTICIPANTS = [
    ("residents", "woman", "65_plus"),
    ("residents", "woman", "30_49"),
    ("residents", "man", "50_64"),
    ("youth", "woman", "under_18"),
    ("business", "man", "30_49"),
    ("politicians", "woman", "50_64"),
    ("municipality", "man", "30_49"),
]
# People without phones, counted by the walk leader (counts by group only).
HEADCOUNT = {"group": {"police": 2, "residents": 3}}
# Marked places: stop index, category, note, minutes into the walk, the measure it became (by
# title, see history.WALK_MEASURES), or its review status when it became none ("new",
# "duplicate" of the stop's first place with a measure, "dismissed").
SPOTS = [
    (1, "belysning", "Lampan i tunneln är trasig, det är helt mörkt.", 12,
     "Byt trasig belysning i gångtunneln"),
    (3, "skymd-sikt", "Buskaget skymmer sikten längs gångvägen.", 48,
     "Klipp buskaget vid gångvägen mot skolan"),
    (2, "otrygg-plats", "Många väntar här på fredagskvällar, ingen vuxen i närheten.", 30,
     "Fler vuxna ute vid busstationen fredagkvällar"),
    (2, "otrygg-plats", "Känns otryggt vid busskuren när det är mörkt.", 33, "duplicate"),
    (0, "nedskrapning", "Papperskorgarna vid torget är fulla.", 55, "new"),
    (1, "skadegorelse", "Klotter på tunnelns väggar.", 14, "new"),
]  # fmt: skip
JOIN_CODE = "SUNNE16"  # the code the participants joined with; the walk no longer has one


@dataclass(frozen=True)
class WalkPlan:
    """What one demo walk found. `key` starts the ids of its rows, so two walks never share
    one (the first walk's is empty: its ids stay what they always were)."""

    key: str
    stops: list[tuple[str, float, float, tuple[int, ...]]]
    route: list[tuple[float, float]]
    participants: list[tuple[str, str, str]]
    spots: list[tuple[int, str, str, int, str]]
    headcount: dict[str, Any]
    invited: list[str]
    summary: str
    minutes: int = 75  # how long it took


DEMO_WALK = WalkPlan(
    key="",
    stops=STOPS,
    route=ROUTE,
    participants=PARTICIPANTS,
    spots=SPOTS,
    headcount=HEADCOUNT,
    invited=["Polisen", "Kommunens tekniska förvaltning", "Hyresgästföreningen"],
    summary=(
        "Sju deltagare med telefon och fem till gick från Stortorget via gångtunneln och "
        "busstationen till gångvägen mot skolan. Mörkast och otryggast upplevdes gångtunneln."
    ),
)


def seed_walk_content(walk: SafetyWalk, plan: WalkPlan = DEMO_WALK) -> None:
    """Fill a held demo walk (the demo's own by default); the measures its places became
    (by title, with the walk's id) must exist."""
    walk.ends_at = walk.starts_at + timedelta(minutes=plan.minutes)
    walk.route = {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in plan.route]}
    walk.invited_organisations = list(plan.invited)
    walk.headcount = plan.headcount
    walk.summary = plan.summary
    stops = [
        WalkStop(walk=walk, position=index + 1, name=name, lat=lat, lon=lon)
        for index, (name, lat, lon, _ratings) in enumerate(plan.stops)
    ]
    db.session.add_all(stops)
    participants = [
        WalkParticipant(
            id=_demo_id(plan.key + "participant", index),
            walk_id=walk.id,
            join_code=JOIN_CODE,
            group=group,
            gender=gender,
            age_band=age_band,
            joined_at=walk.starts_at - timedelta(minutes=5),
        )
        for index, (group, gender, age_band) in enumerate(plan.participants)
    ]
    db.session.add_all(participants)
    db.session.flush()
    _ratings(walk, stops, participants, plan)
    _spots(walk, stops, participants, plan)


def _ratings(
    walk: SafetyWalk, stops: list[WalkStop], participants: list[WalkParticipant], plan: WalkPlan
) -> None:
    for stop_index, (stop, (_name, _lat, _lon, typical)) in enumerate(
        zip(stops, plan.stops, strict=True)
    ):
        for person, participant in enumerate(participants):
            # People differ a little: every third rates one step higher, every fifth one lower.
            shift = (1 if person % 3 == 2 else 0) - (1 if person % 5 == 4 else 0)
            values = {f: min(3, max(0, v + shift)) for f, v in zip(FACTORS, typical, strict=True)}
            canonical = {"stop_id": stop.id, **values, "participant": participant.id}
            db.session.add(
                WalkRating(
                    id=_demo_id(plan.key + "rating", stop_index, person),
                    walk_id=walk.id,
                    participant_id=participant.id,
                    stop_id=stop.id,
                    rated_at=walk.starts_at + timedelta(minutes=10 + 18 * stop_index),
                    content_hash=content_digest(canonical),
                    **values,
                )
            )


def _spots(
    walk: SafetyWalk, stops: list[WalkStop], participants: list[WalkParticipant], plan: WalkPlan
) -> None:
    measures = {
        m.title: m
        for m in db.session.execute(db.select(Measure).filter_by(walk_id=walk.id)).scalars()
    }
    first_of: dict[int, WalkSpot] = {}
    for index, (stop_index, category, note, minutes, outcome) in enumerate(plan.spots):
        stop = stops[stop_index]
        columns: dict[str, Any] = {
            "lat": round(stop.lat + 0.00004 * (index % 3 - 1), 6),
            "lon": round(stop.lon + 0.00008 * (index % 2), 6),
            "accuracy_m": 8.0,
            "observed_at": walk.starts_at + timedelta(minutes=minutes),
            "observed_utc_offset_min": 60,
            "category_code": category,
            "note": note,
        }
        spot = WalkSpot(
            id=_demo_id(plan.key + "spot", index),
            walk_id=walk.id,
            participant_id=participants[index % len(participants)].id,
            content_hash=content_digest({**columns, "walk_id": walk.id}),
            status="new",
            **columns,
        )
        measure = measures.get(outcome)
        if measure is not None:
            spot.status, spot.measure_id = "measure", measure.id
            measure.lat, measure.lon = spot.lat, spot.lon  # the measure sits where it was found
            first_of[stop_index] = spot
        elif outcome == "duplicate":
            original = first_of[stop_index]
            spot.status, spot.duplicate_of_id = "duplicate", original.id
            spot.measure_id = original.measure_id
        elif outcome == "dismissed":  # looked at after the walk: no measure
            spot.status = "dismissed"
        db.session.add(spot)


def _demo_id(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "trygg-demo-" + "-".join(map(str, parts))))
