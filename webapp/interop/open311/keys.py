"""Making, finding and revoking Open311 API keys. The key has 256 bits of entropy, so a plain
SHA-256 is enough to store it (no slow hash needed); it is compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from webapp.core.audit.service import record as audit
from webapp.core.dbtypes import utcnow
from webapp.core.fieldinput import is_clean_text
from webapp.extensions import db
from webapp.interop.open311.models import ApiKey

KEY_PREFIX = "o311_"
TOUCH_EVERY = timedelta(minutes=1)


class KeyError_(ValueError):
    """A key name that is empty, too long or taken."""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(name: str, *, actor: Any = None, actor_label: str = "") -> tuple[ApiKey, str]:
    """A new key (the caller commits). Returns the row and the key, which is never stored."""
    name = (name or "").strip()
    if not is_clean_text(name):  # NUL, control or bidi characters: refused like any text field
        raise KeyError_("text")
    if not name or len(name) > 80:
        raise KeyError_("name")
    # Only an active key holds its name: after revoking a leaked key, the system's new key
    # takes the same name (the revoked one stays in the list, marked revoked).
    if active_key_named(name) is not None:
        raise KeyError_("taken")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        name=name,
        prefix=key[:12],
        key_hash=digest(key),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    audit("partner_key.create", row, actor=actor, actor_label=actor_label, name=name)
    return row, key


def revoke_key(row: ApiKey, *, actor: Any = None, actor_label: str = "") -> bool:
    if row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    audit("partner_key.revoke", row, actor=actor, actor_label=actor_label, name=row.name)
    return True


def active_key_named(name: str) -> ApiKey | None:
    """The key called `name` that is not revoked, if any (at most one: a unique index)."""
    return db.session.execute(
        db.select(ApiKey).filter_by(name=name, revoked_at=None)
    ).scalar_one_or_none()


def find_key(key: str) -> ApiKey | None:
    """The active key row for `key`, or None (unknown, revoked or malformed)."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    wanted = digest(key)
    row = db.session.execute(db.select(ApiKey).filter_by(key_hash=wanted)).scalar_one_or_none()
    if row is None or not hmac.compare_digest(row.key_hash, wanted) or row.revoked_at:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
    return row


def key_exists(key: str) -> bool:
    """Whether `key` is an active key (no side effects: the limiter asks this)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return False
    found = db.session.execute(
        db.select(ApiKey.id).filter_by(key_hash=digest(key), revoked_at=None)
    ).first()
    return found is not None


def all_keys() -> list[ApiKey]:
    """By name; under one name the active key first, then the revoked ones, newest first."""
    order = (ApiKey.name, ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id)
    return list(db.session.execute(db.select(ApiKey).order_by(*order)).scalars())
