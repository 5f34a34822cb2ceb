"""Safety walks held, counted for the promise they serve (promises/held.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import ngettext
from sqlalchemy import func, select

from webapp.core.access import visibility_filter
from webapp.core.localtime import local_midnight_utc
from webapp.extensions import db
from webapp.promises.held import HeldWork, register_held_work
from webapp.walks.models import SafetyWalk

HELD = ("held", "closed")


def held_walks(first: date, last: date | None, user: Any) -> int:
    """Walks held from `first` to `last` (local days, both included) that the reader may see and
    that are not logged as an activity as well (those count among the logged ones)."""
    query = (
        select(func.count())
        .select_from(SafetyWalk)
        .where(
            SafetyWalk.status.in_(HELD),
            SafetyWalk.activity_id.is_(None),
            SafetyWalk.starts_at >= local_midnight_utc(first),
            visibility_filter(user, SafetyWalk.visibility, SafetyWalk.created_by_id),
        )
    )
    if last is not None:
        query = query.where(SafetyWalk.starts_at < local_midnight_utc(last + timedelta(days=1)))
    return db.session.execute(query).scalar_one()


def _text(n: int) -> str:
    return ngettext("%(num)s safety walk held", "%(num)s safety walks held", n)


register_held_work("safety_walk", HeldWork(held_walks, _text, "walks.index"))
