"""Points of the period for the static map, counted per grid cell in the database.

A year may hold 100,000 observations: the printed map shows how many fell in each cell of a
fixed grid (a few hundred cells at most) rather than every point, so its size and drawing time
do not grow with the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func

from webapp.activities.models import Activity, ActivityType
from webapp.auth.models import User
from webapp.core.access import visibility_filter
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.observations.models import Observation
from webapp.reports.activities import in_promises
from webapp.reports.period import Period
from webapp.reports.sqlexpr import floor_int

CELLS_ACROSS = 40


@dataclass(frozen=True)
class Extent:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def scaled(self, factor: float, factor_lat: float | None = None) -> Extent:
        """Grown (or shrunk) about its centre; `factor_lat` for north-south if it differs."""
        cx, cy = (self.min_lon + self.max_lon) / 2, (self.min_lat + self.max_lat) / 2
        hw, hh = (
            (self.max_lon - self.min_lon) * factor / 2,
            (self.max_lat - self.min_lat) * (factor if factor_lat is None else factor_lat) / 2,
        )
        return Extent(cx - hw, cy - hh, cx + hw, cy + hh)


@dataclass(frozen=True)
class Cell:
    lon: float  # the cell's centre
    lat: float
    count: int
    kind: str = "observation"


@dataclass
class MapLayer:
    name: str  # "kommun" or "centrum"
    extent: Extent
    outlines: list[tuple[str, dict]]  # (area kind, GeoJSON geometry)
    cells: list[Cell]


def _positions(geometry: dict) -> list[list[float]]:
    coordinates = geometry["coordinates"]
    polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    return [point for polygon in polygons for ring in polygon for point in ring]


def extent_of(geometry: dict) -> Extent:
    return bounds(_positions(geometry))


def bounds(points: list) -> Extent:
    """The smallest extent holding these (lon, lat) positions."""
    return Extent(
        min(p[0] for p in points),
        min(p[1] for p in points),
        max(p[0] for p in points),
        max(p[1] for p in points),
    )


def _areas() -> dict[str, Area]:
    return {a.kind: a for a in db.session.execute(db.select(Area).order_by(Area.id)).scalars()}


@dataclass(frozen=True)
class Grid:
    """A grid of square cells (on the ground) anchored at a south-west corner."""

    min_lon: float
    min_lat: float
    dlon: float
    dlat: float

    def centre(self, x: int, y: int, size: int = 1) -> tuple[float, float]:
        return self.min_lon + (x + 0.5) * size * self.dlon, self.min_lat + (
            y + 0.5
        ) * size * self.dlat


def _fine_grid(outer: Extent, inner: Extent) -> Grid:
    """The close-up map's cells, anchored at the overview's corner so both maps come from it."""
    dlon = (inner.max_lon - inner.min_lon) / CELLS_ACROSS
    dlat = dlon * math.cos(math.radians((inner.min_lat + inner.max_lat) / 2))
    return Grid(outer.min_lon, outer.min_lat, dlon, dlat)


def _observation_counts(period: Period, user: User, extent: Extent, grid: Grid) -> list[tuple]:
    gx = floor_int((Observation.lon - grid.min_lon) / grid.dlon).label("gx")
    gy = floor_int((Observation.lat - grid.min_lat) / grid.dlat).label("gy")
    rows = db.session.execute(
        db.select(gx, gy, func.count())
        .where(
            period.covers(Observation.observed_at),
            Observation.status != "duplicate",
            Observation.lon.between(extent.min_lon, extent.max_lon),
            Observation.lat.between(extent.min_lat, extent.max_lat),
            visibility_filter(user, Observation.visibility, Observation.author_id),
        )
        .group_by(gx, gy)
    )
    return [("observation", x, y, n) for x, y, n in rows]


def _activity_counts(
    period: Period, promise_ids: list[int], user: User, extent: Extent, grid: Grid
) -> list[tuple]:
    gx = floor_int((Activity.lon - grid.min_lon) / grid.dlon).label("gx")
    gy = floor_int((Activity.lat - grid.min_lat) / grid.dlat).label("gy")
    rows = db.session.execute(
        db.select(ActivityType.kind, gx, gy, func.count())
        .join(ActivityType, ActivityType.id == Activity.activity_type_id)
        .where(
            period.covers(Activity.started_at),
            Activity.lon.between(extent.min_lon, extent.max_lon),
            Activity.lat.between(extent.min_lat, extent.max_lat),
            in_promises(promise_ids),
            visibility_filter(user, Activity.visibility, Activity.author_id),
        )
        .group_by(ActivityType.kind, gx, gy)
    )
    return [tuple(row) for row in rows]


def _regroup(
    counts: list[tuple], grid: Grid, size: int, window: tuple[int, int, int, int] | None
) -> list[Cell]:
    """Fine cells merged `size` x `size` into coarser ones, optionally kept to a window of
    fine-cell indexes (x0, y0, x1, y1), both ends included."""
    merged: dict[tuple[str, int, int], int] = {}
    for kind, x, y, n in counts:
        if window and not (window[0] <= x <= window[2] and window[1] <= y <= window[3]):
            continue
        key = (kind, x // size, y // size)
        merged[key] = merged.get(key, 0) + n
    return [
        Cell(*grid.centre(x, y, size), count=n, kind=kind) for (kind, x, y), n in merged.items()
    ]


# Fallbacks when an area row is missing: around Stortorget.
_CENTRUM = Extent(13.138, 59.8341, 13.150, 59.8391)
_KOMMUN = Extent(12.58, 59.65, 13.39, 60.13)


def map_layers(period: Period, promise_ids: list[int], user: User) -> list[MapLayer]:
    """Two maps: the whole municipality, and a close-up of Sunne centrum.

    One grouped query per table on the close-up's fine grid; the overview merges those cells
    k x k, so 100,000 points are read once, not once per map.
    """
    areas = _areas()
    outlines = [
        (kind, area.geometry)
        for kind, area in areas.items()
        if kind in ("kommun", "tatort", "centrum")
    ]
    kommun = extent_of(areas["kommun"].geometry).scaled(1.04) if "kommun" in areas else _KOMMUN
    centrum = (extent_of(areas["centrum"].geometry) if "centrum" in areas else _CENTRUM).scaled(2.2)
    grid = _fine_grid(kommun, centrum)
    counts = _observation_counts(period, user, kommun, grid)
    counts += _activity_counts(period, promise_ids, user, kommun, grid)
    size = max(1, round((kommun.max_lon - kommun.min_lon) / CELLS_ACROSS / grid.dlon))
    x0 = math.floor((centrum.min_lon - grid.min_lon) / grid.dlon)
    y0 = math.floor((centrum.min_lat - grid.min_lat) / grid.dlat)
    x1 = math.floor((centrum.max_lon - grid.min_lon) / grid.dlon)
    y1 = math.floor((centrum.max_lat - grid.min_lat) / grid.dlat)
    return [
        MapLayer("kommun", kommun, outlines, _regroup(counts, grid, size, None)),
        MapLayer("centrum", centrum, outlines, _regroup(counts, grid, 1, (x0, y0, x1, y1))),
    ]
