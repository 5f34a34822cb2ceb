"""GET /api/v1/map/clusters: counts per map cell, with the lists' access rules and audit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.map.helpers import add_observation
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.geo.tiles import (
    cell_divisor,
    local_week,
    mercator_units,
    tile_divisor,
    units_to_latlon,
    week_start,
)
from webapp.map.clusters import MAX_TILES
from webapp.observations.models import Observation

CENTRE = (59.8366, 13.1440)


def tiles_around(lat: float, lon: float, zoom: int, r: int = 2) -> str:
    mx, my = mercator_units(lat, lon)
    tx, ty = mx // tile_divisor(zoom), my // tile_divisor(zoom)
    return f"{tx - r},{ty - r},{tx + r},{ty + r}"


def get_clusters(client, zoom: int, **params):  # type: ignore[no-untyped-def]
    query = {"zoom": zoom, "tiles": tiles_around(*CENTRE, zoom), **params}
    response = client.get("/api/v1/map/clusters", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def total(body: dict) -> int:
    return sum(c[4] for c in body["cells"]) + len(body["points"])


def test_mercator_round_trip_nesting_and_weeks():
    mx, my = mercator_units(*CENTRE)
    lat, lon = units_to_latlon(mx + 0.5, my + 0.5)
    assert abs(lat - CENTRE[0]) < 1e-5 and abs(lon - CENTRE[1]) < 1e-5
    for z in range(3, 22):
        assert cell_divisor(z) == 2 * cell_divisor(z + 1)
        assert tile_divisor(z) == 4 * cell_divisor(z)
    # Sunday 23:30 UTC in summer is Monday 01:30 in Sweden: the next local week.
    sunday = datetime(2026, 6, 7, 23, 30, tzinfo=UTC)
    assert local_week(sunday) == local_week(sunday - timedelta(hours=2)) + 1
    assert week_start(local_week(sunday)) == datetime(2026, 6, 7, 22, 0, tzinfo=UTC)


def test_columns_follow_the_record_when_it_moves(app, officer):
    with app.app_context():
        record_id = add_observation(officer, lat=59.80, lon=13.10, hours_ago=24 * 30)
        record = db.session.get(Observation, record_id)
        assert (record.mx, record.my) == mercator_units(59.80, 13.10)
        assert record.week == local_week(record.observed_at)
        record.lat, record.lon = CENTRE
        record.observed_at = datetime.now(UTC)
        db.session.commit()
        record = db.session.get(Observation, record_id)
        assert (record.mx, record.my) == mercator_units(*CENTRE)
        assert record.week == local_week(datetime.now(UTC))


def test_counts_hide_what_the_viewer_may_not_read(app, officer, staff, coordinator, as_user):
    with app.app_context():
        for i in range(30):
            add_observation(officer, visibility="police", lat=59.8366 + i * 1e-5)
        for i in range(20):
            add_observation(staff, visibility="municipality", lat=59.8367 + i * 1e-5)
        for i in range(10):
            add_observation(officer, visibility="shared", lat=59.8368 + i * 1e-5)
    assert total(get_clusters(as_user(coordinator), 14)) == 60
    assert total(get_clusters(as_user(officer), 14)) == 40  # police + shared
    assert total(get_clusters(as_user(staff), 14)) == 30  # municipality + shared
    # Filters combine with the aggregation and with the access rule.
    assert total(get_clusters(as_user(staff), 14, visibility="police")) == 0
    assert total(get_clusters(as_user(coordinator), 14, status="closed")) == 0
    # The category mix adds up to each cell's count.
    body = get_clusters(as_user(coordinator), 14)
    assert body["cells"]
    for cell in body["cells"]:
        assert sum(cell[5]) == cell[4] and len(cell[5]) == len(body["categories"])
    assert body["total"] == 60


def test_category_filter_counts_only_that_category(app, officer, coordinator, as_user):
    with app.app_context():
        for _ in range(6):
            add_observation(officer, visibility="shared", category="belysning")
        for _ in range(4):
            add_observation(officer, visibility="shared", category="skadegorelse")
    body = get_clusters(as_user(coordinator), 14, category="skadegorelse")
    assert body["categories"] == ["skadegorelse"] and total(body) == 4


def test_aggregates_of_police_records_are_audited(app, officer, staff, coordinator, as_user):
    with app.app_context():
        for _ in range(7):
            add_observation(officer, visibility="police")
        add_observation(staff, visibility="municipality")
    get_clusters(as_user(staff), 14)
    get_clusters(as_user(coordinator), 14)
    with app.app_context():
        entries = db.session.scalars(
            db.select(AuditEntry).filter_by(action="observation.aggregate")
        ).all()
        assert len(entries) == 1  # staff counted no police record: no entry
        assert entries[0].detail["police_records"] == 7
        assert entries[0].detail["filters"]["zoom"] == "14"


def test_small_cells_are_points_and_big_ones_circles(app, officer, coordinator, as_user):
    with app.app_context():
        for i in range(50):
            add_observation(officer, visibility="shared", lat=59.8366 + i * 1e-6)
        add_observation(officer, visibility="shared", lat=59.8500, lon=13.1800)  # alone, far off
    body = get_clusters(as_user(coordinator), 14)
    assert len(body["points"]) == 1 and body["points"][0][1] == 59.85
    assert [c[4] for c in body["cells"]] == [50]
    # The circle sits where its records are, not in the middle of its cell.
    assert abs(body["cells"][0][2] - (59.8366 + 25e-6)) < 2e-5
    # Zoomed right in (cells of 2.4 m), the 50 over 5.5 m fall into a few cells, none lost.
    body = get_clusters(as_user(coordinator), 21, tiles=tiles_around(*CENTRE, 21, r=1))
    assert total(body) == 50 and len(body["cells"]) + len(body["points"]) > 1
    # Spread out, at street level every one of a handful is its own point.
    with app.app_context():
        for i in range(4):
            add_observation(officer, visibility="shared", lat=59.8400 + i * 0.001, lon=13.15)
    body = get_clusters(as_user(coordinator), 16, tiles=tiles_around(59.8415, 13.15, 16, r=2))
    assert len(body["points"]) == 4


def test_week_filter_matches_observed_at(app, officer, coordinator, as_user):
    with app.app_context():
        add_observation(officer, visibility="shared", hours_ago=1)
        add_observation(officer, visibility="shared", hours_ago=24 * 10)
        add_observation(officer, visibility="shared", hours_ago=24 * 40)
    this_week = local_week(datetime.now(UTC))
    since = week_start(this_week - 2).isoformat()
    assert total(get_clusters(as_user(coordinator), 14, since=since)) == 2
    # One slider frame: exactly one local week.
    frame = {"since": week_start(this_week).isoformat(),
             "until": week_start(this_week + 1).isoformat()}  # fmt: skip
    hours_into_week = (datetime.now(UTC) - week_start(this_week)).total_seconds() / 3600
    expected = 1 if hours_into_week > 1 else 0
    assert total(get_clusters(as_user(coordinator), 14, **frame)) == expected


def test_bad_input_is_a_422_with_json(app, coordinator, as_user):
    client = as_user(coordinator)
    for params, field in (
        ({"zoom": 14, "tiles": "0,0,100,100"}, "tiles"),  # far more than MAX_TILES
        ({"zoom": 40, "tiles": "0,0,1,1"}, "zoom"),
        ({"zoom": "x", "tiles": "0,0,1,1"}, "zoom"),
        ({"zoom": 14, "tiles": "a,b"}, "tiles"),
        ({"zoom": 14, "tiles": "-1,0,1,1"}, "tiles"),
        ({"zoom": 3, "tiles": "0,0,8,1"}, "tiles"),  # outside the world at zoom 3
        ({"zoom": 2, "tiles": "0,0,0,0"}, "zoom"),
        ({"zoom": 14, "tiles": "0,0,1,1", "bbox": "1,2,3,4"}, "bbox"),
        ({"zoom": 14, "tiles": "0,0,1,1", "since": "yesterday"}, "since"),
        ({"zoom": 14, "tiles": "0,0,1,1", "category": "nope"}, "category"),
    ):
        response = client.get("/api/v1/map/clusters", query_string=params)
        assert response.status_code == 422, params
        assert field in response.get_json()["error"]["fields"], params


def test_field_users_only(app, officer, as_user, client):
    assert client.get("/api/v1/map/clusters?zoom=14&tiles=0,0,0,0").status_code == 401


def test_answer_stays_small_whatever_is_stored(app, officer, coordinator, as_user):
    """The worst case for size: every cell of MAX_TILES tiles filled, in every category."""
    from webapp.geo.tiles import derive_columns
    from webapp.observations.models import Category

    zoom = 14
    mx, my = mercator_units(*CENTRE)
    d = cell_divisor(zoom)
    tx, ty = mx // tile_divisor(zoom), my // tile_divisor(zoom)
    with app.app_context():
        codes = list(db.session.scalars(db.select(Category.code)))
        now = datetime.now(UTC)
        rows = []
        # 8 x 8 tiles of 4 x 4 cells, 6 records in each cell (> POINT_MAX_PER_CELL): 6,144 rows.
        for cx in range(tx * 4, tx * 4 + 32):
            for cy in range(ty * 4, ty * 4 + 32):
                for k in range(6):
                    lat, lon = units_to_latlon(cx * d + d / 2 + k, cy * d + d / 2)
                    rows.append({
                        "id": f"{cx}-{cy}-{k}", "lat": lat, "lon": lon, "accuracy_m": 5.0,
                        "observed_at": now, "category_code": codes[(cx + cy + k) % len(codes)],
                        "note": "", "visibility": "shared", "status": "new",
                        "author_id": officer.id, "content_hash": "t", "manual_position": False,
                        "observed_utc_offset_min": 60,
                        **derive_columns(lat, lon, now),
                    })  # fmt: skip
        db.session.execute(db.insert(Observation), rows)
        db.session.commit()
    tiles = f"{tx},{ty},{tx + 7},{ty + 7}"
    assert MAX_TILES == 8 * 8
    response = as_user(coordinator).get(
        "/api/v1/map/clusters", query_string={"zoom": zoom, "tiles": tiles}
    )
    body = response.get_json()
    assert len(body["cells"]) == 32 * 32 and body["total"] == 6 * 32 * 32
    assert len(response.data) < 200_000, len(response.data)
    assert response.headers["Cache-Control"] == "private, no-store"
    json.loads(response.data)


def test_the_migration_fills_the_map_columns_of_existing_rows(monkeypatch, tmp_path):
    """Records stored before the migration get mx/my/week, then the columns are NOT NULL."""
    import sqlite3
    from contextlib import closing

    from flask_migrate import upgrade

    from tests.auth.helpers import build_app

    path = tmp_path / "before.sqlite"
    app = build_app(monkeypatch, "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(revision="auth0001sessions")
        db.session.remove()
        db.engine.dispose()
    observed = datetime(2026, 6, 7, 23, 30, tzinfo=UTC)  # Monday 01:30 in Sweden
    with closing(sqlite3.connect(path)) as raw, raw:
        # The rows the records point at, with a plain value in every required column.
        _insert_required(raw, "users", {"id": 1})
        _insert_required(raw, "categories", {"code": "belysning"})
        for index, (lat, lon) in enumerate((CENTRE, (59.9, 13.3))):
            raw.execute(
                "INSERT INTO observations (id, lat, lon, manual_position, imprecise_position,"
                " observed_at, observed_utc_offset_min, category_code, note, visibility, status,"
                " author_id, content_hash, created_at) VALUES (?, ?, ?, 0, 0, ?, 60, 'belysning',"
                " '', 'shared', 'new', 1, 'old', ?)",
                (f"old-{index}", lat, lon, "2026-06-07 23:30:00.000000", "2026-06-07 23:30:00"),
            )
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    with closing(sqlite3.connect(path)) as raw:
        rows = raw.execute("SELECT lat, lon, mx, my, week FROM observations ORDER BY id").fetchall()
        columns = {r[1]: r for r in raw.execute("PRAGMA table_info(observations)")}
        indexes = {r[1] for r in raw.execute("PRAGMA index_list(observations)")}
    for lat, lon, mx, my, week in rows:
        assert (mx, my) == mercator_units(lat, lon)
        assert week == local_week(observed)
    assert len(rows) == 2
    assert columns["mx"][3] == 1 and columns["week"][3] == 1  # NOT NULL
    assert {"ix_observations_cell", "ix_observations_week_cell"} <= indexes


def _insert_required(raw, table: str, values: dict) -> None:  # type: ignore[no-untyped-def]
    for _cid, name, kind, notnull, default, _pk in raw.execute(f"PRAGMA table_info({table})"):
        if notnull and default is None and name not in values:
            values[name] = 0 if ("INT" in kind or "BOOL" in kind or "FLOAT" in kind) else name
            if "DATETIME" in kind:
                values[name] = "2026-01-01 00:00:00"
    names = ", ".join(values)
    marks = ", ".join("?" * len(values))
    raw.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))  # noqa: S608


def test_the_list_below_the_map_asks_for_the_newest_only(app, officer, coordinator, as_user):
    with app.app_context():
        for hours in (1, 2, 3):
            add_observation(officer, visibility="shared", hours_ago=hours, note=f"{hours} h")
    client = as_user(coordinator)
    body = client.get("/api/v1/observations.geojson?limit=2").get_json()
    assert [f["properties"]["note"] for f in body["features"]] == ["1 h", "2 h"]
    for bad in ("0", "x", "10001"):
        response = client.get(f"/api/v1/observations.geojson?limit={bad}")
        assert response.status_code == 422 and "limit" in response.get_json()["error"]["fields"]
