"""Login throttling that slows a guesser without locking out the account's owner.

Failures count per (user name, address): after LOGIN_FREE_FAILURES in a row, each further one
doubles the wait (LOGIN_DELAY_SECONDS, 2x, 4x ... up to LOGIN_MAX_DELAY_SECONDS). Someone
hammering "kommun" from one address slows only themselves; kommun's owner logs in from another
address as usual. Each address also has an overall cap on failed attempts (LOGIN_LIMIT_PER_IP),
counted in Flask-Limiter's store (RATELIMIT_STORAGE_URI, shared by every node) but checked here
rather than by its decorator: the decorator's after-request hook rewrites Retry-After on every
answer to the reset of the address's window (so "wait 2 seconds" went out as "Retry-After: 300"),
and the login page must state the one wait that actually applies.
Failures for one name summed over all addresses are shown to the coordinator once they reach
LOGIN_FLAG_FAILURES within LOGIN_FLAG_HOURS.

Refused logins go into the audit trail one by one only up to LOGIN_AUDIT_PER_ADDRESS per address
and hour; beyond that they are counted, and summary entries carry the count, so a flood cannot
grow the trail without bound. The counters live in the database: every app node shares them.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, request
from limits import RateLimitItem, parse
from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite

from webapp.auth.models import LoginThrottle, User
from webapp.core.audit.service import record as audit
from webapp.core.dbtypes import utcnow
from webapp.extensions import db, limiter

AUDIT_WINDOW = timedelta(hours=1)
# A pair's run of failures is forgotten after this long without one.
RUN_RESET = timedelta(hours=1)
# Rows untouched this long are deleted.
ROW_LIFETIME = timedelta(hours=24)


def _address() -> str:
    return (request.remote_addr or "unknown")[:64]


def _row(username: str, address: str) -> LoginThrottle | None:
    return db.session.execute(
        db.select(LoginThrottle).filter_by(username=username, address=address)
    ).scalar_one_or_none()


def _get_or_add(username: str, address: str) -> LoginThrottle:
    """The pair's row, locked for this transaction. Several nodes (or gunicorn workers) may count
    a failure for the same pair at the same moment: the row is made with INSERT ... ON CONFLICT
    DO NOTHING (no unique-constraint error for the loser) and read FOR UPDATE, so the second
    writer waits and adds to the first one's count instead of overwriting it. On SQLite every
    write transaction already holds the one writer lock (BEGIN IMMEDIATE)."""
    now = utcnow()
    module = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        module.insert(LoginThrottle)
        .values(
            username=username,
            address=address,
            failures=0,
            total_failures=0,
            audited=0,
            unaudited=0,
            last_failure_at=now,
            window_start=now,
        )
        .on_conflict_do_nothing(index_elements=["username", "address"])
    )
    return db.session.execute(
        db.select(LoginThrottle)
        .filter_by(username=username, address=address)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def wait_seconds(username: str) -> int:
    """Seconds this address must wait before trying `username` again (0: go ahead)."""
    row = _row(username[:64], _address())
    if row is None or row.blocked_until is None:
        return 0
    return max(0, math.ceil((row.blocked_until - utcnow()).total_seconds()))


def _address_limit() -> tuple[RateLimitItem, list[str]]:
    # The key Flask-Limiter's decorator on this view used: a deploy keeps the counts made so far.
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    keys = [_address(), "auth.login"]
    return parse(current_app.config["LOGIN_LIMIT_PER_IP"]), [prefix, *keys] if prefix else keys


def address_wait() -> int:
    """Seconds until this address's failed attempts are under LOGIN_LIMIT_PER_IP (0: go ahead)."""
    if not limiter.enabled:
        return 0
    item, keys = _address_limit()
    if limiter.limiter.test(item, *keys):
        return 0
    reset_at = limiter.limiter.get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def note_address_failure() -> None:
    """Count a failed attempt of any kind (refused ones too) against this address's cap."""
    if limiter.enabled:
        item, keys = _address_limit()
        limiter.limiter.hit(item, *keys)


