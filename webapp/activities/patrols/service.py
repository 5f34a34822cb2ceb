"""Patrol life cycle: the open patrol, stopping (idempotent), and closing forgotten ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from webapp.activities.models import Activity, ActivityType
from webapp.activities.patrols.route import route_length_m, validate_route
from webapp.auth.models import User
from webapp.core.audit.service import record as audit
from webapp.core.fieldinput import Errors, aware_time, unknown_fields
from webapp.core.idempotency import ConflictError, content_digest
from webapp.extensions import db

KIND = "patrol"
MAX_PATROL = timedelta(hours=24)


def max_open() -> timedelta:
    return timedelta(hours=current_app.config["PATROL_MAX_HOURS"])


def patrols_query():  # type: ignore[no-untyped-def]
    return db.select(Activity).join(ActivityType).where(ActivityType.kind == KIND)


def open_patrol_for(user: User, now: datetime | None = None) -> Activity | None:
    """The user's running patrol; one open past the limit counts as forgotten, not running."""
    now = now or datetime.now(UTC)
    return db.session.execute(
        patrols_query()
        .where(Activity.author_id == user.id, Activity.ended_at.is_(None))
        .where(Activity.started_at > now - max_open())
        .order_by(Activity.started_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def close_stale_patrols(now: datetime | None = None) -> list[Activity]:
    """Close patrols open longer than PATROL_MAX_HOURS at that limit, flagged as auto-closed."""
    now = now or datetime.now(UTC)
    limit = max_open()
    stale = list(
        db.session.execute(
            patrols_query()
            .where(Activity.ended_at.is_(None), Activity.started_at <= now - limit)
            .with_for_update()
        ).scalars()
    )
    for patrol in stale:
        patrol.auto_close(limit)
        audit("patrol.auto_close", patrol, reason="stale", limit_hours=limit.total_seconds() / 3600)
    if stale:
        db.session.commit()
    return stale


def close_superseded(patrol: Activity) -> None:
    """Starting a patrol ends the author's earlier one still open (a forgotten stop)."""
    if patrol.ended_at is not None:
        return
    earlier = db.session.execute(
        patrols_query().where(
            Activity.author_id == patrol.author_id,
            Activity.ended_at.is_(None),
            Activity.started_at < patrol.started_at,
            Activity.id != patrol.id,
        )
    ).scalars()
    for other in earlier:
        other.ended_at = min(patrol.started_at, other.started_at + MAX_PATROL)
        other.auto_closed = True
        other.updated_at = datetime.now(UTC)
        audit("patrol.auto_close", other, reason="superseded", by_patrol=patrol.id)


def validate_stop(payload: Any, patrol: Activity) -> tuple[dict[str, Any] | None, Errors]:
    if not isinstance(payload, dict):
        return None, {"_": _("The request body must be a JSON object.")}
    errors: Errors = {}
    unknown_fields(payload, ("ended_at", "route"), errors)
    ended_at = aware_time(payload.get("ended_at"), "ended_at", errors, max_age=None)
    route = validate_route(payload.get("route"), errors)
    if ended_at is not None and "ended_at" not in errors:
        if ended_at < patrol.started_at:
            errors["ended_at"] = _("The end lies before the start.")
        elif ended_at - patrol.started_at > MAX_PATROL:
            errors["ended_at"] = _("An activity lasts at most 24 hours: log each day on its own.")
    if errors:
        return None, errors
    assert ended_at is not None
    return {"ended_at": ended_at.astimezone(UTC), "route": route}, {}


def stop_digest(stop: dict[str, Any]) -> str:
    return content_digest(
        {"ended_at": stop["ended_at"].replace(microsecond=0).isoformat(), "route": stop["route"]}
    )


def stop_patrol(patrol: Activity, stop: dict[str, Any], user: User) -> bool:
    """End the patrol. Returns False for a replay of the stop already stored.

    A stop from the phone replaces an automatic close (the phone knows the real end). Any other
    second stop with different content raises ConflictError.
    """
    digest = stop_digest(stop)
    if patrol.ended_at is not None and not patrol.auto_closed:
        if patrol.stop_hash == digest:
            return False
        raise ConflictError(patrol)
    replaced_auto_close = patrol.auto_closed
    patrol.ended_at = stop["ended_at"]
    patrol.auto_closed = False
    patrol.stop_hash = digest
    if stop["route"] is not None:
        patrol.route = stop["route"]
        patrol.length_m = route_length_m(stop["route"])
    patrol.updated_at = datetime.now(UTC)
    audit(
        "patrol.stop",
        patrol,
        actor=user,
        duration_s=int((patrol.ended_at - patrol.started_at).total_seconds()),
        route_points=len(stop["route"]["coordinates"]) if stop["route"] else 0,
        replaced_auto_close=replaced_auto_close,
    )
    db.session.commit()
    return True


def stop_now(patrol: Activity, user: User) -> bool:
    """Stop from the plain HTML form (no JavaScript): the server's clock, no route."""
    now = datetime.now(UTC).replace(microsecond=0)
    return stop_patrol(patrol, {"ended_at": max(now, patrol.started_at), "route": None}, user)
