"""Exports: CSV that Swedish Excel opens, CSV and GeoJSON that GDAL reads, right coordinates,
only readable records, and an audit entry for every download."""

from __future__ import annotations

import csv
import io
import json
import math
import struct
from pathlib import Path

import pyogrio
import pyogrio.raw
import pytest
from flask import Flask

from tests.reports.conftest import OCTOBER, Dataset
from tests.reports.helpers import (
    STORTORGET,
    STORTORGET_REFERENCE,
    add_activity,
    add_observation,
    local,
)
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.reports import exports
from webapp.reports.period import Period

QUERY = "from=2026-10-01&to=2026-10-31"


def gauss_kruger(lat: float, lon: float) -> tuple[float, float]:
    """WGS84 -> SWEREF 99 TM with Lantmäteriet's Gauss–Krüger formulas: a check on pyproj
    written from the published constants (GRS 80, central meridian 15° E, scale 0.9996)."""
    a, f = 6378137.0, 1 / 298.257222101
    e2, n = f * (2 - f), f / (2 - f)
    a_hat = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    big_a, big_b = e2, (5 * e2**2 - e2**3) / 6
    big_c, big_d = (104 * e2**3 - 45 * e2**4) / 120, (1237 * e2**4) / 1260
    betas = (
        n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16 + 41 * n**4 / 180,
        13 * n**2 / 48 - 3 * n**3 / 5 + 557 * n**4 / 1440,
        61 * n**3 / 240 - 103 * n**4 / 140,
        49561 * n**4 / 161280,
    )
    phi, delta = math.radians(lat), math.radians(lon - 15.0)
    s = math.sin(phi)
    phi_star = phi - s * math.cos(phi) * (big_a + big_b * s**2 + big_c * s**4 + big_d * s**6)
    xi = math.atan(math.tan(phi_star) / math.cos(delta))
    eta = math.atanh(math.cos(phi_star) * math.sin(delta))
    north = (
        0.9996
        * a_hat
        * (
            xi
            + sum(b * math.sin(2 * k * xi) * math.cosh(2 * k * eta) for k, b in enumerate(betas, 1))
        )
    )
    east = (
        0.9996
        * a_hat
        * (
            eta
            + sum(b * math.cos(2 * k * xi) * math.sinh(2 * k * eta) for k, b in enumerate(betas, 1))
        )
    )
    return east + 500_000.0, north


def point_from_wkb(wkb: bytes) -> tuple[float, float]:
    order = "<" if wkb[0] == 1 else ">"
    kind = struct.unpack(order + "I", wkb[1:5])[0]
    assert kind % 1000 == 1, kind  # a Point
    return struct.unpack(order + "dd", wkb[5:21])


def excel_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark to read UTF-8"
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


EASTING, NORTHING = "SWEREF 99 TM östlig koordinat (E)", "SWEREF 99 TM nordlig koordinat (N)"


def number(cell: str) -> float:
    return float(cell.replace(",", "."))


@pytest.fixture
def coordinator_client(as_user, dataset: Dataset):  # type: ignore[no-untyped-def]
    return as_user(dataset.coordinator)


# ---- CSV for Excel ----------------------------------------------------------------------------


def test_excel_csv_has_bom_semicolons_decimal_commas_and_swedish_letters(
    coordinator_client,
) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(f"/reports/exports/observations.csv?{QUERY}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="observations-2026-10-01'
    )
    rows = excel_rows(response.data)
    assert len(rows) == 4  # the export is the data: the duplicate is there, marked by its status
    vandalism = next(r for r in rows if r["Kategori (kod)"] == "skadegorelse")
    assert vandalism["Kategori"] == "Skadegörelse/klotter"
    # 02:30 in the second (winter-time) hour of 25 October: 01:30 UTC.
    assert (vandalism["Observerad (lokal tid)"], vandalism["Observerad (UTC)"]) == (
        "2026-10-25 02:30:00",
        "2026-10-25T01:30:00Z",
    )
    assert vandalism["Latitud (WGS 84)"] == "59,8366"
    assert vandalism["Longitud (WGS 84)"] == "13,144"


