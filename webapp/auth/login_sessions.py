"""Server-side login sessions: each login is a row that logout, disabling and new passwords end.

The signed cookie alone cannot be taken back: a copy of it would keep working after logout.
So the cookie carries a random token and every request checks its row (shared by every app
node through the database). A row also ends when it was idle too long (SESSION_IDLE_MINUTES)
or is older than SESSION_ABSOLUTE_HOURS, one shift by default, however busy it was.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, session
from sqlalchemy import bindparam

from webapp.auth.models import LoginSession, User
from webapp.core.dbtypes import utcnow
from webapp.extensions import db

TOKEN_KEY = "_sid"  # noqa: S105 (a session key name, not a secret)
# Write the last-seen time at most this often: a write on every request would be wasteful.
LAST_SEEN_RESOLUTION = timedelta(seconds=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> LoginSession:
    """A new session row for `user`, its token in the cookie session (the caller commits)."""
    token = secrets.token_urlsafe(32)
    row = LoginSession(id=_digest(token), user_id=user.id)
    db.session.add(row)
    session[TOKEN_KEY] = token
    return row


def current() -> LoginSession | None:
    """The row named by this request's cookie, ended or not; None without one."""
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str) or not token:
        return None
    return db.session.get(LoginSession, _digest(token))


def current_with_user() -> tuple[LoginSession, User] | None:
    """The row named by this request's cookie (ended or not) and its user, in one query; None
    without a cookie token, a row or a user."""
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str) or not token:
        return None
    found = db.session.execute(_WITH_USER, {"digest": _digest(token)}).first()
    return None if found is None else (found[0], found[1])


# Built once: every request runs it, and building a select (and its cache key) anew cost as much
# as running it.
_WITH_USER = (
    db.select(LoginSession, User)
    .join(User, User.id == LoginSession.user_id)
    .where(LoginSession.id == bindparam("digest"))
)


def idle_limit(role: str) -> timedelta | None:
    """How long a session of `role` may sit unused (None: no limit).

    SESSION_IDLE_MINUTES is a number for every role, or a dict of role -> minutes with
    "default" for the roles it does not name.
    """
    setting = current_app.config.get("SESSION_IDLE_MINUTES")
    minutes = setting.get(role, setting.get("default")) if isinstance(setting, dict) else setting
    return timedelta(minutes=float(minutes)) if minutes else None


def absolute_limit() -> timedelta:
    return timedelta(hours=float(current_app.config["SESSION_ABSOLUTE_HOURS"]))


def expiry_reason(row: LoginSession, role: str, now: datetime | None = None) -> str | None:
    """ "idle" or "absolute" if the live session `row` has run out, else None."""
    now = now or datetime.now(UTC)
    if now - row.created_at > absolute_limit():
        return "absolute"
    limit = idle_limit(role)
    if limit and now - row.last_seen_at > limit:
        return "idle"
    return None


def touch(row: LoginSession) -> bool:
    """Note that the session was used now; True if the row changed (the caller commits)."""
    now = utcnow()
    if now - row.last_seen_at < LAST_SEEN_RESOLUTION:
        return False
    row.last_seen_at = now
    return True


def end(row: LoginSession, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at = utcnow()
        row.end_reason = reason


def end_all(user: User, reason: str) -> int:
    """End every live session of `user` on every device; the number ended (the caller commits)."""
    return user.end_sessions(reason)


def forget() -> None:
    """Drop the login from this browser's cookie (the row is ended by the caller)."""
    session.pop(TOKEN_KEY, None)


def purge_old() -> None:
    """Delete rows that can no longer open anything (called at login, so the table stays small)."""
    cutoff = utcnow() - absolute_limit() - timedelta(days=1)
    db.session.execute(db.delete(LoginSession).where(LoginSession.created_at < cutoff))
