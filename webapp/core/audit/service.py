"""One helper writes every audit entry."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.engine import Connection

from webapp.core.audit.models import AuditEntry
from webapp.core.fieldinput import storable
from webapp.extensions import db

ACTION_PATTERN = re.compile(r"^[a-z_]+\.[a-z_]+$")


def record(
    action: str,
    target: Any = None,
    *,
    target_type: str | None = None,
    target_id: str | int | None = None,
    actor: Any = None,
    **detail: Any,
) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits).

    Writing in the same transaction as the change means a change is never stored without its
    audit entry, nor an entry for a change that was rolled back.
    """
    if target is not None:
        target_type = target_type or target.__tablename__
        target_id = target_id if target_id is not None else target.id
    entry = AuditEntry(**entry_values(action, target_type, target_id, actor, detail))
    db.session.add(entry)
    return entry


_INSERT = AuditEntry.__table__.insert()  # built once: it runs with every submit


def insert_entry(
    connection: Connection,
    action: str,
    target_type: str,
    target_id: str | int,
    *,
    actor: Any,
    **detail: Any,
) -> None:
    """record() as one Core INSERT on the caller's connection (its transaction): for the hot
    write paths that store their record with Core too, without the ORM's unit of work."""
    connection.execute(_INSERT, entry_values(action, target_type, target_id, actor, detail))


def entry_values(
    action: str,
    target_type: str | None,
    target_id: str | int | None,
    actor: Any,
    detail: dict[str, Any],
) -> dict[str, Any]:
    """The columns of one entry; the actor defaults to the logged-in user of the request."""
    if not ACTION_PATTERN.match(action):
        raise ValueError(f"audit action must be noun.verb, got {action!r}")
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    return {
        "action": action,
        "actor_id": getattr(actor, "id", None),
        # What an attacker typed is recorded as typed, but for what the database cannot store.
        "actor_label": storable(getattr(actor, "username", "") or detail.pop("actor_label", "")),
        "target_type": target_type,
        "target_id": None if target_id is None else storable(str(target_id)),
        "ip": request.remote_addr if has_request_context() else None,
        "detail": storable(detail),
    }


def record_police_reads(
    action: str, target_type: str, visibilities: Iterable[str], **detail: Any
) -> None:
    """Audit a page or list that shows police records: how many, not which (and commit).

    Reading a list of police records is reading police records (DESIGN §7); lists without any
    leave no entry, so the trail is not drowned in municipal page views.
    """
    count = sum(1 for visibility in visibilities if visibility == "police")
    record_police_count(action, target_type, count, **detail)


def record_police_count(action: str, target_type: str, count: int, **detail: Any) -> None:
    """Audit an answer built from `count` police records (a list, a count, a trend) and commit;
    none when it used no police record."""
    if count:
        record(action, target_type=target_type, police_records=count, **detail)
        db.session.commit()
