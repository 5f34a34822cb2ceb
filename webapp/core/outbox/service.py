"""emit(): add an event to the caller's transaction (the caller commits, as with audit())."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy.engine import Connection

from webapp.core.dbtypes import new_uuid
from webapp.core.outbox.models import OutboxEvent
from webapp.extensions import db

# The events a receiver may ask for (Standard Webhooks names: noun.verb_past).
EVENT_TYPES = (
    "observation.created",
    "observation.status_changed",
    "observation.updated",  # its note, category or photos corrected
    "measure.created",
    "measure.status_changed",
    "citizen_report.published",
    "walk.protocol_published",
)
VISIBILITIES = ("police", "municipality", "shared", "public")


def encode_payload(payload: dict[str, Any]) -> str:
    """Canonical minified JSON: the exact text that is signed and sent."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def base_url() -> str:
    """PUBLIC_BASE_URL if set, else the address the request came in on."""
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return ""


def emit(type_: str, target: Any, *, visibility: str, path: str) -> OutboxEvent:
    """Record that `type_` happened to `target`. A thin payload: identifiers and a URL the
    receiver fetches with its own credentials; never free text or personal data."""
    event = OutboxEvent(**event_values(type_, target.__tablename__, target.id, visibility, path))
    db.session.add(event)
    return event


_INSERT = OutboxEvent.__table__.insert()  # built once: it runs with every submit


def insert_event(
    connection: Connection,
    type_: str,
    record_type: str,
    record_id: str | int,
    *,
    visibility: str,
    path: str,
) -> None:
    """emit() as one Core INSERT on the caller's connection (its transaction)."""
    connection.execute(_INSERT, event_values(type_, record_type, record_id, visibility, path))


def event_values(
    type_: str, record_type: str, record_id: str | int, visibility: str, path: str
) -> dict[str, Any]:
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")
    occurred = datetime.now(UTC)
    payload = {
        "type": type_,
        "timestamp": occurred.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "data": {
            "id": str(record_id),
            "record_type": record_type,
            "visibility": visibility,
            "url": base_url() + path,
        },
    }
    return {
        "id": new_uuid(),
        "type": type_,
        "target_type": record_type,
        "target_id": str(record_id),
        "visibility": visibility,
        "occurred_at": occurred,
        "payload": encode_payload(payload),
    }
