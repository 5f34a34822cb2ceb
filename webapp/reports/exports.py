"""Exports for GIS and spreadsheets: observations and activities as CSV, GeoJSON (RFC 7946,
WGS 84) and GeoPackage (SWEREF 99 TM, EPSG:3006; geopackage.py).

Rows are read as plain column tuples in chunks and projected to SWEREF 99 TM a chunk at a time,
so a year of 100,000 observations streams out without building 100,000 ORM objects.

CSV comes in two dialects:
- "excel" (default): what Swedish Excel opens with a double click: UTF-8 with a byte order mark
  (without it Excel reads åäö as Latin-1), `;` between fields (Swedish Excel's list separator,
  since the comma is the decimal sign) and decimal commas, CRLF line ends.
- "gis": plain RFC 4180 for QGIS, GDAL and scripts: `,` between fields, decimal points, no BOM.
Both neutralise cells that a spreadsheet would run as a formula (OWASP "CSV injection").
The "gis" dialect, GeoJSON and GeoPackage keep stable column codes and raw values ("new",
"police", 1/0): scripts and GIS projects refer to them. The "excel" dialect is for people: its
header row is column names in the reader's language (labels.EXPORT_HEADERS) and statuses,
visibilities, kinds and yes/no show as the app's labels; ids and numbers stay as they are.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Select

from webapp.activities.kinds import registry
from webapp.activities.kinds.andt import AGE_BANDS
from webapp.activities.models import Activity, ActivityType
from webapp.auth.models import User
from webapp.core import labels
from webapp.core.access import visibility_filter
from webapp.core.spreadsheet import neutralise
from webapp.extensions import db
from webapp.geo.projection import to_sweref99tm
from webapp.observations.models import Category, Observation
from webapp.reports.activities import in_promises
from webapp.reports.geopackage import render_geopackage
from webapp.reports.labels import EXPORT_HEADERS, kind_label
from webapp.reports.period import LOCAL_ZONE, Period

CHUNK = 2000
DIALECTS = ("excel", "gis")

Record = dict[str, Any]


@dataclass(frozen=True)
class Dataset:
    name: str  # "observations" or "activities"
    columns: tuple[str, ...]
    query: Select
    to_record: Callable[[Any], Record]
    geometry: Callable[[Any], dict | None]


# ---- observations -------------------------------------------------------------------------

OBSERVATION_COLUMNS = (
    "id",
    "observed_at_utc",
    "observed_at_local",
    "category",
    "category_label",
    "status",
    "visibility",
    "rating",
    "note",
    "accuracy_m",
    "manual_position",
    "activity_id",
    "walk_id",
    "measure_id",
    "lat",
    "lon",
    "e_sweref99tm",
    "n_sweref99tm",
)


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M:%S") if moment else None


def _utc(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _readable_in_order(
    query: Select, period: Period, user: User, model: Any, at: Any, *conditions: Any
) -> Select:
    """The rows of `model` timed `at` in the period that `user` may read, oldest first."""
    return query.where(
        period.covers(at),
        *conditions,
        visibility_filter(user, model.visibility, model.author_id),
    ).order_by(at, model.id)


def _observations(period: Period, user: User) -> Dataset:
    english = str(get_locale() or "sv").startswith("en")
    query = db.select(
        Observation.id,
        Observation.observed_at,
        Observation.category_code,
        Category.label_en if english else Category.label_sv,
        Observation.status,
        Observation.visibility,
        Observation.rating,
        Observation.note,
        Observation.accuracy_m,
        Observation.manual_position,
        Observation.activity_id,
        Observation.walk_id,
        Observation.measure_id,
        Observation.lat,
        Observation.lon,
    ).join(Category, Category.code == Observation.category_code)
    query = _readable_in_order(query, period, user, Observation, Observation.observed_at)

    def to_record(row: Any) -> Record:
        values = dict(
            zip(OBSERVATION_COLUMNS[:3], (row[0], _utc(row[1]), _local(row[1])), strict=True)
        )
        values.update(zip(OBSERVATION_COLUMNS[3:16], row[2:15], strict=True))
        return values

    return Dataset("observations", OBSERVATION_COLUMNS, query, to_record, _point)


def _point(record: Record) -> dict | None:
    if record.get("lat") is None or record.get("lon") is None:
        return None
    return {"type": "Point", "coordinates": [round(record["lon"], 7), round(record["lat"], 7)]}


# ---- activities ---------------------------------------------------------------------------

ACTIVITY_COLUMNS = (
    "id",
    "activity_type",
    "activity_name",
    "kind",
    "started_at_utc",
    "started_at_local",
    "ended_at_local",
    "duration_h",
    "auto_closed",
    "visibility",
    "place",
    "note",
    "business_name",
    "outside_tatort",
    "length_m",
    *(f"reached_{band}" for band in AGE_BANDS),
    "reached_total",
    "cases_discussed",
    "lat",
    "lon",
    "e_sweref99tm",
    "n_sweref99tm",
)


def _activities(period: Period, user: User, promise_ids: list[int]) -> Dataset:
    query = db.select(
        Activity.id,
        ActivityType.code,
        ActivityType.name,
        ActivityType.kind,
        Activity.started_at,
        Activity.ended_at,
        Activity.auto_closed,
        Activity.visibility,
        Activity.place,
        Activity.note,
        Activity.details,
        Activity.outside_tatort,
        Activity.length_m,
        Activity.lat,
        Activity.lon,
        Activity.route,
    ).join(ActivityType, ActivityType.id == Activity.activity_type_id)
    query = _readable_in_order(
        query, period, user, Activity, Activity.started_at, in_promises(promise_ids)
    )
    return Dataset("activities", ACTIVITY_COLUMNS, query, _activity_record, _activity_geometry)


def _activity_record(row: Any) -> Record:
    details = row.details or {}
    reached = details.get("reached") or {}
    duration = (row.ended_at - row.started_at).total_seconds() / 3600 if row.ended_at else None
    record: Record = {
        "id": row.id,
        "activity_type": row.code,
        "activity_name": row.name,
        "kind": row.kind,
        "started_at_utc": _utc(row.started_at),
        "started_at_local": _local(row.started_at),
        "ended_at_local": _local(row.ended_at),
        "duration_h": None if duration is None else round(duration, 3),
        "auto_closed": row.auto_closed,
        "visibility": row.visibility,
        "place": row.place,
        "note": row.note,
        "business_name": details.get("business_name"),
        "outside_tatort": row.outside_tatort,
        "length_m": None if row.length_m is None else round(row.length_m, 1),
        "reached_total": sum(reached.values()) if row.kind == "andt" else None,
        "cases_discussed": details.get("cases_discussed"),
        "lat": row.lat,
        "lon": row.lon,
        "_route": row.route if row.kind == "patrol" else None,
    }
    for band in AGE_BANDS:
        record[f"reached_{band}"] = reached.get(band) if row.kind == "andt" else None
    return record


def _activity_geometry(record: Record) -> dict | None:
    """A patrol's walked route, else the position; None when the entry has neither."""
    route = record.get("_route")
    if route and route.get("type") == "LineString" and len(route.get("coordinates") or ()) >= 2:
        return {
            "type": "LineString",
            "coordinates": [[round(x, 7), round(y, 7)] for x, y, *_ in route["coordinates"]],
        }
    return _point(record)


