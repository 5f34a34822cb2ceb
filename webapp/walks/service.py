"""Planning walks: create, update (stops kept by id), join codes, follow-up walks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func

from webapp.auth.models import User
from webapp.core.audit.service import record as audit
from webapp.core.outbox.service import emit
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.walks import joincode
from webapp.walks.labels import follow_up_name
from webapp.walks.models import (
    SafetyWalk,
    WalkMeasureCheck,
    WalkParticipant,
    WalkRating,
    WalkSpot,
    WalkStop,
)
from webapp.walks.validation import CleanStop

PLAN_FIELDS = (
    "name", "starts_at", "ends_at", "after_dark", "meeting_point", "route",
    "invited_organisations", "visibility", "status", "notes", "summary",
)  # fmt: skip


class PlanError(ValueError):
    """A change to the plan that would lose data; the message is shown to the coordinator."""


def _unique_code() -> str:
    for _attempt in range(20):
        code = joincode.new_code()
        taken = db.session.execute(db.select(SafetyWalk.id).filter_by(join_code=code)).first()
        if taken is None:
            return code
    raise RuntimeError("could not find a free join code")  # 31**8 codes: never in practice


def create_walk(values: dict[str, Any], stops: Sequence[CleanStop], user: User) -> SafetyWalk:
    walk = SafetyWalk(created_by_id=user.id, join_code=_unique_code(), headcount={})
    for name in PLAN_FIELDS:
        if name in values:
            setattr(walk, name, values[name])
    db.session.add(walk)
    _apply_stops(walk, stops)
    db.session.flush()
    audit("walk.create", walk, visibility=walk.visibility, stops=len(walk.stops))
    db.session.commit()
    return walk


def update_walk(
    walk: SafetyWalk, values: dict[str, Any], stops: Sequence[CleanStop], user: User
) -> None:
    changed = [
        name for name in PLAN_FIELDS if name in values and getattr(walk, name) != values[name]
    ]
    for name in changed:
        setattr(walk, name, values[name])
    stops_changed = _apply_stops(walk, stops)
    audit("walk.update", walk, actor=user, changed=changed + (["stops"] if stops_changed else []))
    db.session.commit()


def _apply_stops(walk: SafetyWalk, stops: Sequence[CleanStop]) -> bool:
    """Make the walk's stops match the list: ids keep their stop (and its ratings).

    A stop that has ratings cannot be removed: the ratings would lose their place.
    """
    existing = {stop.id: stop for stop in walk.stops}
    wanted_ids = {stop.id for stop in stops if stop.id is not None}
    unknown = wanted_ids - set(existing)
    if unknown:
        raise PlanError(_("A stop of another walk was sent. Reload the page and try again."))
    removed = [stop for stop_id, stop in existing.items() if stop_id not in wanted_ids]
    for stop in removed:
        rated = db.session.execute(
            db.select(func.count()).select_from(WalkRating).filter_by(stop_id=stop.id)
        ).scalar_one()
        if rated:
            raise PlanError(
                _("The stop “%(name)s” has ratings and cannot be removed.", name=stop.name)
            )
    changed = bool(removed)
    for stop in removed:
        walk.stops.remove(stop)
    for position, clean in enumerate(stops, start=1):
        stop = existing.get(clean.id) if clean.id is not None else None
        if stop is None:
            stop = WalkStop(name=clean.name, lat=clean.lat, lon=clean.lon, position=position)
            walk.stops.append(stop)
            changed = True
            continue
        new = (clean.name, clean.lat, clean.lon, position)
        if (stop.name, stop.lat, stop.lon, stop.position) != new:
            stop.name, stop.lat, stop.lon, stop.position = new
            changed = True
    walk.stops.sort(key=lambda s: s.position)
    if walk.stops:
        walk.lat, walk.lon = walk.stops[0].lat, walk.stops[0].lon
    elif walk.route:
        walk.lon, walk.lat = walk.route["coordinates"][0][:2]
    return changed


def has_records(walk: SafetyWalk) -> bool:
    """Whether anything was recorded on the walk (then it is closed, never deleted)."""
    for model, column in (
        (WalkParticipant, WalkParticipant.walk_id),
        (WalkSpot, WalkSpot.walk_id),
        (WalkRating, WalkRating.walk_id),
        (WalkMeasureCheck, WalkMeasureCheck.walk_id),
        (Measure, Measure.walk_id),
        (SafetyWalk, SafetyWalk.follow_up_of_id),
    ):
        if db.session.execute(
            db.select(func.count()).select_from(model).where(column == walk.id)
        ).scalar_one():
            return True
    return False


def kept_message() -> str:
    """Why a walk with records is never deleted."""
    return _(
        "Participants have taken part in this walk or it has measures, so it cannot be "
        "deleted: it stays in the protocols and the council report."
    )


def delete_walk(walk: SafetyWalk, user: User) -> None:
    if has_records(walk):
        raise PlanError(kept_message())
    audit("walk.delete", walk, actor=user, name=walk.name)
    db.session.delete(walk)
    db.session.commit()


def revoke_code(walk: SafetyWalk, user: User) -> None:
    """No more joining with this code, and everyone who joined with it is out."""
    walk.join_revoked_at = datetime.now(UTC)
    audit("walk.code_revoke", walk, actor=user)
    db.session.commit()


def renew_code(walk: SafetyWalk, user: User) -> None:
    """A fresh code (e.g. after a poster with the old one was put up in the wrong place)."""
    walk.join_code = _unique_code()
    walk.join_revoked_at = None
    audit("walk.code_renew", walk, actor=user)
    db.session.commit()


def create_follow_up(original: SafetyWalk, user: User, starts_at: datetime) -> SafetyWalk:
    """A new walk along the same stops and route, to see whether the measures helped."""
    walk = SafetyWalk(
        name=follow_up_name(original.name),
        starts_at=starts_at,
        after_dark=original.after_dark,
        meeting_point=original.meeting_point,
        route=original.route,
        invited_organisations=list(original.invited_organisations or []),
        visibility=original.visibility,
        follow_up_of_id=original.id,
        created_by_id=user.id,
        join_code=_unique_code(),
        headcount={},
        lat=original.lat,
        lon=original.lon,
    )
    for stop in original.stops:
        walk.stops.append(
            WalkStop(
                name=stop.name,
                lat=stop.lat,
                lon=stop.lon,
                position=stop.position,
                origin_stop_id=stop.id,
            )
        )
    db.session.add(walk)
    db.session.flush()
    audit("walk.follow_up", walk, actor=user, original_id=original.id)
    db.session.commit()
    return walk


def mark_held(walk: SafetyWalk, user: User) -> None:
    """The walk took place: it counts in the council report from now on."""
    audit("walk.status_change", walk, actor=user, from_status=walk.status, to_status="held")
    walk.status = "held"
    db.session.commit()


def publish_protocol(walk: SafetyWalk, user: User) -> bool:
    """Publish the public protocol; a second call changes nothing. True when it published."""
    if walk.protocol_published_at is not None:
        return False
    walk.protocol_published_at = datetime.now(UTC)
    walk.protocol_published_by_id = user.id
    audit("walk.protocol_publish", walk, actor=user)
    emit(
        "walk.protocol_published",
        walk,
        visibility=walk.visibility,
        path=f"/walk/{walk.id}/protocol",  # the public page (walk_participant.public_protocol)
    )
    db.session.commit()
    return True


def set_headcount(walk: SafetyWalk, counts: dict[str, dict[str, int]], user: User) -> None:
    walk.headcount = counts
    audit("walk.headcount", walk, actor=user)
    db.session.commit()
