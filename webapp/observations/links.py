"""The records an observation may point to, registered by the features that own them.

Observations sit low in the feature order: activities, safety walks and measures are built on
top of them, so this module cannot import their models. Each of those features registers its
model here instead (one `register_link` call next to the class), and the observation validator
and `visible_links` read the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from webapp.core.fieldinput import canonical_uuid
from webapp.core.inputs import record_id


def uuid_key(value: Any) -> str | None:
    """The key of a record whose id is a UUID made on the device (activities)."""
    return canonical_uuid(value)


def integer_key(value: Any) -> int | None:
    """The key of a record with a database-made whole-number id (walks, measures)."""
    return record_id(value) if not isinstance(value, str) else None


@dataclass(frozen=True)
class Link:
    field: str  # the observation's column, e.g. "walk_id"
    model: Any
    author_attr: str  # the linked record's author column, for can_read
    unknown_message: Callable[[], str] | None  # translated at call time; None: not settable
    key: Callable[[Any], Any] = integer_key


_LINKS: dict[str, Link] = {}


def register_link(
    field: str,
    model: Any,
    author_attr: str,
    unknown_message: Callable[[], str] | None = None,
    *,
    key: Callable[[Any], Any] = integer_key,
) -> None:
    """Let observations point to `model` through their column `field`.

    `unknown_message` is the field message for an id that does not exist or that the user may
    not read (a lambda around gettext, so it is translated per request); without one the link
    is set by review actions only, never by the field client.
    """
    _LINKS[field] = Link(field, model, author_attr, unknown_message, key)


def registered_link(field: str) -> Link:
    return _LINKS[field]


def registered_links() -> list[Link]:
    return list(_LINKS.values())
