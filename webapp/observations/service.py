"""Storing observations exactly once, and turning them into JSON and GeoJSON."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, timedelta, timezone
from typing import Any

from flask import url_for
from sqlalchemy.exc import IntegrityError

from webapp.auth.models import User
from webapp.core.audit.service import record as audit
from webapp.extensions import db
from webapp.observations.models import Observation
from webapp.observations.validation import CleanObservation


def content_hash(clean: CleanObservation) -> str:
    canonical = json.dumps(clean.canonical(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def store_observation(clean: CleanObservation, author: User) -> tuple[Observation, bool]:
    """Insert, or recognise a replay. Returns (observation, created); the caller commits.

    The primary key makes the database the judge: two phones or two retries racing with one UUID
    cannot both insert. Raises ConflictError when the UUID exists with other content or author.
    The caller builds its answer before committing: after the commit every attribute is expired,
    and reading them again would start a second transaction (on SQLite a second wait for the
    write lock) to fetch what it already holds.
    """
    digest = content_hash(clean)
    observation = Observation(
        id=clean.id,
        lat=clean.lat,
        lon=clean.lon,
        accuracy_m=clean.accuracy_m,
        manual_position=clean.manual_position,
        imprecise_position=clean.imprecise_position,
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
        photos=[],  # known to be empty: no lazy load when the answer lists them
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
    return observation, True


class ConflictError(Exception):
    def __init__(self, existing: Observation) -> None:
        super().__init__(existing.id)
        self.existing = existing


def local_time_iso(observation: Observation) -> str:
    zone = timezone(timedelta(minutes=observation.observed_utc_offset_min))
    return observation.observed_at.astimezone(zone).isoformat()


def visible_links(observation: Observation, viewer: User) -> dict[str, Any]:
    """The records this one points to, each only if `viewer` may read it (else None).

    A shared observation made on a police patrol must not tell a municipal reader that the
    patrol exists: the id is itself police information.
    """
    from webapp.activities.models import Activity
    from webapp.core.access import can_read
    from webapp.measures.models import Measure
    from webapp.walks.models import SafetyWalk

    def readable(model: Any, key: Any, author_attr: str) -> Any:
        if key is None:
            return None
        row = db.session.get(model, key)
        if row is None or not can_read(viewer, row.visibility, getattr(row, author_attr)):
            return None
        return key

    return {
        "activity_id": readable(Activity, observation.activity_id, "author_id"),
        "walk_id": readable(SafetyWalk, observation.walk_id, "created_by_id"),
        "measure_id": readable(Measure, observation.measure_id, "created_by_id"),
        "duplicate_of_id": readable(Observation, observation.duplicate_of_id, "author_id"),
    }


def observation_json(observation: Observation, viewer: User) -> dict[str, Any]:
    links = visible_links(observation, viewer)
    return {
        "id": observation.id,
        "lat": observation.lat,
        "lon": observation.lon,
        "accuracy_m": observation.accuracy_m,
        "manual_position": observation.manual_position,
        "imprecise_position": observation.imprecise_position,
        "observed_at": local_time_iso(observation),
        "category": observation.category_code,
        "note": observation.note,
        "rating": observation.rating,
        "visibility": observation.visibility,
        "status": observation.status,
        "activity_id": links["activity_id"],
        "walk_id": links["walk_id"],
        "created_at": observation.created_at.isoformat(),
        "photos": [
            {"id": photo.id, "url": url_for("api.photo_file", photo_id=photo.id)}
            for photo in observation.photos
        ],
    }
