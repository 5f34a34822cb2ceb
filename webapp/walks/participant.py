"""The walk participant's session: a walk-scoped identity without an account.

Joining stores {walk_id, participant_id, expires} in the signed session cookie. Every request
checks it again against the database, so leaving, a revoked or renewed code, a closed walk or an
expired join window ends the session at once, for every copy of the cookie. Joining never logs
anyone in: for a resident Flask-Login's `current_user` stays anonymous, so no route for police or
municipal staff opens to them. Officers and staff may join from the walk's page (join_as_user):
their login and their participant session then sit side by side, each checked on its own.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import current_app, session
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from webapp.auth.models import User
from webapp.core.access import Role
from webapp.core.audit.service import record as audit
from webapp.core.errors import ApiProblem
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkParticipant

SESSION_KEY = "walk_participant"
# The walk whose participant session this browser had until it ended (see ended_on).
ENDED_KEY = "walk_participant_ended"
# Logged-in users who take part from the walk's page, and the group they are counted in. The
# coordinator plans and leads the walk (the code and poster are theirs); admins see no walks.
GROUP_OF_ROLE = {Role.OFFICER: "police", Role.STAFF: "municipality"}
JOIN_ROLES = tuple(GROUP_OF_ROLE)


def hours_after() -> float:
    return float(current_app.config["WALK_JOIN_HOURS_AFTER"])


def join_state(walk: SafetyWalk, now: datetime | None = None) -> str:
    return walk.join_state(now or datetime.now(UTC), hours_after())


def join_limit() -> str:
    return current_app.config["WALK_JOIN_LIMIT"]


def failed(response: Response) -> bool:
    """Only failed joins count against the limit (see participant_views)."""
    return response.status_code >= 400


def join(
    walk: SafetyWalk,
    *,
    group: str | None,
    gender: str | None,
    age_band: str | None,
    user: User | None = None,
) -> WalkParticipant:
    """Create the participant and its session; the caller has checked the code is open.

    With `user` (joined from the walk's page) the session lasts only as long as that login.
    """
    participant = WalkParticipant(
        id=str(uuid.uuid4()),
        walk_id=walk.id,
        join_code=walk.join_code or "",
        group=group or None,
        gender=gender or None,
        age_band=age_band or None,
        user_id=user.id if user is not None else None,
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
    _start_session(walk, participant, user)
    return participant


def _start_session(walk: SafetyWalk, participant: WalkParticipant, user: User | None) -> None:
    expires = walk.join_closes_at(hours_after())
    session.pop(ENDED_KEY, None)
    session[SESSION_KEY] = {
        "walk_id": walk.id,
        "participant_id": participant.id,
        "expires": int(expires.timestamp()),
        "user_id": user.id if user is not None else None,
    }
    session.permanent = True


def join_as_user(walk: SafetyWalk, user: User) -> WalkParticipant:
    """Join from the walk's page: the same participant and session as the QR link, counted in
    the user's group. Pressing again (another tab, the back button) keeps the one participant,
    and so does joining again after a logout, a renewed code or leaving: the person is counted
    once and finds their ratings. The caller has checked the user's role and that the code is
    open."""
    current = session_participant(walk)
    if current is not None:
        return current
    earlier = db.session.scalars(
        select(WalkParticipant)
        .where(WalkParticipant.walk_id == walk.id, WalkParticipant.user_id == user.id)
        .order_by(WalkParticipant.joined_at)
        .limit(1)
    ).first()
    if earlier is None:
        return join(
            walk, group=GROUP_OF_ROLE[Role(user.role)], gender=None, age_band=None, user=user
        )
    return _rejoin(walk, earlier, user)


def _rejoin(walk: SafetyWalk, participant: WalkParticipant, user: User) -> WalkParticipant:
    """Take up `participant` again: a new session for it, valid under the walk's current code."""
    participant.join_code = walk.join_code or ""
    participant.left_at = None
    audit(
        "walk.join",
        walk,
        actor_label=f"participant {participant.id[:8]}",
        participant_id=participant.id,
        rejoined=True,
    )
    db.session.commit()
    _start_session(walk, participant, user)
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
        # A published walk keeps its sessions (until they expire) so that a phone sending late
        # hears why it is refused (webapp/walks/api.py), instead of being told to join again.
        or join_state(participant.walk) not in ("open", "published")
        or not _login_still_holds(data.get("user_id"))
    ):
        session.pop(SESSION_KEY, None)
        session[ENDED_KEY] = data.get("walk_id")
        return None
    return participant


def ended_on(walk_id: int) -> bool:
    """Whether this browser had a participant session on `walk_id` that has ended since (said
    once): such a visitor is told to join again, not to "join first"."""
    return session.pop(ENDED_KEY, None) == walk_id


def _login_still_holds(user_id: object) -> bool:
    """A user who joined from the walk's page takes part through their login: logging out, or
    an account disabled meanwhile, ends the walk session too, as it ends every other."""
    if user_id is None:
        return True
    return bool(current_user.is_authenticated) and current_user.id == user_id


def session_participant(walk: SafetyWalk) -> WalkParticipant | None:
    """This session's participant if it is still valid and on `walk`, else None."""
    current = current_participant()
    return current if current is not None and current.walk_id == walk.id else None


# How many spots of an earlier participant one session may add photos to (see vouch_for_spot):
# the phone's entries that waited when it joined again, kept small for the cookie.
VOUCHED_SPOTS_MAX = 20


def vouch_for_spot(spot_id: str) -> None:
    """This session sent again, content and all, a spot an earlier participant of its walk had
    stored (webapp/walks/api.py): the phone that made it, joined anew, whose outbox kept it. The
    spot's photos that had not arrived may follow from this session (may_add_photo)."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return
    kept = [s for s in data.get("spots", []) if s != spot_id][-(VOUCHED_SPOTS_MAX - 1) :]
    session[SESSION_KEY] = {**data, "spots": [*kept, spot_id]}


def may_add_photo(spot_participant_id: str, spot_id: str, current: WalkParticipant) -> bool:
    """Only the phone that marked a spot adds its photos: its participant, or the session the
    same phone joined with again and that has sent the spot anew (vouch_for_spot)."""
    if spot_participant_id == current.id:
        return True
    data = session.get(SESSION_KEY)
    return isinstance(data, dict) and spot_id in data.get("spots", [])


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
