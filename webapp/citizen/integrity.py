"""Residents' input keeps its integrity: each form token is used once, and each address has a
daily cap (reports per day; answers per survey and day), both kept in the database so they hold
on every node and across restarts.

`admit` is called inside the transaction that stores the report or the answers, after its own
insert, and writes the token's use and the count there: a submission that is refused (or whose
store fails) leaves neither behind, and two racing submissions of one token cannot both commit
(the token's digest is a primary key).

Nothing here points to a person: a token's nonce existed only in the page that carried it, and
the daily count is keyed by a keyed hash of (what, day, address). Rows are deleted once they can
no longer matter (expired tokens, past days).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from webapp.citizen.guard import FormToken
from webapp.citizen.models import DailyCount, UsedFormToken
from webapp.citizen.settings import setting
from webapp.core.localtime import local_today
from webapp.extensions import db

# The answer a person gets for a used token: this form is no longer valid, send again.
TOKEN_USED = "form_expired"  # noqa: S105 - a problem code, not a secret
DAILY_LIMIT = "daily_limit"


def admit(token: FormToken, scope: str, cap: int) -> str | None:
    """Record the token's use and count the submission for `scope` from this address today.

    Returns None when admitted, else the problem code (TOKEN_USED or DAILY_LIMIT); the caller
    then rolls back, which also undoes what this wrote.
    """
    if not _use(token):
        return TOKEN_USED
    if _count_today(scope) > cap:
        return DAILY_LIMIT
    return None


def _use(token: FormToken) -> bool:
    """Whether the token was unused until now (it is recorded as used either way)."""
    if token.nonce is None:
        return False
    now = datetime.now(UTC)
    db.session.execute(delete(UsedFormToken).where(UsedFormToken.expires_at < now))
    max_age = float(setting("CITIZEN_FORM_MAX_AGE_SECONDS"))
    # To the hour: the row must not tell when the page was served more exactly than that.
    expires = datetime.fromtimestamp(token.issued + max_age, UTC) + timedelta(hours=1)
    row = UsedFormToken(
        digest=_digest(f"{token.form}\x00{token.nonce}"),
        expires_at=expires.replace(minute=0, second=0, microsecond=0),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def _count_today(scope: str) -> int:
    """Add one to this address's count for `scope` today and return the new count."""
    today = local_today()
    db.session.execute(delete(DailyCount).where(DailyCount.day < today))
    key = _digest(f"{scope}\x00{today.isoformat()}\x00{_network()}")
    for _attempt in range(2):
        bumped = db.session.execute(
            update(DailyCount)
            .where(DailyCount.key == key)
            .values(count=DailyCount.count + 1)
            .returning(DailyCount.count)
        ).scalar()
        if bumped is not None:
            return int(bumped)
        try:
            with db.session.begin_nested():
                db.session.add(DailyCount(key=key, day=today, count=1))
            return 1
        except IntegrityError:  # another request made today's row first: count in it
            continue
    raise RuntimeError("daily count could not be kept")  # pragma: no cover - needs 3 racers


def _network() -> str:
    """The sender's address; for IPv6 its /64, which one phone can hop around in at will."""
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _digest(text: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