def delay_after(failures: int) -> timedelta | None:
    """The wait after the `failures`-th failure in a row (None: no wait yet)."""
    free = int(current_app.config["LOGIN_FREE_FAILURES"])
    if failures <= free:
        return None
    seconds = float(current_app.config["LOGIN_DELAY_SECONDS"]) * 2 ** min(failures - free - 1, 30)
    return timedelta(seconds=min(seconds, float(current_app.config["LOGIN_MAX_DELAY_SECONDS"])))


def note_failure(username: str) -> None:
    """Count a wrong password (or an unknown name) for this address (the caller commits)."""
    now = utcnow()
    db.session.execute(
        db.delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - ROW_LIFETIME)
    )
    row = _get_or_add(username[:64], _address())
    if now - row.last_failure_at > RUN_RESET:
        row.failures = 0
    row.failures += 1
    row.total_failures += 1
    row.last_failure_at = now
    delay = delay_after(row.failures)
    row.blocked_until = now + delay if delay else None


def note_success(username: str) -> None:
    """A correct password from this address ends its run of failures (the caller commits)."""
    row = _row(username[:64], _address())
    if row is not None:
        row.failures = 0
        row.blocked_until = None


def audit_refused(username: str, reason: str, **detail: Any) -> None:
    """Audit a refused login, one by one only up to the per-address bound (the caller commits).

    Past the bound the refusals are counted; a summary entry is written when the count reaches
    10, 100, 1000 ... and when the next hour's window starts, so the trail grows with the
    logarithm of a flood, not with the flood.
    """
    now = utcnow()
    row = _get_or_add("", _address())
    row.last_failure_at = now
    if now - row.window_start > AUDIT_WINDOW:
        if row.unaudited:
            _summary(row, until=now)
        row.window_start, row.audited, row.unaudited = now, 0, 0
    if row.audited < int(current_app.config["LOGIN_AUDIT_PER_ADDRESS"]):
        row.audited += 1
        action = "user.login_throttled" if reason == "throttled" else "user.login_failed"
        audit(
            action,
            target_type="users",
            actor_label=username.strip().lower()[:64],
            **({} if reason == "throttled" else {"reason": reason}),
            **detail,
        )
        return
    row.unaudited += 1
    if _is_power_of_ten(row.unaudited):
        _summary(row, until=now)


def _is_power_of_ten(number: int) -> bool:
    return number >= 10 and str(number).rstrip("0") == "1"


def _summary(row: LoginThrottle, until: datetime) -> None:
    audit(
        "user.login_failed_summary",
        target_type="users",
        actor_label="",
        address=row.address,
        not_listed=row.unaudited,
        since=row.window_start.isoformat(),
        until=until.isoformat(),
    )


@dataclass(frozen=True)
class Flag:
    """Many failed logins for one account name, from any number of addresses."""

    username: str
    failures: int
    addresses: int
    last_failure_at: datetime


def flagged(organisation: str | None = None) -> list[Flag]:
    """Account names with at least LOGIN_FLAG_FAILURES failures in LOGIN_FLAG_HOURS.

    With `organisation`, only existing accounts of that organisation (what its coordinator
    may act on).
    """
    since = utcnow() - timedelta(hours=float(current_app.config["LOGIN_FLAG_HOURS"]))
    query = (
        db.select(
            LoginThrottle.username,
            func.sum(LoginThrottle.total_failures),
            func.count(LoginThrottle.address),
            func.max(LoginThrottle.last_failure_at),
        )
        .where(LoginThrottle.username != "", LoginThrottle.last_failure_at >= since)
        .group_by(LoginThrottle.username)
        .having(
            func.sum(LoginThrottle.total_failures) >= int(current_app.config["LOGIN_FLAG_FAILURES"])
        )
        .order_by(func.max(LoginThrottle.last_failure_at).desc())
    )
    if organisation:
        names = db.select(User.username).where(User.organisation == organisation)
        query = query.where(LoginThrottle.username.in_(names))
    return [Flag(*row) for row in db.session.execute(query)]
