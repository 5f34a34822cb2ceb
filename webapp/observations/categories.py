"""The codes of the active categories, cached per process for the validation of each entry.

Every submit checks its category. Asking the database each time cost a statement per submit (a
sixth of the work beside the insert, bench/README.md); the codes are a handful of rows that
change a few times a year. The cache is checked like this:

- a code the cache does not hold is looked up again at once: a new or re-activated category can
  be used at once, on every node;
- a code it holds is trusted for at most MAX_AGE_SECONDS after it was read. A category
  deactivated on another node (or by hand in the database) is refused here that much later:
  an entry arriving in that window is treated as if it had come a few seconds earlier, when the
  category was still offered. Stored records keep their category either way, so nothing
  inconsistent can be stored (the foreign key still guards that the category exists);
- a change committed through this process (the ORM) empties the cache at once.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from webapp.extensions import db
from webapp.observations.models import Category

MAX_AGE_SECONDS = 5.0
_CHANGED = "trygg_categories_changed"

# Replaced as a whole (never mutated), so threads read a consistent pair without a lock.
_cache: dict[str, Any] = {"codes": frozenset(), "read_at": float("-inf")}


def is_active(code: str) -> bool:
    """Whether `code` names an active category (see the module docstring for how fresh)."""
    global _cache
    cached = _cache
    if code in cached["codes"] and time.monotonic() - cached["read_at"] < MAX_AGE_SECONDS:
        return True
    read_at = time.monotonic()
    codes = frozenset(db.session.scalars(db.select(Category.code).where(Category.active)))
    _cache = {"codes": codes, "read_at": read_at}
    return code in codes


def forget() -> None:
    global _cache
    _cache = {"codes": frozenset(), "read_at": float("-inf")}


@event.listens_for(Category, "after_insert")
@event.listens_for(Category, "after_update")
@event.listens_for(Category, "after_delete")
def _category_written(_mapper, _connection, target) -> None:  # type: ignore[no-untyped-def]
    forget()
    session = object_session(target)
    if session is not None:
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:  # type: ignore[no-untyped-def]
    # Again at the commit: a request may have read the old rows between the flush and here.
    if session.info.pop(_CHANGED, False):
        forget()


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, _previous_transaction) -> None:  # type: ignore[no-untyped-def]
    if session.info.pop(_CHANGED, False):
        forget()