def test_csv_gives_sweref99tm_coordinates_of_stortorget(
    app: Flask, coordinator_client, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        add_observation(
            dataset.staff.id,
            local(2026, 10, 30, 12),
            category="trafik",
            position=STORTORGET_REFERENCE,
        )
        db.session.commit()
    rows = excel_rows(coordinator_client.get(f"/reports/exports/observations.csv?{QUERY}").data)
    # The reference point of FACTS.md: Stortorget at E 395 943, N 6 634 705 (59.8369 N, 13.1434 E).
    reference = next(r for r in rows if r["Kategori (kod)"] == "trafik")
    assert number(reference[EASTING]) == pytest.approx(395_943, abs=2)
    assert number(reference[NORTHING]) == pytest.approx(6_634_705, abs=2)
    # The app's map centre, 59.8366 N 13.1440 E, lies about 47 m from it (35 m south, 33 m east);
    # checked against the Gauss–Krüger formulas computed independently of pyproj, to a centimetre.
    centre = next(r for r in rows if r["Kategori (kod)"] == "belysning" and r["Status"] == "ny")
    east, north = gauss_kruger(*STORTORGET)
    assert number(centre[EASTING]) == pytest.approx(east, abs=0.01)
    assert number(centre[NORTHING]) == pytest.approx(north, abs=0.01)
    assert (round(east), round(north)) == (395_976, 6_634_671)


def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    rows = excel_rows(coordinator_client.get(f"/reports/exports/activities.csv?{QUERY}").data)
    names = {r["Företag"] for r in rows if r["Typ av registrering"] == "Företagsbesök"}
    assert '\'=HYPERLINK("x")' in names
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


def test_activities_csv_carries_hours_counts_and_flags(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    rows = excel_rows(coordinator_client.get(f"/reports/exports/activities.csv?{QUERY}").data)
    assert len(rows) == 10  # 4 patrols, 4 visits, 2 ANDT
    dst_patrol = next(r for r in rows if r["Start (lokal tid)"] == "2026-10-25 01:30:00")
    assert number(dst_patrol["Varaktighet (timmar)"]) == pytest.approx(3.0)
    auto = next(r for r in rows if r["Avslutad automatiskt"] == "Ja")
    assert number(auto["Varaktighet (timmar)"]) == pytest.approx(8.0)
    andt = [r for r in rows if r["Typ av registrering"] == "ANDT-insats"]
    assert sorted(int(r["Unga som nåddes, totalt"]) for r in andt) == [6, 9]
    visits = [r for r in rows if r["Typ av registrering"] == "Företagsbesök"]
    assert {r["Utanför tätorten"] for r in visits} == {"Ja", "Nej", ""}


def _header(data: bytes, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "sv",
            ["ID", "Observerad (UTC)", "Observerad (lokal tid)", "Kategori (kod)", "Kategori",
             "Status", "Synlighet", "Bedömning", "Anteckning", "Noggrannhet (m)",
             "Position satt för hand", "Aktivitets-id", "Trygghetsvandrings-id", "Åtgärds-id",
             "Latitud (WGS 84)", "Longitud (WGS 84)", EASTING, NORTHING],
        ),
        (
            "en",
            ["ID", "Observed (UTC)", "Observed (local time)", "Category (code)", "Category",
             "Status", "Visibility", "Rating", "Note", "Accuracy (m)", "Position set by hand",
             "Activity ID", "Safety walk ID", "Measure ID", "Latitude (WGS 84)",
             "Longitude (WGS 84)", "SWEREF 99 TM easting (E)", "SWEREF 99 TM northing (N)"],
        ),
    ],
)  # fmt: skip
def test_excel_csv_names_its_columns_in_the_readers_language(
    coordinator_client, language: str, expected: list[str]
) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(
        f"/reports/exports/observations.csv?{QUERY}", headers={"Accept-Language": language}
    )
    assert _header(response.data, ";") == expected  # same order as the codes of the GIS CSV
    activities = coordinator_client.get(
        f"/reports/exports/activities.csv?{QUERY}", headers={"Accept-Language": language}
    )
    header = _header(activities.data, ";")
    assert len(header) == len(exports.ACTIVITY_COLUMNS)
    assert ("Unga som nåddes, 15–17" if language == "sv" else "Young people reached, 15–17") in (
        header
    )
    assert not set(header) & (set(exports.ACTIVITY_COLUMNS) - {"id"})


