"""Walked routes for the demo's foot patrols: a loop through Sunne centrum as a phone records it.

Patrols stopped on a phone carry the route the page recorded (activities/patrols/route.py); the
demo's patrols are stored directly, so without this the patrol list showed no distance and the
map's "foot patrol routes" layer stayed empty.
"""

from __future__ import annotations

import random
from typing import Any

from webapp.activities.patrols.route import route_length_m

# Who walked (counts and organisations, no names): police alone, and joint patrols with the
# municipality's field workers or the night walkers, as the citizen promises describe.
PATROL_CREWS = [
    {"participants_count": 2, "organisations": ["police"]},
    {"participants_count": 3, "organisations": ["police", "municipality"]},
    {"participants_count": 4, "organisations": ["police", "volunteers"]},
]

# The loop's corners (lat, lon): the demo's places in the order a patrol walks them.
LOOP = [
    (59.83655, 13.14405),  # Stortorget
    (59.83790, 13.14230),  # Busstationen
    (59.83880, 13.14560),  # Skolgården
    (59.83710, 13.14880),  # Parkeringen vid affären
    (59.83520, 13.14650),  # Parken vid Klarälven
    (59.83430, 13.14120),  # Gångtunneln
]
STEPS_PER_LEG = 8  # a fix every 20-40 m, as the patrol page keeps them
JITTER_DEG = 0.00003  # a phone's GPS wanders a few metres


def walked_route(rng: random.Random, first: int = 0) -> dict[str, Any]:
    """A closed loop through LOOP starting at corner `first`, as [lon, lat] positions."""
    corners = LOOP[first % len(LOOP) :] + LOOP[: first % len(LOOP)]
    corners.append(corners[0])
    positions = []
    for (lat1, lon1), (lat2, lon2) in zip(corners, corners[1:], strict=False):
        for step in range(STEPS_PER_LEG):
            share = step / STEPS_PER_LEG
            positions.append(
                [
                    round(lon1 + (lon2 - lon1) * share + rng.uniform(-JITTER_DEG, JITTER_DEG), 6),
                    round(lat1 + (lat2 - lat1) * share + rng.uniform(-JITTER_DEG, JITTER_DEG), 6),
                ]
            )
    positions.append([round(corners[-1][1], 6), round(corners[-1][0], 6)])
    return {"type": "LineString", "coordinates": positions}


def route_fields(patrol: str, first: int) -> dict[str, Any]:
    """The Activity columns of a walked patrol: its route (from corner `first`, with GPS wander
    seeded by the `patrol` label, so the demo's other random data stay as they were) and the
    route's length."""
    route = walked_route(random.Random(f"demo-route-{patrol}"), first)
    return {"route": route, "length_m": route_length_m(route)}