def dataset(name: str, period: Period, user: User, promise_ids: list[int] | None = None) -> Dataset:
    if name == "observations":
        return _observations(period, user)
    return _activities(period, user, promise_ids or [])


# ---- reading ------------------------------------------------------------------------------


@dataclass
class Tally:
    """What an export held, for its audit entry."""

    rows: int = 0
    police: int = 0


def records(data: Dataset, tally: Tally | None = None) -> Iterator[list[Record]]:
    """Chunks of records, each record with its SWEREF 99 TM easting and northing."""
    tally = tally if tally is not None else Tally()
    result = db.session.execute(data.query.execution_options(yield_per=CHUNK))
    for rows in result.partitions():
        chunk = [data.to_record(row) for row in rows]
        tally.rows += len(chunk)
        tally.police += sum(1 for record in chunk if record["visibility"] == "police")
        placed = [r for r in chunk if r.get("lat") is not None and r.get("lon") is not None]
        eastings, northings = to_sweref99tm([r["lon"] for r in placed], [r["lat"] for r in placed])
        for record, easting, northing in zip(placed, eastings, northings, strict=True):
            record["e_sweref99tm"], record["n_sweref99tm"] = round(easting, 2), round(northing, 2)
            # 7 decimals of a degree is about a centimetre: more is noise, not precision.
            record["lat"], record["lon"] = round(record["lat"], 7), round(record["lon"], 7)
        yield chunk


