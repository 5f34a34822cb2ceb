"""Where a point lies, in the words residents use: centrum, tätort, elsewhere in the kommun."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from webapp.citizen.settings import setting
from webapp.extensions import db
from webapp.geo import point_in_geometry
from webapp.geo.areas import Area

# Innermost first: a point in centrum is also in tätort.
AREA_KINDS = ("centrum", "tatort")
ELSEWHERE = "elsewhere"
NO_PLACE = "no_place"


@dataclass(frozen=True)
class Zones:
    """The polygons of centrum and tätort, loaded once per request that needs them."""

    geometries: tuple[tuple[str, dict[str, Any]], ...]

    def zone_of(self, lat: float | None, lon: float | None) -> str:
        if lat is None or lon is None:
            return NO_PLACE
        for kind, geometry in self.geometries:
            if point_in_geometry(lon, lat, geometry):
                return kind
        return ELSEWHERE


def load_zones() -> Zones:
    rows = db.session.execute(db.select(Area).where(Area.kind.in_(AREA_KINDS))).scalars()
    by_kind = {row.kind: row.geometry for row in rows}
    return Zones(tuple((kind, by_kind[kind]) for kind in AREA_KINDS if kind in by_kind))


def inside_service_area(lat: float, lon: float) -> bool:
    """Whether the point lies in the kommun (CITIZEN_AREA_CODE); True if that area is missing."""
    area = db.session.execute(
        db.select(Area).filter_by(code=setting("CITIZEN_AREA_CODE"))
    ).scalar_one_or_none()
    return area is None or point_in_geometry(lon, lat, area.geometry)
