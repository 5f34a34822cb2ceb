"""What a walk found, in numbers: who took part, ratings per stop, near-duplicate spots, and how
far the review after the walk has come."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import func

from webapp.extensions import db
from webapp.geo import distance_m
from webapp.measures.models import Measure
from webapp.walks.models import (
    FACTORS,
    HEADCOUNT_DIMENSIONS,
    SafetyWalk,
    WalkParticipant,
    WalkRating,
    WalkSpot,
)

# ---- who took part ----------------------------------------------------------------------------

# The public protocol shows a breakdown by gender or age only when no one in it stands out: in a
# small town "Man 1, 65+ 1" names a person. Below this count the whole breakdown is left out
# (showing only the small cells as "fewer than 3" would let readers work them out from the rest).
SMALL_CELL = 3
PERSONAL_DIMENSIONS = ("gender", "age_band")


@dataclass
class Headcount:
    """Counts per dimension: those who joined by phone plus those the coordinator counted."""

    joined: int
    counted: int
    by: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        # The coordinator's count by group is the best estimate of people without phones.
        return self.joined + self.counted

    def shown_in_public(self, dimension: str) -> bool:
        """Whether the public protocol may show this dimension's counts (see SMALL_CELL)."""
        if dimension not in PERSONAL_DIMENSIONS:
            return True
        return all(n == 0 or n >= SMALL_CELL for n in self.by.get(dimension, {}).values())

    @property
    def anyone(self) -> bool:
        """Whether anyone took part or was counted (a count by gender or age alone counts)."""
        return self.total > 0 or any(n for values in self.by.values() for n in values.values())


def clean_headcount(raw: object) -> dict[str, dict[str, int]]:
    """Manual counts as stored: known codes only, whole numbers 0–9999."""
    clean: dict[str, dict[str, int]] = {}
    source = raw if isinstance(raw, dict) else {}
    for dimension, codes in HEADCOUNT_DIMENSIONS.items():
        values = source.get(dimension) if isinstance(source.get(dimension), dict) else {}
        clean[dimension] = {}
        for code in codes:
            value = values.get(code)
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10_000:
                clean[dimension][code] = value
    return clean


def headcount(walk: SafetyWalk) -> Headcount:
    participants = list(
        db.session.execute(db.select(WalkParticipant).filter_by(walk_id=walk.id)).scalars()
    )
    manual = clean_headcount(walk.headcount)
    counted = sum(manual["group"].values())
    total = len(participants) + counted
    by: dict[str, dict[str, int]] = {}
    for dimension, codes in HEADCOUNT_DIMENSIONS.items():
        counter = Counter(getattr(p, dimension) for p in participants)
        by[dimension] = {
            code: counter.get(code, 0) + manual[dimension].get(code, 0) for code in codes
        }
        # Everyone not counted under a code: phones that did not say, and people the walk
        # leader counted by group but not by gender or age. So each dimension adds up.
        by[dimension]["unknown"] = max(0, total - sum(by[dimension].values()))
    return Headcount(joined=len(participants), counted=counted, by=by)


def phone_counts(walk: SafetyWalk) -> dict[str, int]:
    """Per dimension, how many who joined by phone said something (for checking a count)."""
    participants = list(
        db.session.execute(db.select(WalkParticipant).filter_by(walk_id=walk.id)).scalars()
    )
    stated = {
        dimension: sum(1 for p in participants if getattr(p, dimension) is not None)
        for dimension in HEADCOUNT_DIMENSIONS
    }
    return {"joined": len(participants), **stated}


# ---- ratings per stop -------------------------------------------------------------------------


@dataclass
class StopRatings:
    count: int
    averages: dict[str, float | None]


def latest_ratings(walk_id: int) -> list[WalkRating]:
    """Each participant's latest rating of each stop: re-rating a stop replaces the earlier one."""
    rows = db.session.execute(
        db.select(WalkRating)
        .filter_by(walk_id=walk_id)
        .order_by(WalkRating.rated_at, WalkRating.created_at)
    ).scalars()
    latest: dict[tuple[str, int], WalkRating] = {}
    for rating in rows:
        latest[(rating.participant_id, rating.stop_id)] = rating
    return list(latest.values())