def test_excel_csv_shows_statuses_visibilities_and_flags_as_labels(
    app: Flask, coordinator_client, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        add_observation(
            dataset.staff.id, local(2026, 10, 5, 12), visibility="municipality", status="duplicate"
        )
        db.session.commit()
    rows = excel_rows(coordinator_client.get(f"/reports/exports/observations.csv?{QUERY}").data)
    assert {r["Status"] for r in rows} >= {"ny", "dubblett"}
    assert {r["Synlighet"] for r in rows} == {"endast polisen", "endast kommunen", "delad"}
    assert {r["Position satt för hand"] for r in rows} <= {"Ja", "Nej"}
    english = excel_rows(
        coordinator_client.get(
            f"/reports/exports/observations.csv?{QUERY}", headers={"Accept-Language": "en"}
        ).data
    )
    assert {r["Visibility"] for r in english} == {"police only", "municipality only", "shared"}


def test_gis_csv_keeps_the_column_codes_and_raw_values(
    app: Flask, coordinator_client, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        add_observation(dataset.staff.id, local(2026, 10, 5, 12), visibility="municipality")
        db.session.commit()
    observations = coordinator_client.get(f"/reports/exports/observations.csv?{QUERY}&dialect=gis")
    assert _header(observations.data, ",") == list(exports.OBSERVATION_COLUMNS)
    assert exports.OBSERVATION_COLUMNS[:7] == (
        "id", "observed_at_utc", "observed_at_local", "category", "category_label", "status",
        "visibility",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(observations.data.decode(), newline="")))
    assert {r["visibility"] for r in rows} == {"police", "municipality", "shared"}
    assert "new" in {r["status"] for r in rows}
    assert {r["manual_position"] for r in rows} <= {"1", "0"}
    activities = coordinator_client.get(
        f"/reports/exports/activities.csv?{QUERY}&dialect=gis", headers={"Accept-Language": "sv"}
    )
    assert _header(activities.data, ",") == list(exports.ACTIVITY_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(activities.data.decode(), newline="")))
    assert {r["kind"] for r in rows} == {"patrol", "business_visit", "andt"}
    assert {r["auto_closed"] for r in rows} == {"1", "0"}


# ---- GIS: GDAL reads the exports ------------------------------------------------------------


