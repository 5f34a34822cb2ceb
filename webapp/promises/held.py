"""Work done for a promise that is not a logged activity, e.g. safety walks held in the planner.

Promises sit below the features that hold such work (the layering in tests/architecture.py), so
a feature registers how to count its own for an activity kind, as features register their job
kinds with core.jobs. The promises page then says it beside the logged activities: a held walk
counted "0 logged" under "Trygghetsvandringar genomförs", though the council report counted it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for

from webapp.promises.models import Promise


@dataclass(frozen=True)
class HeldWork:
    # (first day, last day or None, reader) -> how many the reader may see
    count: Callable[[date, date | None, Any], int]
    text: Callable[[int], str]  # "2 walks held", in the reader's language
    endpoint: str  # where the reader sees them


@dataclass(frozen=True)
class HeldCount:
    text: str
    url: str


_BY_KIND: dict[str, HeldWork] = {}


def register_held_work(kind: str, work: HeldWork) -> None:
    _BY_KIND[kind] = work


def held_counts(promises: list[Promise], user: Any) -> dict[tuple[int, int], HeldCount]:
    """(promise id, activity type id) -> what the reader may see of its held work."""
    found: dict[tuple[int, int], HeldCount] = {}
    for promise in promises:
        for activity_type in promise.activity_types:
            work = _BY_KIND.get(activity_type.kind)
            if work is None:
                continue
            n = work.count(promise.starts_on, promise.ends_on, user)
            found[(promise.id, activity_type.id)] = HeldCount(work.text(n), url_for(work.endpoint))
    return found
