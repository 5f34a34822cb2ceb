"""What a measure was made from and where it is, as far as its reader may know.

A measure readable by municipal staff may have been made from a police observation: the
observation's note, time and even its existence are police information, so every source is
checked on its own before the page names it, and showing police sources is audited like any
other list of police records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from webapp.auth.models import User
from webapp.core.access import Role, can_read, can_read_record
from webapp.core.audit.service import record_police_count, record_police_reads
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.measures.models import Measure
from webapp.observations.areas import area_ids_at, area_shapes
from webapp.observations.models import Observation

# The most telling name first: "Sunne centrum" says more than "Sunne kommun".
AREA_KINDS = ("centrum", "patrol", "tatort", "kommun")


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    area: str | None


@dataclass(frozen=True)
class MeasureSources:
    observations: list[Observation] = field(default_factory=list)
    spots: list[Any] = field(default_factory=list)  # WalkSpot (walks sit above measures)
    reports: list[Any] = field(default_factory=list)  # PublicReport (so does citizen)
    place: Place | None = None

    def __bool__(self) -> bool:
        return bool(self.observations or self.spots or self.reports)


def readable_observations(measure: Measure, reader: User) -> list[Observation]:
    return [o for o in measure.observations if can_read(reader, o.visibility, o.author_id)]


def readable_spots(measure: Measure, reader: User) -> list[Any]:
    """Spots belong to the walk whose protocol made the measure and share its visibility."""
    if not can_read_record(reader, measure.walk):
        return []
    return [s for s in measure.walk_spots if s.walk_id == measure.walk_id]


def readable_reports(measure: Measure, reader: User) -> list[Any]:
    """Residents' reports: the coordinator moderates them and reads them all; anyone else
    only those already published (their public text is on the public map anyway)."""
    if reader.has_role(Role.COORDINATOR):
        return list(measure.public_reports)
    return [r for r in measure.public_reports if r.is_public]


def area_name(lat: float, lon: float) -> str | None:
    """The most telling area around the point, or None outside every area (the outlines as
    the submit path keeps them parsed: webapp/observations/areas.py)."""
    shapes = area_shapes(db.session.connection())
    ids = set(area_ids_at(lon, lat, shapes, rural=False))
    inside = [
        (AREA_KINDS.index(kind), i)
        for i, _box, _geo, kind in shapes
        if i in ids and kind in AREA_KINDS
    ]
    return db.session.get(Area, min(inside)[1]).name if inside else None


def place_of(measure: Measure, sources: list[Any]) -> Place | None:
    """The measure's own position, else that of the first source its reader may see: a
    readable measure must not give away where an unreadable source was made."""
    for record in (measure, *sources):
        if record.lat is not None and record.lon is not None:
            return Place(record.lat, record.lon, area_name(record.lat, record.lon))
    return None


def sources_of(measure: Measure, reader: User) -> MeasureSources:
    """The sources `reader` may read, with the measure's place; police sources shown are
    audited (how many, not which) and committed."""
    observations = readable_observations(measure, reader)
    spots = readable_spots(measure, reader)
    reports = readable_reports(measure, reader)
    detail = {"measure_id": measure.id}
    record_police_reads(
        "observation.list", "observations", (o.visibility for o in observations), **detail
    )
    if spots and measure.walk.visibility == "police":
        record_police_count("walk_spot.list", "walk_spots", len(spots), **detail)
    place = place_of(measure, [*observations, *spots, *reports])
    return MeasureSources(observations, spots, reports, place)
