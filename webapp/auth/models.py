from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.core.access import Role
from webapp.core.dbtypes import UTCDateTime, utcnow
from webapp.extensions import db

ORGANISATION_BY_ROLE = {
    Role.OFFICER: "police",
    Role.STAFF: "municipality",
}
# Roles that read records. Granting one needs a coordinator of the account's organisation, and
# the first password of such an account reaches its owner through that coordinator, never an
# administrator (an administrator manages accounts, not records).
DATA_ROLES = frozenset({Role.OFFICER.value, Role.STAFF.value, Role.COORDINATOR.value})
# A password hash that no password matches: accounts waiting for a one-time code have it.
UNUSABLE_PASSWORD = "!"  # noqa: S105 (matches no password hash)

# An unknown user name costs a hash check too, with the same method (and so the same time) as a
# real account's, so timing does not reveal which names exist. One dummy hash per method.
_DUMMY_HASHES: dict[str, str] = {}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16))
    # police or municipality: which data controller a coordinator works for.
    organisation: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When a coordinator of the organisation confirmed the current data role (None: waiting).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        """Store a new password; every session of the account ends (any copy of a cookie)."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.end_sessions("new_password")

    def clear_password(self) -> None:
        """No password works until the owner sets one with a one-time code; sessions end."""
        self.password_hash = UNUSABLE_PASSWORD
        self.end_sessions("password_reset")

    def end_sessions(self, reason: str) -> int:
        """End every live login of this account on every device; how many (the caller commits)."""
        if self.id is None:
            return 0
        rows = db.session.execute(
            db.select(LoginSession).where(
                LoginSession.user_id == self.id, LoginSession.ended_at.is_(None)
            )
        ).scalars()
        count = 0
        for row in rows:
            row.ended_at, row.end_reason = utcnow(), reason
            count += 1
        return count

    @property
    def has_password(self) -> bool:
        return self.password_hash != UNUSABLE_PASSWORD

    def check_password(self, password: str) -> bool:
        if not self.has_password:
            check_dummy_password(password)  # the same time as a real check
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def has_data_role(self) -> bool:
        return self.role in DATA_ROLES

    @property
    def awaiting_confirmation(self) -> bool:
        """A data role that no coordinator of the organisation has confirmed yet."""
        return self.has_data_role and self.confirmed_at is None

    @property
    def may_log_in(self) -> bool:
        return self.active and self.has_password and not self.awaiting_confirmation

    def disable(self) -> int:
        """No login any more; every session ends at once. How many ended."""
        self.active = False
        return self.end_sessions("disabled")

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {str(r) for r in roles}

    @property
    def is_police(self) -> bool:
        return self.organisation == "police"


def dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def check_dummy_password(password: str) -> None:
    check_password_hash(dummy_hash(), password)


class LoginSession(db.Model):
    """One login on one device, kept on the server so that every node can end it.

    The cookie carries a random token; the row keeps only its SHA-256, so a copy of this table
    opens no session. A session ends for good when `ended_at` is set (logout, "log out on all
    devices", disabling, a new password) or when it is idle or older than its absolute lifetime.
    """

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)


class OneTimeCode(db.Model):
    """A single-use code that lets the account's owner choose a password (setup or reset)."""

    __tablename__ = "one_time_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class LoginThrottle(db.Model):
    """Failed logins of one (user name, address) pair, or of one address (`username` "").

    Kept in the database so that every app node sees the same counts.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("username", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64))
    # Failures in a row (reset by a success); they set the growing delay.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # Every failure while the row lives (the coordinator's flag counts these).
    total_failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Address rows: refused logins written to the audit trail one by one in this window, and
    # those only counted once the per-address bound was reached.
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    audited: Mapped[int] = mapped_column(Integer, default=0)
    unaudited: Mapped[int] = mapped_column(Integer, default=0)
