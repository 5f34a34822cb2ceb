"""Storing observations exactly once, and turning them into JSON."""

from __future__ import annotations

from datetime import timedelta, timezone
from types import SimpleNamespace
from typing import Any

from flask import url_for

from webapp.auth.models import User
from webapp.core.access import can_read
from webapp.core.audit.service import insert_entry
from webapp.core.idempotency import content_digest, insert_or_replay
from webapp.core.outbox.service import insert_event
from webapp.extensions import db
from webapp.geo.tiles import derive_columns
from webapp.observations.areas import add_membership
from webapp.observations.links import registered_links
from webapp.observations.models import Observation
from webapp.observations.validation import CleanObservation


def observation_path(observation_id: str) -> str:
    """Where a webhook receiver reads the observation (with its own credentials)."""
    return f"/api/v1/observations/{observation_id}"


def content_hash(clean: CleanObservation) -> str:
    return content_digest(clean.canonical())


def observation_values(clean: CleanObservation, author: User) -> dict[str, Any]:
    """The columns of a new observation's row (the database fills the rest by default)."""
    return {**clean.columns(), "author_id": author.id, "content_hash": content_hash(clean)}


def new_observation(clean: CleanObservation, author: User) -> Observation:
    """The row for a validated entry as an ORM object (not yet added to the session)."""
    return Observation(
        **observation_values(clean, author),
        photos=[],  # known to be empty: no lazy load when the answer lists them
    )


def store_observation(clean: CleanObservation, author: User) -> tuple[Any, bool]:
    """Insert, or recognise a replay. Returns (observation, created); the caller commits.

    The primary key makes the database the judge: two phones or two retries racing with one
    UUID cannot both insert (webapp.core.idempotency). Raises ConflictError when the UUID exists
    with other content or author.

    Every phone's every entry comes this way, so the write is plain Core statements on the
    session's connection, in its transaction: the row (ON CONFLICT DO NOTHING RETURNING it),
    its audit entry, its outbox event (webhooks) and its area membership. The ORM's unit of
    work did the same with four times the CPU. A new record is answered from the row the
    database returned (`photos` empty), a replay with the stored ORM object.
    """
    connection = db.session.connection()
    values = observation_values(clean, author)
    # The map's columns, derived once (the model's Core defaults would derive them per column).
    values.update(derive_columns(values["lat"], values["lon"], values["observed_at"]))
    row, created = insert_or_replay(connection, Observation, values)
    if not created:
        return row, False
    stored = SimpleNamespace(**row._asdict(), photos=[])
    insert_entry(
        connection,
        "observation.create",
        Observation.__tablename__,
        stored.id,
        actor=author,
        visibility=stored.visibility,
    )
    insert_event(
        connection,
        "observation.created",
        Observation.__tablename__,
        stored.id,
        visibility=stored.visibility,
        path=observation_path(stored.id),
    )
    add_membership(connection, stored)
    return stored, True


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
