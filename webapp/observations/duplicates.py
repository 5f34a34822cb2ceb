"""Duplicate suggestions: observations of the same category, close in place and time.

Two officers who note the same broken lamp on the same evening make two records. The review page
of one offers the other, with how far apart and how long between them, so the coordinator can
merge them with one click instead of pasting an id. Only records the viewer may read are ever
suggested: the database query carries the same visibility filter as every list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from webapp.auth.models import User
from webapp.core.access import visibility_filter
from webapp.core.audit.service import record_police_reads
from webapp.extensions import db
from webapp.geo import distance_m
from webapp.observations.models import Observation

METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class Suggestion:
    observation: Observation
    distance_m: float
    apart: timedelta  # how long between the two observations, never negative


def duplicate_suggestions(observation: Observation, user: User) -> list[Suggestion]:
    """Readable observations that may be the same thing, nearest first.

    Same category, within DUPLICATE_RADIUS_M metres and DUPLICATE_WINDOW_DAYS days either side;
    records already merged into another are left out (merge into their original instead).
    """
    config = current_app.config
    radius = float(config["DUPLICATE_RADIUS_M"])
    window = timedelta(days=config["DUPLICATE_WINDOW_DAYS"])
    rows = db.session.execute(_nearby_query(observation, user, radius, window)).scalars()
    found = []
    for row in rows:
        metres = distance_m(observation.lat, observation.lon, row.lat, row.lon)
        if metres <= radius:
            found.append(Suggestion(row, metres, abs(row.observed_at - observation.observed_at)))
    found.sort(key=lambda s: (s.distance_m, s.apart))
    found = found[: config["DUPLICATE_MAX_SUGGESTIONS"]]
    record_police_reads(
        "observation.list", "observations", (s.observation.visibility for s in found)
    )
    return found


def _nearby_query(observation: Observation, user: User, radius: float, window: timedelta):  # type: ignore[no-untyped-def]
    """A box around the point in the database; the exact distance is measured in Python."""
    dlat = radius / METRES_PER_DEGREE_LAT
    dlon = radius / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(observation.lat)), 0.01))
    return (
        db.select(Observation)
        .where(Observation.id != observation.id)
        .where(Observation.category_code == observation.category_code)
        .where(Observation.status != "duplicate")
        .where(Observation.lat.between(observation.lat - dlat, observation.lat + dlat))
        .where(Observation.lon.between(observation.lon - dlon, observation.lon + dlon))
        .where(
            Observation.observed_at.between(
                observation.observed_at - window, observation.observed_at + window
            )
        )
        .where(visibility_filter(user, Observation.visibility, Observation.author_id))
        .limit(200)
    )
