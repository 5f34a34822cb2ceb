"""WGS84 to SWEREF 99 TM (EPSG:3006), the national grid Swedish municipal GIS works in.

pyproj behind one module. Its wheel bundles the PROJ database, so this works offline; the
WGS84 -> SWEREF 99 TM step is a pure Transverse Mercator projection (SWEREF 99 is ETRS89-based
and treated as identical to WGS84 at this accuracy), so no grid file is needed either.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from pyproj import Transformer

SWEREF99TM = "EPSG:3006"
WGS84 = "EPSG:4326"


@cache
def _transformer() -> Transformer:
    # always_xy: longitude/easting first whatever axis order the CRS definitions declare.
    return Transformer.from_crs(WGS84, SWEREF99TM, always_xy=True)


def to_sweref99tm(lons: Sequence[float], lats: Sequence[float]) -> tuple[list[float], list[float]]:
    """Eastings and northings in metres for many points at once (one call, not one per point)."""
    if not lons:
        return [], []
    eastings, northings = _transformer().transform(list(lons), list(lats))
    return list(eastings), list(northings)


def point_to_sweref99tm(lon: float, lat: float) -> tuple[float, float]:
    easting, northing = _transformer().transform(lon, lat)
    return float(easting), float(northing)