def ratings_by_stop(walk: SafetyWalk) -> dict[int, StopRatings]:
    grouped: dict[int, list[WalkRating]] = {}
    for rating in latest_ratings(walk.id):
        grouped.setdefault(rating.stop_id, []).append(rating)
    result = {}
    for stop in walk.stops:
        ratings = grouped.get(stop.id, [])
        averages: dict[str, float | None] = {}
        for factor in FACTORS:
            values = [getattr(r, factor) for r in ratings if getattr(r, factor) is not None]
            averages[factor] = round(sum(values) / len(values), 1) if values else None
        result[stop.id] = StopRatings(count=len(ratings), averages=averages)
    return result


# A move of the average smaller than half a step on the 0–3 scale is what one participant more
# or fewer does to a handful of ratings: it is not called better or worse ("1,1 → 1,0" is not a
# decline).
MEANINGFUL_CHANGE = 0.5


@dataclass
class StopComparison:
    name: str
    before: StopRatings | None
    after: StopRatings

    def change(self, factor: str) -> str | None:
        """Return "better", "worse" or None (an average missing, or a move under half a step)."""
        before = self.before.averages.get(factor) if self.before else None
        after = self.after.averages.get(factor)
        if before is None or after is None or round(abs(after - before), 1) < MEANINGFUL_CHANGE:
            return None
        return "better" if after > before else "worse"


def compare_with_original(walk: SafetyWalk) -> list[StopComparison]:
    """Per stop of a follow-up walk: the original walk's averages beside this walk's."""
    original = walk.follow_up_of
    before = ratings_by_stop(original) if original is not None else {}
    after = ratings_by_stop(walk)
    return [
        StopComparison(
            name=stop.name,
            before=before.get(stop.origin_stop_id) if stop.origin_stop_id else None,
            after=after[stop.id],
        )
        for stop in walk.stops
    ]


# ---- near-duplicate spots ---------------------------------------------------------------------


@dataclass
class DuplicateSuggestion:
    keep: WalkSpot
    merge: WalkSpot
    distance_m: float


def walk_spots(walk: SafetyWalk, statuses: tuple[str, ...] | None = None) -> list[WalkSpot]:
    """The spots marked on `walk` in the order they were marked (only `statuses`, if given)."""
    query = db.select(WalkSpot).filter_by(walk_id=walk.id)
    if statuses is not None:
        query = query.where(WalkSpot.status.in_(statuses))
    return list(db.session.execute(query.order_by(WalkSpot.observed_at, WalkSpot.id)).scalars())


def open_spots(walk: SafetyWalk) -> list[WalkSpot]:
    return walk_spots(walk, ("new", "measure"))


def duplicate_suggestions(
    spots: list[WalkSpot], max_distance_m: float
) -> list[DuplicateSuggestion]:
    """Pairs of spots of the same category within `max_distance_m` (geodesic, WGS84).

    The earlier spot is kept; a spot already turned into a measure is always the one kept.
    Two spots both with measures are not suggested: merging them is a decision about measures.
    """
    suggestions = []
    for first, second in combinations(spots, 2):
        if first.category_code != second.category_code:
            continue
        if first.status == "measure" and second.status == "measure":
            continue
        distance = distance_m(first.lat, first.lon, second.lat, second.lon)
        if distance > max_distance_m:
            continue
        keep, merge = (
            (second, first)
            if first.status != "measure" and second.status == "measure"
            else (first, second)
        )
        suggestions.append(
            DuplicateSuggestion(keep=keep, merge=merge, distance_m=round(distance, 1))
        )
    return sorted(suggestions, key=lambda s: s.distance_m)


# ---- after the walk ---------------------------------------------------------------------------


@dataclass
class ReviewProgress:
    """How far the coordinator has come with a held walk's marked spots (the walk's page)."""

    spots: int  # marked, merged ones too (as the review lists them)
    to_decide: int
    measures: int


def review_progress(walk: SafetyWalk, spots: list[WalkSpot]) -> ReviewProgress:
    """`spots`: the walk's marked spots, as the walk's page has them already."""
    measures = db.session.scalar(
        db.select(func.count()).select_from(Measure).filter_by(walk_id=walk.id)
    )
    return ReviewProgress(
        spots=len(spots),
        to_decide=sum(s.status == "new" for s in spots),
        measures=measures or 0,
    )
