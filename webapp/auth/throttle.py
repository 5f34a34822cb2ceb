"""Login throttling that slows a guesser without locking out the account's owner.

Failures count per (user name, address): after LOGIN_FREE_FAILURES in a row, each further one
doubles the wait (LOGIN_DELAY_SECONDS, 2x, 4x ... up to LOGIN_MAX_DELAY_SECONDS). Someone
hammering "kommun" from one address slows only themselves; kommun's owner logs in from another
address as usual. Each address also has an overall cap on failed attempts (LOGIN_LIMIT_PER_IP),
counted in Flask-Limiter's store (RATELIMIT_STORAGE_URI, shared by every node) but checked here
rather than by its decorator: the decorator's after-request hook rewrites Retry-After on every
answer to the reset of the address's window (so "wait 2 seconds" went out as "Retry-After: 300"),
and the login page must state the one wait that actually applies.
Other views limited per address (choosing a password, a survey's answers, a walk's join code,
residents' reports) use the same store through `limited`, for the same reason: the view's own
refusal keeps what was typed and states one wait, in words (`stated_wait`) and in Retry-After.
Failures for one name summed over all addresses are shown to the coordinator once they reach
LOGIN_FLAG_FAILURES within LOGIN_FLAG_HOURS.

Refused logins go into the audit trail one by one only up to LOGIN_AUDIT_PER_ADDRESS per address
and hour; beyond that they are counted, and summary entries carry the count, so a flood cannot
grow the trail without bound. The counters live in the database: every app node shares them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, make_response, request
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from limits import RateLimitItem, parse_many
from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

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


def _limiter_keys(scope: str) -> list[str]:
    """The keys Flask-Limiter's decorator used for `scope` (an endpoint) from this address: a
    deploy keeps the counts made so far."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    keys = [_address(), scope]
    return [prefix, *keys] if prefix else keys


def _items(limits: str) -> list[RateLimitItem]:
    return list(parse_many(limits))


def limit_wait(limits: str, scope: str) -> int:
    """Seconds until this address is under every limit in `limits` for `scope` (0: go ahead).

    `limits` in Flask-Limiter's syntax ("10 per hour;30 per day"); of the limits reached, the
    one that lasts longest.
    """
    if not limiter.enabled:
        return 0
    keys = _limiter_keys(scope)
    resets = [
        limiter.limiter.get_window_stats(item, *keys).reset_time
        for item in _items(limits)
        if not limiter.limiter.test(item, *keys)
    ]
    return max(1, math.ceil(max(resets) - time.time())) if resets else 0


def note_hit(limits: str, scope: str) -> bool:
    """Count one attempt from this address against every limit in `limits` for `scope`;
    False when it went over one of them (the store's hit is atomic, a test before it is not)."""
    if not limiter.enabled:
        return True
    keys = _limiter_keys(scope)
    return all([limiter.limiter.hit(item, *keys) for item in _items(limits)])


def address_wait() -> int:
    """Seconds until this address's failed attempts are under LOGIN_LIMIT_PER_IP (0: go ahead)."""
    return limit_wait(current_app.config["LOGIN_LIMIT_PER_IP"], "auth.login")


def note_address_failure() -> None:
    """Count a failed attempt of any kind (refused ones too) against this address's cap."""
    note_hit(current_app.config["LOGIN_LIMIT_PER_IP"], "auth.login")


def stated_wait(seconds: int) -> tuple[int, str]:
    """The wait as a page states it, and the same wait in seconds for Retry-After, rounded up
    alike so neither sends anyone back too early.

    Under two minutes in seconds; under two hours in whole minutes; longer in whole hours.
    """
    if seconds < 120:
        return seconds, ngettext(
            "Wait %(num)s second and try again.", "Wait %(num)s seconds and try again.", seconds
        )
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return minutes * 60, ngettext(
            "Wait %(num)s minute and try again.", "Wait %(num)s minutes and try again.", minutes
        )
    hours = math.ceil(seconds / 3600)
    return hours * 3600, ngettext(
        "Wait %(num)s hour and try again.", "Wait %(num)s hours and try again.", hours
    )


View = TypeVar("View", bound=Callable[..., Any])


def limited(
    limits: str | Callable[[], str],
    refused: Callable[..., ResponseReturnValue],
    *,
    counts: Callable[[Response], bool] | None = None,
    methods: Collection[str] = ("POST",),
) -> Callable[[View], View]:
    """A per-address limit on a view, where `@limiter.limit(limits, methods=methods,
    deduct_when=counts)` would be: counted in the same store under the same keys, but answered
    by the view's own refusal, with one wait.

    When the limit is reached, `refused(wait_text, **view_args)` renders the answer: the page
    with what was typed (passwords aside) and `wait_text` ("Wait 5 minutes and try again.") in
    its message, or a JSON problem. It goes out as 429 with Retry-After stating the same wait.
    The view's other answers carry no Retry-After (Flask-Limiter's decorator put its window's
    reset on every one, and over ours on the refusal).

    `counts`: which answers count (Flask-Limiter's deduct_when, e.g. only failures); without
    it every request in `methods` counts, before the view runs. An answer the view raises
    (abort(404) for a record the user may not read) is offered to `counts` too, as the
    decorator's after-request hook saw it.
    """
    allowed = {method.upper() for method in methods}

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            if request.method not in allowed:
                return make_response(view(*args, **kwargs))
            text = limits() if callable(limits) else limits
            scope = request.endpoint or view.__name__
            wait = limit_wait(text, scope)
            if not wait and counts is None and not note_hit(text, scope):
                # Another request took the last attempt between the test and the count.
                wait = limit_wait(text, scope) or 1
            if wait:
                seconds, wait_text = stated_wait(wait)
                answer = make_response(refused(wait_text, **kwargs))
                answer.status_code = 429
                answer.headers["Retry-After"] = str(seconds)
                return answer
            try:
                answer = make_response(view(*args, **kwargs))
            except HTTPException as error:
                if counts is not None and counts(error.get_response()):
                    note_hit(text, scope)
                raise
            if counts is not None and counts(answer):
                note_hit(text, scope)
            return answer

        return cast(View, wrapper)

    return decorate


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
