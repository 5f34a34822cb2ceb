"""Which areas each observation lies in, stored, so trends per area need no geometry at read time.

Joining observations to areas by point-in-polygon per request is far too slow at 1,000,000 rows,
and even a plain (area, observation) link table joined back to observations took seconds
(/work/scratch/issue18 NOTES §4). So the membership rows carry copies of the columns the trends
filter and group on (local week, category, visibility, status, author, time): a trend is then an
index-only range scan of `ix_observation_areas_trend`.

Beside one row per area an observation lies in, an observation in the municipality (an area of
kind "kommun") but in no town (kind "tatort") has one more row under RURAL_AREA_ID (0, never an
area's id): "Landsbygd" of the trends is then read like any area, not by an anti-join at query
time. So that this row can exist, `area_id` has no foreign key to areas.

The rows are kept right by mapper events in the same transaction as the change:
- an observation inserted or changed (position, time, category, visibility, status, author):
  its rows are rewritten;
- an area inserted or its outline changed: that area's rows are rebuilt (candidates from the
  area's bounding box, then point in polygon in Python); an area deleted: its rows are deleted;
  when the area is (or was) a municipality or a town, the rural rows are rebuilt from the stored
  membership (one INSERT ... SELECT);
- deleting an observation cascades through the foreign key (SQLite runs with foreign_keys = ON).
Core bulk inserts bypass the events; they call `rows_for()` and insert the rows themselves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    and_,
    column,
    event,
    exists,
    func,
    inspect,
    literal,
    text,
)
from sqlalchemy.engine import Connection

from webapp.core.dbtypes import UTCDateTime
from webapp.core.localtime import DEFAULT_ZONE
from webapp.extensions import db
from webapp.geo import point_in_geometry
from webapp.geo.areas import Area
from webapp.observations.models import Observation

# Monday 1970-01-05: week 0. A week is a local (Europe/Stockholm) Monday-to-Sunday week.
EPOCH_MONDAY = date(1970, 1, 5)
TIMEZONE = DEFAULT_ZONE

observation_areas = db.Table(
    "observation_areas",
    db.metadata,
    Column(
        "observation_id",
        String(36),
        ForeignKey("observations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # An area's id, or RURAL_AREA_ID (see the module docstring): no foreign key.
    Column("area_id", Integer, primary_key=True, autoincrement=False),
    # Copies of the observation's columns (see the module docstring).
    Column("week", Integer, nullable=False),
    Column("observed_at", UTCDateTime, nullable=False),
    Column("category_code", String(40), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("author_id", Integer, nullable=False),
    Index(
        "ix_observation_areas_trend",
        "area_id",
        "week",
        "category_code",
        "visibility",
        "status",
        "author_id",
        "observed_at",
    ),
)

# The membership row of "in the municipality, in no town" (no area has id 0).
RURAL_AREA_ID = 0
MUNICIPALITY_KIND = "kommun"
TOWN_KIND = "tatort"
RURAL_KINDS = frozenset({MUNICIPALITY_KIND, TOWN_KIND})

# The observation columns the copies and the membership depend on.
TRACKED = ("lat", "lon", "observed_at", "category_code", "visibility", "status", "author_id")


def week_index(moment: datetime, tz: str = TIMEZONE) -> int:
    """The local week `moment` falls in, counted from Monday 1970-01-05."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local_day = moment.astimezone(ZoneInfo(tz)).date()
    return (local_day - EPOCH_MONDAY).days // 7


def week_start(week: int) -> date:
    return EPOCH_MONDAY + timedelta(days=7 * week)


