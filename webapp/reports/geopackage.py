"""Exports as GeoPackage in SWEREF 99 TM (EPSG:3006), the grid Swedish municipal GIS works in.

GeoPackage (OGC 12-128) is QGIS's own format: one SQLite file that names its CRS, so QGIS and
GDAL open the layers as EPSG:3006 points with no dialog or sidecar file, beside the RFC 7946
GeoJSON (WGS 84 only) and the CSVs. GDAL writes it, through pyogrio (its wheel bundles GDAL and
the PROJ database, so this works offline): this module is the only pyogrio importer.

Every record is a row, also one without a position (null geometry), so the table is the whole
export; patrols' walked routes go into a second layer of lines.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw

from webapp.geo.projection import SWEREF99TM, to_sweref99tm

Record = dict[str, Any]
ROUTE_COLUMNS = ("id", "activity_type", "started_at_local", "ended_at_local", "length_m")


def _point_wkb(easting: float, northing: float) -> bytes:
    # WKB: little-endian (1), type 1 = Point, x, y.
    return struct.pack("<BIdd", 1, 1, easting, northing)


def _line_wkb(points: list[tuple[float, float]]) -> bytes:
    coordinates = b"".join(struct.pack("<dd", x, y) for x, y in points)
    return struct.pack("<BII", 1, 2, len(points)) + coordinates


def _column(values: list[Any]) -> tuple[np.ndarray, np.ndarray | None]:
    """One typed column and its null mask: booleans and whole numbers as integers, other
    numbers as reals, everything else as text (never guessed from the first row only)."""
    present = [v for v in values if v is not None]
    mask = np.array([v is None for v in values]) if len(present) < len(values) else None
    if present and all(isinstance(v, bool) for v in present):
        return np.array([int(bool(v)) for v in values], dtype=np.int32), mask
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return np.array([v or 0 for v in values], dtype=np.int64), mask
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return np.array([np.nan if v is None else float(v) for v in values]), None
    return np.array([None if v is None else str(v) for v in values], dtype=object), None


def _write_layer(
    target: Path,
    layer: str,
    geometry_type: str,
    columns: tuple[str, ...],
    rows: list[Record],
    geometries: list[bytes | None],
    *,
    append: bool,
) -> None:
    typed = [_column([row.get(c) for row in rows]) for c in columns]
    pyogrio.raw.write(
        target,
        np.array(geometries, dtype=object),
        [values for values, _mask in typed],
        list(columns),
        field_mask=[mask for _values, mask in typed],
        layer=layer,
        driver="GPKG",
        geometry_type=geometry_type,
        crs=SWEREF99TM,
        append=append,
    )


def _routes(records: list[Record]) -> tuple[list[Record], list[bytes | None]]:
    rows, lines = [], []
    for record in records:
        route = record.get("_route")
        coordinates = (route or {}).get("coordinates") or ()
        if not route or route.get("type") != "LineString" or len(coordinates) < 2:
            continue
        eastings, northings = to_sweref99tm(
            [c[0] for c in coordinates], [c[1] for c in coordinates]
        )
        rows.append(record)
        lines.append(
            _line_wkb(
                [(round(e, 2), round(n, 2)) for e, n in zip(eastings, northings, strict=True)]
            )
        )
    return rows, lines


def render_geopackage(name: str, columns: tuple[str, ...], chunks: Iterable[list[Record]]) -> bytes:
    """The export as a GeoPackage: layer `name` of points, plus `patrol_routes` for activities."""
    records = [record for chunk in chunks for record in chunk]
    points = [
        None
        if record.get("e_sweref99tm") is None
        else _point_wkb(record["e_sweref99tm"], record["n_sweref99tm"])
        for record in records
    ]
    # A file, not memory: GDAL adds a second layer to a GeoPackage only on a real file.
    with tempfile.TemporaryDirectory(prefix="trygg-gpkg-") as folder:
        target = Path(folder) / f"{name}.gpkg"
        _write_layer(target, name, "Point", columns, records, points, append=False)
        if name == "activities":
            rows, lines = _routes(records)
            if rows:
                _write_layer(
                    target, "patrol_routes", "LineString", ROUTE_COLUMNS, rows, lines, append=True
                )
        return target.read_bytes()
