"""Server-side clusters for the coordinator's map: counts per grid cell, computed in SQL.

The grid is web mercator aligned with the map's own tiles (webapp/geo/tiles.py): every
observation stores integers `mx, my` and its local `week`, so a cell at zoom z is
`mx // cell_divisor(z)`, the same on SQLite and PostgreSQL, with no PostGIS. A request names the
zoom and a rectangle of slippy-map tiles; the browser caches answers per tile and asks only for
the tiles that came into view. The answer's size is bounded by the tile count, never by how many
records are stored (NOTES of issue 18: measured at 1,000,000 rows, 76 KB the largest).

Access: every query carries the viewer's visibility filter (what can_read checks, the same as
the lists), so a count never includes a record the viewer may not read; an answer that counts
police records is audited like a list of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    Integer,
    String,
    case,
    func,
    literal,
    literal_column,
    or_,
    type_coerce,
    union_all,
)
from werkzeug.datastructures import MultiDict

from webapp.auth.models import User
from webapp.core.access import readable_visibilities, visibility_filter
from webapp.core.errors import ApiProblem
from webapp.extensions import db
from webapp.geo.tiles import (
    CELL_PX,
    cell_divisor,
    local_week,
    tile_divisor,
    units_to_latlon,
    z_range,
)
from webapp.map.cells import MAX_LEVEL, MIN_LEVEL, MapCell, MapCellDelta
from webapp.map.geojson import VISIBILITIES, Filters, _apply_filters
from webapp.observations.models import Category, Observation

MIN_ZOOM, MAX_ZOOM = 3, 22
MAX_TILES = 64  # 1366x900 at any zoom spans <= 7 x 5 tiles (+1 each side while panning)
POINT_MAX_PER_CELL = 5  # a cell with at most this many records shows them one by one...
POINT_BUDGET = 1000  # ...as long as the answer holds at most this many (~50 KB)
SHORT_PERIOD = timedelta(weeks=8)
Z_SPANS_PER_QUERY = 400


@dataclass(frozen=True)
class TileRange:
    zoom: int
    x0: int
    y0: int
    x1: int  # inclusive
    y1: int

    @property
    def units(self) -> tuple[int, int, int, int]:
        """(mx0, mx1, my0, my1), inclusive, of the whole range."""
        d = tile_divisor(self.zoom)
        return self.x0 * d, (self.x1 + 1) * d - 1, self.y0 * d, (self.y1 + 1) * d - 1


def _whole(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        return None
    return int(value)


def parse_tiles(args: MultiDict) -> TileRange:
    """`zoom=14&tiles=x0,y0,x1,y1`: slippy-map tile numbers at that zoom, both ends included.

    Tiles, not a bbox: answers then line up with the browser's cache, and the server bounds the
    work (MAX_TILES) whatever the caller sends. Anything else is a 422 naming the parameter.
    """
    errors: dict[str, str] = {}
    zoom = _whole(args.get("zoom"))
    if zoom is None or not MIN_ZOOM <= zoom <= MAX_ZOOM:
        errors["zoom"] = _("Must be a whole number from %(low)s to %(high)s.", low=MIN_ZOOM,
                           high=MAX_ZOOM)  # fmt: skip
        raise ApiProblem("validation_failed", fields=errors)
    parts = [_whole(p) for p in (args.get("tiles") or "").split(",")]
    if len(parts) != 4 or any(p is None for p in parts):
        raise ApiProblem("validation_failed", fields={"tiles": _("Use tiles=x0,y0,x1,y1.")})
    x0, y0, x1, y1 = (int(p) for p in parts)  # type: ignore[arg-type]
    n = 2**zoom
    if not (x0 <= x1 < n and y0 <= y1 < n):
        errors["tiles"] = _("The tiles are outside the map.")
    elif (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES:
        errors["tiles"] = _("Ask for at most %(num)s tiles at a time.", num=MAX_TILES)
    if args.get("bbox"):
        errors["bbox"] = _("Use tiles= on this endpoint.")
    if errors:
        raise ApiProblem("validation_failed", fields=errors)
    return TileRange(zoom, x0, y0, x1, y1)


def _with_weeks(query, filters: Filters):  # type: ignore[no-untyped-def]
    """The week range beside observed_at, so the planner can take the week-first index.

    The weeks holding the ends are a superset of [since, until); observed_at decides exactly.
    """
    if filters.since:
        query = query.where(Observation.week >= local_week(filters.since))
    if filters.until:
        query = query.where(Observation.week <= local_week(filters.until))
    return query


def _viewer_may_read(user: User) -> Any:
    """The lists' visibility filter (what can_read checks), kept out of SQLite's index choice.

    Otherwise SQLite answers "visibility IN (..) OR author_id = me" with two single-column
    indexes and a table lookup per row (a MULTI-INDEX OR); the covering cell indexes hold both
    columns, so the filter costs nothing there. "+column" is SQLite's documented way.
    """
    if db.engine.dialect.name != "sqlite":
        return visibility_filter(user, Observation.visibility, Observation.author_id)
    visibility = type_coerce(literal_column("+observations.visibility"), String)
    author = type_coerce(literal_column("+observations.author_id"), Integer)
    return visibility_filter(user, visibility, author)


def cluster_view(filters: Filters, tiles: TileRange, user: User) -> tuple[dict[str, Any], int]:
    """The answer for `tiles` at their zoom, and how many police records it counts (the audit).

    One grouped query, one CASE sum per category (the categories are rows, read first: grouping
    by cell *and* category cost up to 1.8x the CPU at 1M rows on SQLite): over the stored
    roll-up (cells.py) where the filters allow it, else over the records' covering index. A
    second, small query fetches the records of cells holding at most POINT_MAX_PER_CELL.
    """
    d = cell_divisor(tiles.zoom)
    codes = filters.categories or list(
        db.session.scalars(db.select(Category.code).order_by(Category.sort_order, Category.code))
    )
    query = (
        _stored_query(filters, tiles, user, codes)
        if _stored_answers(filters, tiles)
        else _records_query(filters, tiles, user, codes)
    )
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    police = 0
    for row in db.session.execute(query):
        # float(): PostgreSQL sums BIGINT to NUMERIC (a Decimal in Python).
        cells[(row.cx, row.cy)] = {
            "n": int(row.n), "sx": float(row.sx), "sy": float(row.sy),
            "mix": [int(v) for v in row[6:]],
        }  # fmt: skip
        police += int(row.police)

    small = {key for key, c in cells.items() if c["n"] <= POINT_MAX_PER_CELL}
    if sum(cells[k]["n"] for k in small) > POINT_BUDGET:
        small = set()  # a sparse, wide view: circles with a 1 stay circles
    points = _points(filters, user, d, small, codes) if small else []

    out_cells = []
    for (x, y), c in cells.items():
        if (x, y) in small:
            continue
        lat, lon = units_to_latlon(c["sx"] / c["n"], c["sy"] / c["n"])
        # Rows, not objects: [x, y, lat, lon, count, [count per category]] (~70 bytes).
        out_cells.append([x, y, round(lat, 6), round(lon, 6), c["n"], c["mix"]])
    body = {
        "zoom": tiles.zoom,
        "cell_px": CELL_PX,
        "tiles": [tiles.x0, tiles.y0, tiles.x1, tiles.y1],
        "total": sum(c["n"] for c in cells.values()),
        "max_cell": max((c["n"] for c in cells.values()), default=0),  # the heat map's scale
        "categories": codes,  # the order of the counts in "cells" and indexes in "points"
        "cells": out_cells,
        # [id, lat, lon, category index, status, x, y]: no user text; a popup fetches the note
        # from GET /api/v1/observations/<id>, which checks and audits that one read.
        "points": points,
    }
    return body, police


def _stored_answers(filters: Filters, tiles: TileRange) -> bool:
    """Whether the roll-up can answer: it keeps cell, visibility, category and status only."""
    return tiles.zoom <= MAX_LEVEL and not (
        filters.since or filters.until or filters.mine or filters.activity_type_id
        or filters.promise_id
    )  # fmt: skip


def _counted(rows: Any, codes: list[str]) -> Any:
    """cx, cy, n, sx, sy, police, one count per category: the columns cluster_view reads.

    HAVING n > 0: a cell whose records were all deleted or moved keeps rows of 0 in the roll-up.
    """
    return (
        db.select(
            rows.c.cx,
            rows.c.cy,
            func.sum(rows.c.n).label("n"),
            func.sum(rows.c.sx).label("sx"),
            func.sum(rows.c.sy).label("sy"),
            func.sum(case((rows.c.visibility == "police", rows.c.n), else_=0)).label("police"),
            *[
                func.sum(case((rows.c.category_code == code, rows.c.n), else_=0)).label(f"c{i}")
                for i, code in enumerate(codes)
            ],
        )
        .group_by(rows.c.cx, rows.c.cy)
        .having(func.sum(rows.c.n) > 0)
    )


def _records_in(tiles: TileRange) -> Any:
    """Each record in the tiles as a row of _counted's input (a count of 1 at its cell)."""
    d = cell_divisor(tiles.zoom)
    mx0, mx1, my0, my1 = tiles.units
    # Integer // integer renders as "/" on both databases: floor division of non-negative ints.
    return db.select(
        (Observation.mx // literal(d, Integer)).label("cx"),
        (Observation.my // literal(d, Integer)).label("cy"),
        literal(1, Integer).label("n"),
        Observation.mx.label("sx"),
        Observation.my.label("sy"),
        Observation.visibility,
        Observation.category_code,
    ).where(Observation.mx.between(mx0, mx1), Observation.my.between(my0, my1))


def _records_query(filters: Filters, tiles: TileRange, user: User, codes: list[str]) -> Any:
    """Cells counted from the records themselves (a period, "mine", an activity, zoom > 17)."""
    rows = _records_in(tiles).where(_viewer_may_read(user))
    # The GeoJSON API's own filters, so list and map can never disagree; the tiles replace bbox.
    rows = _with_weeks(_apply_filters(rows, replace(filters, bbox=None), user), filters)
    return _counted(rows.subquery(), codes)


def _stored_query(filters: Filters, tiles: TileRange, user: User, codes: list[str]) -> Any:
    """Cells from map_cells at the view's level, plus the deltas not folded in yet, plus (for a
    role that does not read every visibility) the viewer's own records it could not otherwise
    read: exactly what _records_query counts, read from a few hundred rows per cell."""
    d = cell_divisor(tiles.zoom)
    level = max(tiles.zoom, MIN_LEVEL)
    div = cell_divisor(level)
    per_view_cell = d // div  # level cells along one side of a view cell
    mx0, mx1, my0, my1 = tiles.units
    allowed = sorted(v.value for v in readable_visibilities(user))
    stored = db.select(
        (MapCell.cx // literal(per_view_cell, Integer)).label("cx"),
        (MapCell.cy // literal(per_view_cell, Integer)).label("cy"),
        MapCell.n, MapCell.sx, MapCell.sy, MapCell.visibility, MapCell.category_code,
    ).where(
        MapCell.level == level,
        MapCell.cx.between(mx0 // div, mx1 // div),
        MapCell.cy.between(my0 // div, my1 // div),
        MapCell.visibility.in_(allowed),
    )  # fmt: skip
    pending = db.select(
        (MapCellDelta.mx // literal(d, Integer)).label("cx"),
        (MapCellDelta.my // literal(d, Integer)).label("cy"),
        MapCellDelta.n,
        (MapCellDelta.n * MapCellDelta.mx).label("sx"),
        (MapCellDelta.n * MapCellDelta.my).label("sy"),
        MapCellDelta.visibility, MapCellDelta.category_code,
    ).where(
        MapCellDelta.mx.between(mx0, mx1),
        MapCellDelta.my.between(my0, my1),
        MapCellDelta.visibility.in_(allowed),
    )  # fmt: skip
    parts = [_same_filters(stored, MapCell, filters), _same_filters(pending, MapCellDelta, filters)]
    if set(allowed) != set(VISIBILITIES):
        own = _records_in(tiles).where(
            Observation.author_id == user.id, Observation.visibility.not_in(allowed)
        )
        parts.append(_same_filters(own, Observation, filters))
    return _counted(union_all(*parts).subquery(), codes)


def _same_filters(query: Any, table: Any, filters: Filters) -> Any:
    """The filters the roll-up keeps (category, status, visibility), on any of its sources."""
    if filters.categories:
        query = query.where(table.category_code.in_(filters.categories))
    if filters.statuses:
        query = query.where(table.status.in_(filters.statuses))
    if filters.visibility:
        query = query.where(table.visibility == filters.visibility)
    return query


def _points(
    filters: Filters, user: User, d: int, small: set[tuple[int, int]], codes: list[str]
) -> list[list]:
    index = {code: i for i, code in enumerate(codes)}
    rows: list = []
    spans = _z_spans(small, d)
    # At most Z_SPANS_PER_QUERY ranges a statement: SQLite parses "a OR b OR ..." as a tree no
    # deeper than 1,000.
    for at in range(0, len(spans), Z_SPANS_PER_QUERY):
        rows.extend(_points_in(filters, user, spans[at : at + Z_SPANS_PER_QUERY]))
    rows.sort(key=lambda r: r.id)
    return [
        [
            r.id,
            round(r.lat, 6),
            round(r.lon, 6),
            index.get(r.category_code, -1),
            r.status,
            r.mx // d,
            r.my // d,
        ]  # fmt: skip
        for r in rows[:POINT_BUDGET]
    ]


def _z_spans(small: set[tuple[int, int]], d: int) -> list[tuple[int, int]]:
    """The cells' z-order ranges, neighbours in z-order merged into one."""
    spans: list[tuple[int, int]] = []
    for low, high in sorted(z_range(x, y, d) for x, y in small):
        if spans and spans[-1][1] + 1 == low:
            spans[-1] = (spans[-1][0], high)
        else:
            spans.append((low, high))
    return spans


def _points_in(filters: Filters, user: User, spans: list[tuple[int, int]]) -> list:
    # Each cell is one range of ix_observations_zcode: a seek and the cell's few records.
    ranges = or_(*(Observation.zcode.between(low, high) for low, high in spans))
    query = (
        db.select(
            Observation.id,
            Observation.lat,
            Observation.lon,
            Observation.category_code,
            Observation.status,
            Observation.mx,
            Observation.my,
        )  # fmt: skip
        .where(ranges)
        .where(_viewer_may_read(user))
        # No ORDER BY (the caller sorts): with one, SQLite may walk the primary key in order
        # and test every row (0.22 s for 500 points at 100,000 rows instead of 0.01 s).
        .limit(POINT_BUDGET)
    )
    # A long period kept out of SQLite's index choice ("+column", SQLite's documented way):
    # otherwise it takes the observed_at index for a few points (2.3 s measured at 1M rows).
    # A short period (a slider frame) is the better index, so it keeps it.
    short = filters.since and filters.until and filters.until - filters.since <= SHORT_PERIOD
    when: Any = Observation.observed_at
    if not short and db.engine.dialect.name == "sqlite":
        when = type_coerce(literal_column("+observations.observed_at"), when.type)
    if filters.since:
        query = query.where(when >= filters.since)
    if filters.until:
        query = query.where(when < filters.until)
    query = _apply_filters(query, replace(filters, bbox=None, since=None, until=None), user)
    return list(db.session.execute(query))