def _bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    coordinates = geometry["coordinates"]
    polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    lons = [p[0] for polygon in polygons for ring in polygon for p in ring]
    lats = [p[1] for polygon in polygons for ring in polygon for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


# (id, bounding box, geometry, kind) of an area
Shape = tuple[int, tuple[float, float, float, float], dict[str, Any], str]


def _contains(shape: Shape, lon: float, lat: float) -> bool:
    _, (min_lon, min_lat, max_lon, max_lat), geometry, _kind = shape
    if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
        return False
    try:
        return point_in_geometry(lon, lat, geometry)
    except (ValueError, KeyError, TypeError, IndexError):
        return False  # an outline that is not a polygon holds nothing


def _load_shapes(connection: Connection) -> list[Shape]:
    shapes = []
    for area_id, geometry, kind in connection.execute(db.select(Area.id, Area.geometry, Area.kind)):
        try:
            shapes.append((area_id, _bbox(geometry), geometry, kind))
        except (ValueError, KeyError, TypeError, IndexError):
            continue
    return shapes


# One statement object, built once: its compiled form is found in the cache by identity of
# the SQL, without building the cache key of a fresh select() on every insert.
# The same key is read inside the PostgreSQL submit statement (observations/pg_store.py).
SHAPES_KEY = text(
    "SELECT count(id) AS areas_count, coalesce(max(id), 0) AS areas_max_id,"
    " coalesce(max(revision), 0) AS areas_max_revision FROM areas"
).columns(
    column("areas_count", Integer),
    column("areas_max_id", Integer),
    column("areas_max_revision", Integer),
)

# The outlines parsed once per process, with the (count, max revision) they were read at: a
# cache of shared data, checked against the database on every use, never node-local state.
_cache: dict[str, Any] = {"key": None, "shapes": []}


def cached_shapes() -> tuple[Any, list[Shape]]:
    """(version key, outlines) as this process last read them, without asking the database:
    for a caller that checks the key in a statement of its own (observations/pg_store.py)."""
    return _cache["key"], _cache["shapes"]


def area_shapes(connection: Connection) -> list[Shape]:
    """(id, bbox, geometry, kind) of every area; a handful of rows, parsed only when they
    changed."""
    key = tuple(connection.execute(SHAPES_KEY).one())
    if key != _cache["key"]:
        _cache["shapes"], _cache["key"] = _load_shapes(connection), key
    return _cache["shapes"]


def rows_for(values: Any, shapes: list[Shape], *, rural: bool = True) -> list[dict[str, Any]]:
    """Membership rows of one observation (an object or a row with the TRACKED columns + id):
    one per area it lies in, and with `rural` (and `shapes` all the areas) its rural row."""
    lon, lat = float(values.lon), float(values.lat)
    common = {
        "observation_id": values.id,
        "week": week_index(values.observed_at),
        "observed_at": values.observed_at,
        "category_code": values.category_code,
        "visibility": values.visibility,
        "status": values.status,
        "author_id": values.author_id,
    }
    ids = area_ids_at(lon, lat, shapes, rural=rural)
    return [{**common, "area_id": area_id} for area_id in ids]


def area_ids_at(lon: float, lat: float, shapes: list[Shape], *, rural: bool = True) -> list[int]:
    """The ids of the areas the point lies in, and with `rural` its rural "area" if it lies in
    the municipality but in no town."""
    inside = [s for s in shapes if _contains(s, lon, lat)]
    ids = [s[0] for s in inside]
    kinds = {s[3] for s in inside}
    if rural and MUNICIPALITY_KIND in kinds and TOWN_KIND not in kinds:
        ids.append(RURAL_AREA_ID)
    return ids


_INSERT_MEMBERSHIP = observation_areas.insert()  # built once: it runs with every submit


def _write(connection: Connection, target: Observation, *, replace: bool) -> None:
    if replace:
        connection.execute(
            observation_areas.delete().where(observation_areas.c.observation_id == target.id)
        )
    rows = rows_for(target, area_shapes(connection))
    if rows:
        connection.execute(_INSERT_MEMBERSHIP, rows)


def add_membership(connection: Connection, record: Any) -> None:
    """The membership rows of a new observation inserted with Core (the event below covers the
    ORM's inserts)."""
    _write(connection, record, replace=False)


def replace_membership(connection: Connection, record: Any) -> None:
    """The membership rows of `record` again, from outlines read anew if they changed."""
    _write(connection, record, replace=True)


@event.listens_for(Observation, "after_insert")
def _observation_inserted(_mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    _write(connection, target, replace=False)


@event.listens_for(Observation, "after_update")
def _observation_updated(_mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    state = inspect(target)
    if any(state.attrs[name].history.has_changes() for name in TRACKED):
        _write(connection, target, replace=True)


def rebuild_area(connection: Connection, area_id: int, geometry: dict[str, Any]) -> int:
    """Recompute the membership of one area (not the rural rows: rebuild_rural); returns how
    many observations it holds."""
    connection.execute(observation_areas.delete().where(observation_areas.c.area_id == area_id))
    try:
        shape: Shape = (area_id, _bbox(geometry), geometry, "")
    except (ValueError, KeyError, TypeError, IndexError):
        return 0
    min_lon, min_lat, max_lon, max_lat = shape[1]
    candidates = connection.execute(
        db.select(
            Observation.id,
            Observation.lat,
            Observation.lon,
            Observation.observed_at,
            Observation.category_code,
            Observation.visibility,
            Observation.status,
            Observation.author_id,
        )
        .where(Observation.lat.between(min_lat, max_lat))
        .where(Observation.lon.between(min_lon, max_lon))
    )
    total = 0
    batch: list[dict[str, Any]] = []
    for row in candidates:
        batch.extend(rows_for(row, [shape], rural=False))
        if len(batch) >= 5000:
            connection.execute(observation_areas.insert(), batch)
            total += len(batch)
            batch = []
    if batch:
        connection.execute(observation_areas.insert(), batch)
        total += len(batch)
    return total


def rebuild_rural(connection: Connection) -> None:
    """Recompute the rural rows from the stored membership: in a municipality, in no town."""
    oa = observation_areas
    town = oa.alias("town")
    kind_ids = {
        kind: db.select(Area.id).where(Area.kind == kind).scalar_subquery()
        for kind in (MUNICIPALITY_KIND, TOWN_KIND)
    }
    connection.execute(oa.delete().where(oa.c.area_id == RURAL_AREA_ID))
    copies = [oa.c[name] for name in _COPIED]
    rural = (
        db.select(oa.c.observation_id, literal(RURAL_AREA_ID), *copies)
        .where(oa.c.area_id.in_(kind_ids[MUNICIPALITY_KIND]))
        .where(
            ~exists().where(
                and_(
                    town.c.observation_id == oa.c.observation_id,
                    town.c.area_id.in_(kind_ids[TOWN_KIND]),
                )
            )
        )
        .distinct()  # an observation in two municipalities is one rural record
    )
    connection.execute(oa.insert().from_select(["observation_id", "area_id", *_COPIED], rural))


_COPIED = ("week", "observed_at", "category_code", "visibility", "status", "author_id")


def _rural_changed(*kinds: str | None) -> bool:
    return any(kind in RURAL_KINDS for kind in kinds)


def _next_revision(connection: Connection) -> int:
    return (
        int(connection.execute(db.select(func.coalesce(func.max(Area.revision), 0))).scalar()) + 1
    )


@event.listens_for(Area, "before_insert")
def _area_revision_on_insert(_mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    target.revision = _next_revision(connection)


@event.listens_for(Area, "before_update")
def _area_revision_on_update(_mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    # The kind too: the cached shapes carry it, and it decides the rural rows.
    attrs = inspect(target).attrs
    if attrs["geometry"].history.has_changes() or attrs["kind"].history.has_changes():
        target.revision = _next_revision(connection)


@event.listens_for(Area, "after_delete")
def _area_deleted(_mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    _cache["key"] = None
    connection.execute(observation_areas.delete().where(observation_areas.c.area_id == target.id))
    if _rural_changed(target.kind):
        rebuild_rural(connection)


@event.listens_for(Area, "after_insert")
def _area_inserted(_mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    _cache["key"] = None
    rebuild_area(connection, target.id, target.geometry)
    if _rural_changed(target.kind):
        rebuild_rural(connection)


@event.listens_for(Area, "after_update")
def _area_updated(_mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    attrs = inspect(target).attrs
    geometry, kind = attrs["geometry"].history, attrs["kind"].history
    if not (geometry.has_changes() or kind.has_changes()):
        return
    _cache["key"] = None
    if geometry.has_changes():
        rebuild_area(connection, target.id, target.geometry)
    if _rural_changed(target.kind, *(kind.deleted or ())):
        rebuild_rural(connection)