# ---- writing ------------------------------------------------------------------------------


# Free text typed by people: the only cells that can start with "=" and the like.
TEXT_COLUMNS = frozenset({"note", "place", "business_name", "activity_name", "category_label"})


def _text(value: Any) -> str:
    if value is None:
        return ""
    return neutralise(str(value))


def _plain(value: Any, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "1" if value else "0"
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "n" in text:  # 1e-05, inf, nan: never scientific in a spreadsheet
            text = f"{value:.6f}"
        return text.replace(".", ",") if decimal_comma else text
    return str(value)


def _formatters(columns: tuple[str, ...], dialect: str) -> list[Callable[[Any], str]]:
    if dialect != "excel":
        return [
            _text if column in TEXT_COLUMNS else (lambda value: _plain(value, False))
            for column in columns
        ]
    # Translated once per export, not once per cell: a year is 100,000 rows.
    yes, no = _("Yes"), _("No")
    coded = {
        "status": _translated(labels.REVIEW_STATUS),
        "visibility": _translated(labels.VISIBILITY),
        "kind": {code: kind_label(code) for code in registry()},
    }

    def cell(value: Any) -> str:
        if value is True or value is False:
            return yes if value else no
        return _plain(value, True)

    def label_of(table: dict[str, str]) -> Callable[[Any], str]:
        return lambda value: "" if value is None else table.get(value, str(value))

    return [
        _text if column in TEXT_COLUMNS else label_of(coded[column]) if column in coded else cell
        for column in columns
    ]


def _translated(table: dict[str, Any]) -> dict[str, str]:
    return {code: str(text) for code, text in table.items()}


def _header(columns: tuple[str, ...], dialect: str) -> list[str]:
    if dialect != "excel":
        return list(columns)
    return [str(EXPORT_HEADERS[column]) for column in columns]


def csv_chunks(
    data: Dataset, chunks: Iterable[list[Record]], dialect: str = "excel"
) -> Iterator[str]:
    buffer = io.StringIO()
    if dialect == "excel":
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        buffer.write("\ufeff")
    else:
        writer = csv.writer(buffer, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_header(data.columns, dialect))
    pairs = list(zip(data.columns, _formatters(data.columns, dialect), strict=True))
    for chunk in chunks:
        for record in chunk:
            writer.writerow([f(record.get(c)) for c, f in pairs])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def geojson_chunks(data: Dataset, chunks: Iterable[list[Record]]) -> Iterator[str]:
    """RFC 7946: WGS84 longitude/latitude, no "crs" member; entries without a place are left out."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for chunk in chunks:
        parts = []
        for record in chunk:
            geometry = data.geometry(record)
            if geometry is None:
                continue
            properties = {k: record.get(k) for k in data.columns if k not in ("lat", "lon")}
            feature = {
                "type": "Feature",
                "id": record["id"],
                "geometry": geometry,
                "properties": properties,
            }
            parts.append(json.dumps(feature, ensure_ascii=False))
        if parts:
            yield ("" if first else ",") + ",".join(parts)
            first = False
    yield "]}"


def render(data: Dataset, fmt: str, dialect: str = "excel") -> tuple[list[str] | bytes, Tally]:
    """The whole export as text chunks (a GeoPackage: bytes), read in one go.

    Built before the response rather than streamed from the database: a download then never
    holds a database transaction open for as long as a slow client takes (on SQLite, whose
    transactions here begin IMMEDIATE, that would block every writer).
    """
    tally = Tally()
    chunks = records(data, tally)
    if fmt == "gpkg":
        return render_geopackage(data.name, data.columns, chunks), tally
    body = csv_chunks(data, chunks, dialect) if fmt == "csv" else geojson_chunks(data, chunks)
    return list(body), tally
