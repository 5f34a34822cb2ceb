"""The protocol of a walk: one set of facts for the page, the print and the PDF.

Two versions. The internal one (police and municipality) has the walk's internal notes, the
participants' notes on each marked spot and each measure's internal note. The public one has
none of those, and only measures whose visibility is "shared".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from webapp.auth.models import User
from webapp.core.access import can_read
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Category
from webapp.walks.models import SafetyWalk, WalkMeasureCheck, WalkSpot
from webapp.walks.stats import (
    Headcount,
    StopComparison,
    StopRatings,
    compare_with_original,
    headcount,
    ratings_by_stop,
    walk_spots,
)


@dataclass
class MeasureCheckSummary:
    measure: Measure
    answers: Counter[str]
    notes: list[str]


@dataclass
class Protocol:
    walk: SafetyWalk
    public: bool
    generated_at: datetime
    headcount: Headcount
    stop_ratings: dict[int, StopRatings]
    spots_by_category: list[tuple[str, int]]
    spots: list[WalkSpot]
    measures: list[Measure]
    comparison: list[StopComparison] = field(default_factory=list)
    original_measures: list[MeasureCheckSummary] = field(default_factory=list)
    # The walk this one follows up, if the reader may read it (its name is shown).
    original: SafetyWalk | None = None

    @property
    def internal_notes(self) -> str:
        return "" if self.public else self.walk.notes


def readable_measures(query, reader: User | None, public: bool) -> list[Measure]:  # type: ignore[no-untyped-def]
    rows = db.session.execute(
        query.order_by(Measure.deadline.is_(None), Measure.deadline, Measure.id)
    ).scalars()
    if public:
        return [m for m in rows if m.visibility == "shared"]
    return [m for m in rows if reader is None or can_read(reader, m.visibility, m.created_by_id)]


def readable_original(walk: SafetyWalk, reader: User | None, public: bool) -> SafetyWalk | None:
    original = walk.follow_up_of
    if original is None:
        return None
    if public:
        return original if original.visibility == "shared" else None
    if reader is None or can_read(reader, original.visibility, original.created_by_id):
        return original
    return None


def original_measures(
    walk: SafetyWalk, reader: User | None, public: bool
) -> list[MeasureCheckSummary]:
    """The earlier walk's measures with what this follow-up walk's participants said on site."""
    if walk.follow_up_of_id is None:
        return []
    measures = readable_measures(
        db.select(Measure).filter_by(walk_id=walk.follow_up_of_id), reader, public
    )
    checks = db.session.execute(db.select(WalkMeasureCheck).filter_by(walk_id=walk.id)).scalars()
    answers: dict[int, Counter[str]] = {}
    notes: dict[int, list[str]] = {}
    for check in checks:
        answers.setdefault(check.measure_id, Counter())[check.answer] += 1
        if check.note:
            notes.setdefault(check.measure_id, []).append(check.note)
    return [
        MeasureCheckSummary(
            measure=m,
            answers=answers.get(m.id, Counter()),
            notes=[] if public else notes.get(m.id, []),
        )
        for m in measures
    ]


def build_protocol(walk: SafetyWalk, reader: User | None, *, public: bool) -> Protocol:
    spots = walk_spots(walk)
    problems = [s for s in spots if s.status != "duplicate"]
    labels = {c.code: c.label() for c in db.session.execute(db.select(Category)).scalars()}
    by_category = Counter(labels.get(s.category_code, s.category_code) for s in problems)
    return Protocol(
        walk=walk,
        public=public,
        generated_at=datetime.now(UTC),
        headcount=headcount(walk),
        stop_ratings=ratings_by_stop(walk),
        spots_by_category=sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0])),
        spots=[] if public else problems,
        measures=readable_measures(db.select(Measure).filter_by(walk_id=walk.id), reader, public),
        comparison=compare_with_original(walk) if walk.follow_up_of_id else [],
        original_measures=original_measures(walk, reader, public),
        original=readable_original(walk, reader, public),
    )
