"""One-time codes with which an account's owner chooses a password.

A code is 12 letters and digits (about 60 bits), shown once to the person who hands it over:
a coordinator for data roles, an administrator only for administrator accounts. Only its
SHA-256 is stored; it works once and for ONE_TIME_CODE_HOURS.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app

from webapp.auth.models import OneTimeCode, User
from webapp.core.dbtypes import utcnow
from webapp.extensions import db

# No 0/O, 1/I/L: the code is read aloud over the phone and typed on one.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[:64]


def _digest(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issue(user: User, issued_by: User | None) -> tuple[str, OneTimeCode]:
    """A new code for `user` (earlier unused ones stop working); the caller audits and commits."""
    now = utcnow()
    for old in db.session.execute(
        db.select(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None))
    ).scalars():
        old.used_at = now
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    row = OneTimeCode(
        user_id=user.id,
        code_hash=_digest(code),
        created_at=now,
        expires_at=now + timedelta(hours=float(current_app.config["ONE_TIME_CODE_HOURS"])),
        issued_by_id=issued_by.id if issued_by else None,
    )
    db.session.add(row)
    return display(code), row


def find_valid(code: str) -> OneTimeCode | None:
    """The unused, unexpired code row for `code`, else None."""
    if len(normalise(code)) != LENGTH:
        return None
    row = db.session.execute(
        db.select(OneTimeCode).filter_by(code_hash=_digest(code))
    ).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def revoke_all(user: User) -> None:
    """Unused codes of `user` stop working (disabling, a new reset)."""
    now = utcnow()
    for row in db.session.execute(
        db.select(OneTimeCode).where(OneTimeCode.user_id == user.id, OneTimeCode.used_at.is_(None))
    ).scalars():
        row.used_at = now
