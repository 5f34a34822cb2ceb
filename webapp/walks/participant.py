"""The walk participant's session: a walk-scoped identity without an account.

Joining stores {walk_id, participant_id, expires} in the signed session cookie. Every request
checks it again against the database, so leaving, a revoked or renewed code, a closed walk or an
expired join window ends the session at once, for every copy of the cookie. Participants are
never logged in: Flask-Login's `current_user` stays anonymous, so no route for police or
municipal staff opens to them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import current_app, session

from webapp.core.audit.service import record as audit
from webapp.core.errors import ApiProblem
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkParticipant

SESSION_KEY = "walk_participant"


def hours_after() -> float:
    return float(current_app.config["WALK_JOIN_HOURS_AFTER"])


def join_state(walk: SafetyWalk, now: datetime | None = None) -> str:
    return walk.join_state(now or datetime.now(UTC), hours_after())


def join(
    walk: SafetyWalk, *, group: str | None, gender: str | None, age_band: str | None
) -> WalkParticipant:
    """Create the participant and its session; the caller has checked the code is open."""
    participant = WalkParticipant(
        id=str(uuid.uuid4()),
        walk_id=walk.id,
        join_code=walk.join_code or "",
        group=group or None,
        gender=gender or None,
        age_band=age_band or None,
    )
    db.session.add(participant)
    db.session.flush()
    audit(
        "walk.join",
        walk,
        actor_label=f"participant {participant.id[:8]}",
        participant_id=participant.id,
    )
    db.session.commit()
    expires = walk.join_closes_at(hours_after())
    session[SESSION_KEY] = {
        "walk_id": walk.id,
        "participant_id": participant.id,
        "expires": int(expires.timestamp()),
    }
    session.permanent = True
    return participant


def leave() -> None:
    """End the participant's session on the server too: a copy of the cookie stops working."""
    participant = current_participant()
    session.pop(SESSION_KEY, None)
    if participant is None:
        return
    participant.left_at = datetime.now(UTC)
    audit(
        "walk.leave",
        participant.walk,
        actor_label=f"participant {participant.id[:8]}",
        participant_id=participant.id,
    )
    db.session.commit()


def current_participant() -> WalkParticipant | None:
    """The participant of this session if it is still valid, else None (and the key is dropped)."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    participant = None
    if (
        isinstance(data.get("participant_id"), str)
        and data.get("expires", 0) > datetime.now(UTC).timestamp()
    ):
        participant = db.session.get(WalkParticipant, data["participant_id"])
    if (
        participant is None
        or participant.left_at is not None
        or participant.walk_id != data.get("walk_id")
        or participant.join_code != participant.walk.join_code
        or join_state(participant.walk) != "open"
    ):
        session.pop(SESSION_KEY, None)
        return None
    return participant


def participant_for_walk(walk_id: int) -> WalkParticipant:
    """For the JSON API: the session's participant if it belongs to this walk.

    No valid participant session: 401 (the outbox keeps its items). Another walk's id: 404,
    exactly as if the walk did not exist, so ids cannot be probed.
    """
    participant = current_participant()
    if participant is None:
        raise ApiProblem("unauthenticated")
    if participant.walk_id != walk_id:
        raise ApiProblem("not_found")
    return participant
