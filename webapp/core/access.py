"""Who may see which records: the one place visibility rules live.

Police and municipal records belong to two data controllers. Every record carries a visibility
(police, municipality, shared); loaders call these helpers and queries filter with them so that
nothing a reader may not see ever leaves the server.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_login import current_user
from sqlalchemy import ColumnElement, false, or_, select
from werkzeug.exceptions import Forbidden, Unauthorized

from webapp.core.audit.service import record_police_reads
from webapp.extensions import db

if TYPE_CHECKING:
    from webapp.auth.models import User


class Visibility(StrEnum):
    POLICE = "police"
    MUNICIPALITY = "municipality"
    SHARED = "shared"


class Role(StrEnum):
    OFFICER = "officer"
    STAFF = "staff"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


# What each role reads besides its own records. Admin runs the system, not the casework.
READABLE: dict[Role, frozenset[Visibility]] = {
    Role.OFFICER: frozenset({Visibility.POLICE, Visibility.SHARED}),
    Role.STAFF: frozenset({Visibility.MUNICIPALITY, Visibility.SHARED}),
    Role.COORDINATOR: frozenset(Visibility),
    Role.ADMIN: frozenset(),
}

# What a role may label its own records with; the first is the default.
WRITABLE: dict[Role, tuple[Visibility, ...]] = {
    Role.OFFICER: (Visibility.POLICE, Visibility.SHARED),
    Role.STAFF: (Visibility.MUNICIPALITY, Visibility.SHARED),
    Role.COORDINATOR: (Visibility.SHARED, Visibility.POLICE, Visibility.MUNICIPALITY),
    Role.ADMIN: (),
}

# Roles that record field data (observations, activities).
FIELD_ROLES = frozenset({Role.OFFICER, Role.STAFF, Role.COORDINATOR})


def is_field_user(user: User) -> bool:
    """Whether `user` is logged in with a role that records field data."""
    return bool(getattr(user, "is_authenticated", False)) and Role(user.role) in FIELD_ROLES


def require_field_user() -> None:
    """Stop the request unless the current user records field data: 401 when not logged in,
    403 for any other role (a JSON problem under /api/, the error page elsewhere)."""
    if not current_user.is_authenticated:
        raise Unauthorized()
    if not is_field_user(current_user):
        raise Forbidden()


def readable_visibilities(user: User) -> frozenset[Visibility]:
    return READABLE.get(Role(user.role), frozenset())


def can_read(user: User, visibility: str, author_id: int | None = None) -> bool:
    if author_id is not None and author_id == user.id:
        return True
    return Visibility(visibility) in readable_visibilities(user)


def can_read_record(user: User, record: object | None) -> bool:
    """Whether `user` may read a linked record (a measure's walk, a walk's original walk...).

    For templates (as `can_read`), before they show another record's title or a link to it:
    a record readable by itself must not carry the name of one its reader may not open. Knows
    the author columns of our models (author_id, created_by_id).
    """
    if record is None or not getattr(user, "is_authenticated", False):
        return False
    author_id = getattr(record, "author_id", None) or getattr(record, "created_by_id", None)
    return can_read(user, record.visibility, author_id)  # type: ignore[attr-defined]


def visibility_filter(user: User, visibility_col, author_col=None) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """SQL condition selecting the rows `user` may read."""
    allowed = sorted(v.value for v in readable_visibilities(user))
    conditions = [visibility_col.in_(allowed)] if allowed else [false()]
    if author_col is not None:
        conditions.append(author_col == user.id)
    return or_(*conditions)


def readable_list(model: Any, action: str, *order_by: Any) -> list[Any]:
    """All the rows of `model` (a record with `visibility` and `created_by_id`: walks, measures)
    the current user may read, in `order_by`; a list showing police records is audited as
    `action` (record_police_reads)."""
    rows = list(
        db.session.scalars(
            select(model)
            .where(visibility_filter(current_user, model.visibility, model.created_by_id))
            .order_by(*order_by)
        )
    )
    record_police_reads(action, model.__tablename__, (row.visibility for row in rows))
    return rows


def default_visibility(user: User) -> Visibility | None:
    options = WRITABLE.get(Role(user.role), ())
    return options[0] if options else None
