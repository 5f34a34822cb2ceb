"""Observations written straight into the database, for tests that are not about the API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from webapp.auth.models import User
from webapp.extensions import db
from webapp.observations.models import Observation


def add_observation(
    author: User,
    *,
    note: str = "Trasig belysning",
    category: str = "belysning",
    visibility: str | None = None,
    lat: float = 59.8366,
    lon: float = 13.1440,
    status: str = "new",
    hours_ago: float = 1,
    observed_at: datetime | None = None,
) -> str:
    observation = Observation(
        id=str(uuid.uuid4()),
        lat=lat,
        lon=lon,
        accuracy_m=8.0,
        observed_at=observed_at or datetime.now(UTC) - timedelta(hours=hours_ago),
        category_code=category,
        note=note,
        visibility=visibility or ("police" if author.role == "officer" else "municipality"),
        status=status,
        author_id=author.id,
        content_hash="test",
    )
    db.session.add(observation)
    db.session.commit()
    return observation.id