def test_gis_csv_opens_in_gdal_with_points_from_lon_lat(coordinator_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(f"/reports/exports/observations.csv?{QUERY}&dialect=gis")
    assert not response.data.startswith(b"\xef\xbb\xbf")
    path = tmp_path / "observations.csv"
    path.write_bytes(response.data)
    meta, _fids, geometry, fields = pyogrio.raw.read(
        path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat", AUTODETECT_TYPE="YES"
    )
    columns = list(meta["fields"])
    assert len(geometry) == 4
    categories = list(fields[columns.index("category")])
    east = fields[columns.index("e_sweref99tm")]
    index = categories.index("skadegorelse")
    lon, lat = point_from_wkb(geometry[index])
    assert (lon, lat) == pytest.approx((13.1440, 59.8366))
    assert float(east[index]) == pytest.approx(395_975.55, abs=0.01)


def test_geojson_opens_in_gdal_as_wgs84_points(coordinator_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(f"/reports/exports/observations.geojson?{QUERY}")
    assert response.mimetype == "application/geo+json"
    document = json.loads(response.data)
    assert document["type"] == "FeatureCollection" and "crs" not in document  # RFC 7946 §4
    path = tmp_path / "observations.geojson"
    path.write_bytes(response.data)
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == 4
    assert info["geometry_type"] == "Point"
    meta, _fids, geometry, fields = pyogrio.raw.read(path)
    columns = list(meta["fields"])
    rottneros = list(fields[columns.index("category")]).index("otrygg-plats")
    assert point_from_wkb(geometry[rottneros]) == pytest.approx((13.12, 59.78))
    north = fields[columns.index("n_sweref99tm")][rottneros]
    assert north == pytest.approx(gauss_kruger(59.78, 13.12)[1], abs=0.01)


def test_activities_geojson_has_routes_and_positions_and_leaves_out_the_placeless(
    app: Flask, coordinator_client, dataset: Dataset, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        route = {"type": "LineString", "coordinates": [[13.1440, 59.8366], [13.1460, 59.8370]]}
        add_activity(
            "fotpatrull",
            dataset.officer.id,
            local(2026, 10, 12, 18),
            local(2026, 10, 12, 19),
            route=route,
        )
        db.session.commit()
    data = coordinator_client.get(f"/reports/exports/activities.geojson?{QUERY}").data
    features = json.loads(data)["features"]
    kinds = sorted(f["properties"]["kind"] for f in features)
    # 3 visits and 1 ANDT intervention with a position, and the patrol with a walked route.
    assert kinds == ["andt", "business_visit", "business_visit", "business_visit", "patrol"]
    patrol = next(f for f in features if f["properties"]["kind"] == "patrol")
    assert patrol["geometry"] == route
    path = tmp_path / "activities.geojson"
    path.write_bytes(data)
    meta, _fids, geometry, _fields = pyogrio.raw.read(path)
    assert len(geometry) == 5


# ---- visibility and audit -------------------------------------------------------------------


def _rows(name: str, user) -> list[dict]:  # type: ignore[no-untyped-def]
    data = exports.dataset(name, Period(*OCTOBER), user)
    return [record for chunk in exports.records(data) for record in chunk]


def test_staff_exports_never_hold_police_records(app: Flask, dataset: Dataset) -> None:
    with app.app_context():
        observations = _rows("observations", dataset.staff)
        activities = _rows("activities", dataset.staff)
    assert {r["visibility"] for r in observations} == {"shared"}
    assert len(observations) == 3
    assert [r["visibility"] for r in activities] == ["shared"]  # the one shared business visit


def test_officer_exports_hold_police_but_not_municipal_records(
    app: Flask, dataset: Dataset
) -> None:
    with app.app_context():
        add_observation(dataset.staff.id, local(2026, 10, 5, 12), visibility="municipality")
        db.session.commit()
        officer_rows = _rows("observations", dataset.officer)
        coordinator_rows = _rows("observations", dataset.coordinator)
    assert "police" in {r["visibility"] for r in officer_rows}
    assert "municipality" not in {r["visibility"] for r in officer_rows}
    assert len(coordinator_rows) == len(officer_rows) + 1


@pytest.mark.parametrize("persona", ["officer", "staff", "admin"])
@pytest.mark.parametrize(
    "url", ["observations.csv", "observations.geojson", "activities.csv", "activities.geojson"]
)
def test_only_the_coordinator_downloads_exports(
    request, as_user, dataset: Dataset, persona: str, url: str
) -> None:  # type: ignore[no-untyped-def]
    user = getattr(dataset, persona) if persona != "admin" else request.getfixturevalue("admin")
    assert as_user(user).get(f"/reports/exports/{url}?{QUERY}").status_code == 403


def test_every_export_is_audited_with_its_size_and_police_records(
    app: Flask, coordinator_client, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    coordinator_client.get(f"/reports/exports/observations.csv?{QUERY}").get_data()
    coordinator_client.get(f"/reports/exports/activities.geojson?{QUERY}").get_data()
    with app.app_context():
        entries = (
            db.session.execute(
                db.select(AuditEntry).filter_by(action="export.download").order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )
    assert [(e.target_type, e.detail["format"]) for e in entries] == [
        ("observations", "csv"),
        ("activities", "geojson"),
    ]
    assert (entries[0].detail["rows"], entries[0].detail["police_records"]) == (4, 1)
    assert (entries[1].detail["rows"], entries[1].detail["police_records"]) == (10, 9)
    assert all(e.actor_id == dataset.coordinator.id for e in entries)
    assert entries[0].detail["from"] == "2026-10-01"


def test_unknown_exports_and_dialects_are_refused(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    assert coordinator_client.get(f"/reports/exports/users.csv?{QUERY}").status_code == 404
    assert coordinator_client.get(f"/reports/exports/observations.xlsx?{QUERY}").status_code == 404
    assert (
        coordinator_client.get(f"/reports/exports/observations.csv?{QUERY}&dialect=x").status_code
        == 422
    )
    assert (
        coordinator_client.get("/reports/exports/observations.csv?from=2026-13-01").status_code
        == 422
    )


def test_promise_filter_limits_activity_exports(
    app: Flask, coordinator_client, dataset: Dataset
) -> None:  # type: ignore[no-untyped-def]
    rows = excel_rows(
        coordinator_client.get(
            f"/reports/exports/activities.csv?{QUERY}&promise={dataset.drug_promise}"
        ).data
    )
    assert {r["Typ av registrering"] for r in rows} == {"ANDT-insats"}


def test_an_empty_period_exports_just_the_header(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    rows = excel_rows(
        coordinator_client.get(
            "/reports/exports/observations.csv?from=2030-01-01&to=2030-01-31"
        ).data
    )
    assert rows == []
    document = json.loads(
        coordinator_client.get(
            "/reports/exports/observations.geojson?from=2030-01-01&to=2030-01-31"
        ).data
    )
    assert document == {"type": "FeatureCollection", "features": []}


# ---- GeoPackage in SWEREF 99 TM -----------------------------------------------------------------


def test_geopackage_opens_in_gdal_as_sweref99tm_points(coordinator_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.get(f"/reports/exports/observations.gpkg?{QUERY}")
    assert response.status_code == 200
    assert response.mimetype == "application/geopackage+sqlite3"
    assert (
        'filename="observations-2026-10-01--2026-10-31.gpkg"'
        in response.headers["Content-Disposition"]
    )
    path = tmp_path / "observations.gpkg"
    path.write_bytes(response.data)
    assert [list(layer) for layer in pyogrio.list_layers(path)] == [["observations", "Point"]]
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:3006"
    assert info["features"] == 4
    meta, _fids, geometry, fields = pyogrio.raw.read(path)
    columns = list(meta["fields"])
    rottneros = list(fields[columns.index("category")]).index("otrygg-plats")
    east, north = point_from_wkb(geometry[rottneros])
    assert (east, north) == pytest.approx(gauss_kruger(59.78, 13.12), abs=0.01)
    assert fields[columns.index("lat")][rottneros] == pytest.approx(59.78)


def test_activities_geopackage_has_points_and_a_layer_of_patrol_routes(
    app: Flask, coordinator_client, dataset: Dataset, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        route = {"type": "LineString", "coordinates": [[13.1440, 59.8366], [13.1460, 59.8370]]}
        add_activity(
            "fotpatrull", dataset.officer.id, local(2026, 10, 12, 18), local(2026, 10, 12, 19),
            route=route,
        )  # fmt: skip
        db.session.commit()
    path = tmp_path / "activities.gpkg"
    path.write_bytes(coordinator_client.get(f"/reports/exports/activities.gpkg?{QUERY}").data)
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"activities": "Point", "patrol_routes": "LineString"}
    assert pyogrio.read_info(path, layer="patrol_routes")["crs"] == "EPSG:3006"
    # Every activity is a row, those without a position with an empty geometry.
    meta, _fids, geometry, fields = pyogrio.raw.read(path, layer="activities")
    assert pyogrio.read_info(path, layer="activities")["crs"] == "EPSG:3006"
    assert len(geometry) == 11
    kinds = list(fields[list(meta["fields"]).index("kind")])
    placed = sorted(kind for kind, wkb in zip(kinds, geometry, strict=True) if wkb is not None)
    assert placed == ["andt", "business_visit", "business_visit", "business_visit"]
    _meta, _fids, lines, _fields = pyogrio.raw.read(path, layer="patrol_routes")
    (line,) = lines
    assert struct.unpack("<BII", line[:9])[1:] == (2, 2)  # a LineString of two points
    first = struct.unpack("<dd", line[9:25])
    assert first == pytest.approx(gauss_kruger(59.8366, 13.1440), abs=0.01)


def test_an_empty_period_gives_an_empty_geopackage_layer(
    coordinator_client, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "empty.gpkg"
    path.write_bytes(
        coordinator_client.get(
            "/reports/exports/observations.gpkg?from=2020-01-01&to=2020-01-31"
        ).data
    )
    info = pyogrio.read_info(path)
    assert (info["crs"], info["features"], info["geometry_type"]) == ("EPSG:3006", 0, "Point")
