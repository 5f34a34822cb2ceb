"""Storing observations exactly once, and turning them into JSON."""

from __future__ import annotations

from datetime import timedelta, timezone
from types import SimpleNamespace
from typing import Any

from flask import url_for

from webapp.auth.models import User
from webapp.core.access import can_read
from webapp.core.audit.service import entry_values, insert_entry
from webapp.core.idempotency import content_digest, insert_or_replay, replay_of
from webapp.core.outbox.service import event_values, insert_event
from webapp.extensions import db
from webapp.geo.tiles import derive_columns
from webapp.observations.areas import (
    add_membership,
    area_ids_at,
    cached_shapes,
    replace_membership,
    week_index,
)
from webapp.observations.links import registered_links
from webapp.observations.models import Observation
from webapp.observations.pg_store import insert_with_trail
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

    Every phone's every entry comes this way, so the write is plain Core on the session's
    connection, in its transaction: the row (ON CONFLICT DO NOTHING RETURNING it), its audit
    entry, its outbox event (webhooks) and its area membership; on PostgreSQL all four in one
    statement (observations/pg_store.py), on SQLite as four. The ORM's unit of work did the
    same with four times the CPU. A new record is answered from the row the database returned
    (`photos` empty), a replay with the stored ORM object.
    """
    connection = db.session.connection()
    values = observation_values(clean, author)
    # The map's columns, derived once (the model's Core defaults would derive them per column).
    values.update(derive_columns(values["lat"], values["lon"], values["observed_at"]))
    if connection.dialect.name == "postgresql":
        return _store_in_one_statement(connection, values, author)
    row, created = insert_or_replay(connection, Observation, values)
    if not created:
        return row, False
    stored = _answer(row._mapping)
    insert_entry(
        connection,
        CREATED_ACTION,
        Observation.__tablename__,
        stored.id,
        actor=author,
        visibility=stored.visibility,
    )
    insert_event(
        connection,
        CREATED_EVENT,
        Observation.__tablename__,
        stored.id,
        visibility=stored.visibility,
        path=observation_path(stored.id),
    )
    add_membership(connection, stored)
    return stored, True


CREATED_ACTION = "observation.create"
CREATED_EVENT = "observation.created"
_COLUMNS = tuple(Observation.__table__.columns.keys())


def _answer(mapping: Any) -> SimpleNamespace:
    """The stored row as the answer's record: its columns, and no photos yet."""
    return SimpleNamespace(**{name: mapping[name] for name in _COLUMNS}, photos=[])


def _store_in_one_statement(
    connection: Any, values: dict[str, Any], author: User
) -> tuple[Any, bool]:
    """store_observation() on PostgreSQL: one statement and one round trip for the four rows."""
    record_id, visibility = values["id"], values["visibility"]
    table = Observation.__tablename__
    audit = entry_values(CREATED_ACTION, table, record_id, author, {"visibility": visibility})
    event = event_values(CREATED_EVENT, table, record_id, visibility, observation_path(record_id))
    key, shapes = cached_shapes()
    row, stored_key = insert_with_trail(
        connection,
        values,
        audit,
        event,
        area_ids=area_ids_at(float(values["lon"]), float(values["lat"]), shapes),
        week=week_index(values["observed_at"]),
    )
    if row is None:
        return replay_of(Observation, values), False
    stored = _answer(row._mapping)
    if stored_key != key:  # the outlines changed since this process read them
        replace_membership(connection, stored)
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
