"""Storing activities exactly once, editing them with their history kept, and their JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import current_app

from webapp.activities.kinds import get_kind
from webapp.activities.models import Activity, ActivityRevision, FollowUp
from webapp.activities.validation import CleanActivity
from webapp.auth.models import User
from webapp.core.audit.service import record as audit
from webapp.core.idempotency import content_digest, insert_once
from webapp.extensions import db
from webapp.geo import point_in_geometry
from webapp.geo.areas import Area


def outside_tatort(lat: float | None, lon: float | None) -> bool | None:
    """Whether a position lies outside Sunne tätort (None: no position or no tätort area)."""
    if lat is None or lon is None:
        return None
    geometry = tatort_geometry()
    if geometry is None:
        return None
    return not point_in_geometry(lon, lat, geometry)


def tatort_geometry() -> dict[str, Any] | None:
    """Sunne tätort's outline (a GeoJSON geometry), None where the area is not set up."""
    code = current_app.config["TATORT_AREA_CODE"]
    area = db.session.execute(db.select(Area).filter_by(code=code)).scalar_one_or_none()
    return None if area is None else area.geometry


def store_activity(clean: CleanActivity, author: User) -> tuple[Activity, bool]:
    """Insert, or recognise a replay of the same entry. Returns (activity, created).

    Raises idempotency.ConflictError when the UUID exists with other content or another author.
    """
    activity = Activity(
        id=clean.id,
        activity_type=clean.activity_type,
        author_id=author.id,
        content_hash=content_digest(clean.canonical()),
    )
    _apply(activity, clean)
    activity, created = insert_once(activity)
    if not created:
        return activity, False
    hook = get_kind(activity.activity_type.kind).after_create
    if hook is not None:
        hook(activity)
    audit(
        "activity.create",
        activity,
        actor=author,
        kind=activity.activity_type.kind,
        visibility=activity.visibility,
    )
    db.session.commit()
    return activity, True


def update_activity(activity: Activity, clean: CleanActivity, user: User) -> list[str]:
    """Apply new content; the previous values of what changed go into a revision row.

    Returns the names of the changed fields (empty: nothing to save, nothing recorded).
    """
    before = snapshot(activity)
    _apply(activity, clean)
    after = snapshot(activity)
    changed = [key for key in after if before[key] != after[key]]
    if not changed:
        return []
    activity.updated_at = datetime.now(UTC)
    activity.revisions.append(
        ActivityRevision(
            user_id=user.id, changed=changed, previous={key: before[key] for key in changed}
        )
    )
    # Field names only: the audit log is readable by admins, who see no record content.
    audit("activity.update", activity, changed=changed, visibility=activity.visibility)
    db.session.commit()
    return changed


def _apply(activity: Activity, clean: CleanActivity) -> None:
    activity.started_at = clean.started_at.astimezone(UTC)
    activity.ended_at = clean.ended_at.astimezone(UTC) if clean.ended_at else None
    activity.visibility = clean.visibility
    activity.promises = list(clean.promises)
    activity.promises_chosen = clean.promise_ids_sent is not None
    activity.area = clean.area
    activity.lat, activity.lon = clean.lat, clean.lon
    activity.accuracy_m = clean.accuracy_m
    activity.manual_position = clean.manual_position
    activity.outside_tatort = outside_tatort(clean.lat, clean.lon)
    activity.place = clean.place
    activity.note = clean.note
    details = dict(clean.details)
    rows = details.pop("follow_ups", None)
    activity.details = details
    if rows is not None:
        _apply_follow_ups(activity, rows)


def _apply_follow_ups(activity: Activity, rows: list[dict[str, Any]]) -> None:
    """Replace the follow-ups, keeping "done" on a row whose task is unchanged."""
    done = {(f.what, f.owner): f.done_on for f in activity.follow_ups}
    activity.follow_ups = [
        FollowUp(
            position=index,
            what=row["what"],
            owner=row["owner"],
            due_on=date.fromisoformat(row["due_on"]),
            done_on=done.get((row["what"], row["owner"])),
        )
        for index, row in enumerate(rows)
    ]


def set_follow_up_done(follow_up: FollowUp, done: bool, today: date) -> None:
    follow_up.done_on = today if done else None
    audit(
        "follow_up.done" if done else "follow_up.reopen",
        follow_up,
        activity_id=follow_up.activity_id,
    )
    db.session.commit()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def snapshot(activity: Activity) -> dict[str, Any]:
    """The editable content as plain JSON values, for comparing and keeping revisions."""
    return {
        "started_at": _iso(activity.started_at),
        "ended_at": _iso(activity.ended_at),
        "visibility": activity.visibility,
        "promise_ids": sorted(p.id for p in activity.promises),
        "area": activity.area.code if activity.area else None,
        "lat": activity.lat,
        "lon": activity.lon,
        "accuracy_m": activity.accuracy_m,
        "manual_position": activity.manual_position,
        "place": activity.place,
        "note": activity.note,
        "details": dict(activity.details or {}),
        "follow_ups": [
            {"what": f.what, "owner": f.owner, "due_on": f.due_on.isoformat()}
            for f in activity.follow_ups
        ],
    }


def activity_json(activity: Activity, viewer: User) -> dict[str, Any]:
    duration = activity.duration
    return {
        "id": activity.id,
        "activity_type": activity.activity_type.code,
        "kind": activity.activity_type.kind,
        **snapshot(activity),
        "follow_ups": [
            {
                "id": f.id,
                "what": f.what,
                "owner": f.owner,
                "due_on": f.due_on.isoformat(),
                "done_on": f.done_on.isoformat() if f.done_on else None,
            }
            for f in activity.follow_ups
        ],
        "duration_s": None if duration is None else int(duration.total_seconds()),
        "route": activity.route,
        "length_m": None if activity.length_m is None else round(activity.length_m, 1),
        "auto_closed": activity.auto_closed,
        "outside_tatort": activity.outside_tatort,
        "mine": activity.author_id == viewer.id,
        "created_at": _iso(activity.created_at),
        "updated_at": _iso(activity.updated_at),
    }
