"""Storing observations exactly once, and turning them into JSON."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from flask import url_for

from webapp.auth.models import User
from webapp.core.access import can_read
from webapp.core.audit.service import record as audit
from webapp.core.idempotency import content_digest, insert_once
from webapp.core.outbox.service import emit
from webapp.extensions import db
from webapp.observations.links import registered_links
from webapp.observations.models import Observation
from webapp.observations.validation import CleanObservation


def observation_path(observation_id: str) -> str:
    """Where a webhook receiver reads the observation (with its own credentials)."""
    return f"/api/v1/observations/{observation_id}"


def content_hash(clean: CleanObservation) -> str:
    return content_digest(clean.canonical())


def new_observation(clean: CleanObservation, author: User) -> Observation:
    """The row for a validated entry (not yet added to the session)."""
    return Observation(
        **clean.columns(),
        author_id=author.id,
        content_hash=content_hash(clean),
        photos=[],  # known to be empty: no lazy load when the answer lists them
    )


def record_created(observation: Observation, author: User) -> None:
    """What a new observation writes beside itself, in its transaction: the audit entry and the
    outbox event (webhooks)."""
    audit("observation.create", observation, actor=author, visibility=observation.visibility)
    emit(
        "observation.created",
        observation,
        visibility=observation.visibility,
        path=observation_path(observation.id),
    )


def store_observation(clean: CleanObservation, author: User) -> tuple[Observation, bool]:
    """Insert, or recognise a replay. Returns (observation, created); the caller commits.

    The primary key makes the database the judge (webapp.core.idempotency): two phones or two
    retries racing with one UUID cannot both insert. Raises ConflictError when the UUID exists
    with other content or author. The caller builds its answer before committing: after the
    commit every attribute is expired, and reading them again would start a second transaction
    (on SQLite a second wait for the write lock) to fetch what it already holds.
    """
    observation = new_observation(clean, author)
    # The audit entry and the event go into the same flush as the row (one round of the unit of
    # work instead of two); a refused insert (a replay, a conflict) rolls all three back.
    record_created(observation, author)
    return insert_once(observation)


def local_time_iso(observation: Observation) -> str:
    zone = timezone(timedelta(minutes=observation.observed_utc_offset_min))
    return observation.observed_at.astimezone(zone).isoformat()


def visible_links(observation: Observation, viewer: User) -> dict[str, Any]:
    """The records this one points to, each only if `viewer` may read it (else None).

    A shared observation made on a police patrol must not tell a municipal reader that the
    patrol exists: the id is itself police information.
    """

    def readable(model: Any, key: Any, author_attr: str) -> Any:
        if key is None:
            return None
        row = db.session.get(model, key)
        if row is None or not can_read(viewer, row.visibility, getattr(row, author_attr)):
            return None
        return key

    links = {
        link.field: readable(link.model, getattr(observation, link.field), link.author_attr)
        for link in registered_links()
    }
    links["duplicate_of_id"] = readable(Observation, observation.duplicate_of_id, "author_id")
    return links


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
