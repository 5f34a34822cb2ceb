"""Storing observations exactly once, and turning them into JSON and GeoJSON."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, timedelta, timezone
from typing import Any

from flask import url_for
from sqlalchemy.exc import IntegrityError

from ..audit.service import record as audit
from ..auth.models import User
from ..extensions import db
from .models import Observation
from .validation import CleanObservation


def content_hash(clean: CleanObservation) -> str:
    canonical = json.dumps(clean.canonical(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def store_observation(clean: CleanObservation, author: User) -> tuple[Observation, bool]:
    """Insert, or recognise a replay. Returns (observation, created).

    The primary key makes the database the judge: two phones or two retries racing with one UUID
    cannot both insert. Raises ConflictError when the UUID exists with other content or author.
    """
    digest = content_hash(clean)
    observation = Observation(
        id=clean.id,
        lat=clean.lat,
        lon=clean.lon,
        accuracy_m=clean.accuracy_m,
        manual_position=clean.manual_position,
        observed_at=clean.observed_at.astimezone(UTC),
        observed_utc_offset_min=clean.utc_offset_min,
        category_code=clean.category_code,
        note=clean.note,
        rating=clean.rating,
        visibility=clean.visibility,
        author_id=author.id,
        activity_id=clean.activity_id,
        walk_id=clean.walk_id,
        content_hash=digest,
    )
    db.session.add(observation)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.get(Observation, clean.id)
        if existing is None:  # the constraint that failed was not the id: a real error
            raise
        if existing.content_hash != digest or existing.author_id != author.id:
            raise ConflictError(existing) from None
        return existing, False
    audit("observation.create", observation, actor=author, visibility=clean.visibility)
    db.session.commit()
    return observation, True


class ConflictError(Exception):
    def __init__(self, existing: Observation) -> None:
        super().__init__(existing.id)
        self.existing = existing


def local_time_iso(observation: Observation) -> str:
    zone = timezone(timedelta(minutes=observation.observed_utc_offset_min))
    return observation.observed_at.astimezone(zone).isoformat()


def observation_json(observation: Observation) -> dict[str, Any]:
    return {
        "id": observation.id,
        "lat": observation.lat,
        "lon": observation.lon,
        "accuracy_m": observation.accuracy_m,
        "manual_position": observation.manual_position,
        "observed_at": local_time_iso(observation),
        "category": observation.category_code,
        "note": observation.note,
        "rating": observation.rating,
        "visibility": observation.visibility,
        "status": observation.status,
        "activity_id": observation.activity_id,
        "walk_id": observation.walk_id,
        "created_at": observation.created_at.isoformat(),
        "photos": [
            {"id": photo.id, "url": url_for("api.photo_file", photo_id=photo.id)}
            for photo in observation.photos
        ],
    }
