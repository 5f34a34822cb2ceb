"""Small geometry on WGS84 GeoJSON: point in polygon and line length.

Areas in Sunne are a few kilometres across, so treating longitude/latitude as a plane is exact
enough for "is this point inside"; lengths use geopy's geodesic distance (works offline).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from geopy.distance import geodesic

from webapp.core.fieldinput import is_number

Position = Sequence[float]  # GeoJSON order: [longitude, latitude]


def _in_ring(lon: float, lat: float, ring: Sequence[Position]) -> bool:
    """Even-odd ray casting towards east; points exactly on an edge count as inside."""
    inside = False
    count = len(ring)
    for index in range(count):
        x1, y1 = ring[index][0], ring[index][1]
        x2, y2 = ring[(index + 1) % count][0], ring[(index + 1) % count][1]
        if _on_segment(lon, lat, x1, y1, x2, y2):
            return True
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def _on_segment(px: float, py: float, x1: float, y1: float, x2: float, y2: float) -> bool:
    cross = (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1)
    if abs(cross) > 1e-12:
        return False
    return min(x1, x2) <= px <= max(x1, x2) and min(y1, y2) <= py <= max(y1, y2)


def _in_polygon(lon: float, lat: float, rings: Sequence[Sequence[Position]]) -> bool:
    if not rings or not _in_ring(lon, lat, rings[0]):
        return False
    # Further rings are holes (e.g. a lake inside a boundary).
    return not any(_in_ring(lon, lat, hole) for hole in rings[1:])


def point_in_geometry(lon: float, lat: float, geometry: dict[str, Any]) -> bool:
    """Whether the point lies in a GeoJSON Polygon or MultiPolygon (holes respected)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return _in_polygon(lon, lat, geometry["coordinates"])
    if kind == "MultiPolygon":
        return any(_in_polygon(lon, lat, polygon) for polygon in geometry["coordinates"])
    raise ValueError(f"not an areal geometry: {kind!r}")


def is_position(value: Any) -> bool:
    """A GeoJSON position on the globe: [longitude, latitude], or with an altitude; numbers."""
    return (
        isinstance(value, list)
        and len(value) in (2, 3)
        and all(is_number(v) for v in value)
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def line_positions(value: list[Any], decimals: int) -> list[list[float]] | None:
    """A line's positions as [longitude, latitude] rounded to `decimals` (altitude dropped),
    or None when one of them is not a position on the globe."""
    if not all(is_position(position) for position in value):
        return None
    return [[round(float(lon), decimals), round(float(lat), decimals)] for lon, lat, *_ in value]


def line_length_m(coordinates: Sequence[Position]) -> float:
    """Length in metres of a GeoJSON LineString's positions, summed geodesic segments."""
    total = 0.0
    for (lon1, lat1, *_), (lon2, lat2, *_) in zip(coordinates, coordinates[1:], strict=False):
        total += geodesic((lat1, lon1), (lat2, lon2)).meters
    return total


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in metres between two WGS 84 points."""
    return float(geodesic((lat1, lon1), (lat2, lon2)).meters)
