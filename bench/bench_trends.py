"""Trends per area (GET /api/v1/map/trends) at 100,000 and 1,000,000 stored observations.

    .venv/bin/python -m bench.bench_trends [sizes ...]         # default: 100000 1000000
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_trends ... (PostgreSQL)

Data as bench_map_clusters (70 % around Stortorget, 30 % over the municipality, three years,
loaded with executemany / COPY); the area membership is then built by the app's own rebuild
(`rebuild_area` per area, `rebuild_rural`), as after an outline change.

Each request goes through the Flask test client as a logged-in coordinator (sees every record)
and an officer; prints per request the median wall time and CPU: this process's (SQLite runs in
it) plus, on PostgreSQL, the database backends' of the benchmark database. For comparison it
also times the query the "Landsbygd" row used before it was stored on write (kommun rows with
NOT EXISTS a town row).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

from bench.bench_map_clusters import load
from bench.common import bench_app, ensure_user, logged_in
from webapp.core.access import Role
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.observations.areas import observation_areas, rebuild_area, rebuild_rural

REPEAT = 7


def build_membership() -> float:
    """Every area's rows and the rural rows, with the trend index built afterwards."""
    t0 = time.perf_counter()
    indexes = list(observation_areas.indexes)
    with db.engine.begin() as connection:
        for index in indexes:
            index.drop(connection, checkfirst=True)
        connection.execute(observation_areas.delete())
        for area_id, geometry in connection.execute(db.select(Area.id, Area.geometry)):
            rebuild_area(connection, area_id, geometry)
        rebuild_rural(connection)
        for index in indexes:
            index.create(connection)
        connection.exec_driver_sql(
            "ANALYZE observation_areas" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        )
    return time.perf_counter() - t0


def backend_cpu() -> float:
    """CPU seconds of the PostgreSQL backends of the benchmark database (0 on SQLite)."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return 0.0
    from bench.server import postgres_backend_pids, process_cpu_seconds

    return process_cpu_seconds(postgres_backend_pids(url))


def measure(call: Callable[[], object]) -> tuple[float, float]:
    """(median wall s, median CPU s) of REPEAT calls after one warm-up."""
    call()
    walls, cpus = [], []
    for _ in range(REPEAT):
        wall, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu + backend_cpu() - db_cpu)
    return statistics.median(walls), statistics.median(cpus)


def old_rural_query() -> Callable[[], object]:
    """The rural count as computed at query time before issue 18's stored rural rows."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import and_, exists, func, select

    from webapp.observations.areas import week_index

    oa = observation_areas
    town = oa.alias("town")
    now = datetime.now(UTC)
    first, last = week_index(now - timedelta(weeks=52)), week_index(now)
    kommun = select(Area.id).where(Area.kind == "kommun").scalar_subquery()
    towns = select(Area.id).where(Area.kind == "tatort").scalar_subquery()
    query = (
        select(oa.c.week, func.count(func.distinct(oa.c.observation_id)))
        .where(oa.c.area_id.in_(kommun), oa.c.week.between(first, last))
        .where(
            ~exists().where(
                and_(town.c.observation_id == oa.c.observation_id, town.c.area_id.in_(towns))
            )
        )
        .group_by(oa.c.week)
    )
    return lambda: db.session.execute(query).all()


def main(sizes: list[int]) -> int:
    app = bench_app()
    database = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    with app.app_context():
        coordinator_id = ensure_user("bench-coordinator", Role.COORDINATOR).id
        officer_id = ensure_user("bench-officer", Role.OFFICER).id
        authors = {"police": officer_id, "other": ensure_user("bench-staff", Role.STAFF).id}
    clients = {"coordinator": logged_in(app, coordinator_id), "officer": logged_in(app, officer_id)}
    stored = 0
    for size in sizes:
        with app.app_context():
            loaded = load(size - stored, stored, authors)
            stored = size
            built = build_membership()
            members = db.session.scalar(db.select(db.func.count()).select_from(observation_areas))
        print(
            f"[{database}] {size:,} stored (loaded in {loaded:.0f} s), membership "
            f"{members:,} rows built in {built:.0f} s",
            flush=True,
        )
        cases = [
            ("coordinator, every area + Landsbygd (52 weeks)", "coordinator", {}),
            ("coordinator, Landsbygd only", "coordinator", {"area": "landsbygd"}),
            ("coordinator, centrum only", "coordinator", {"area": "sunne-centrum"}),
            ("coordinator, one category", "coordinator", {"category": "belysning"}),
            ("officer, every area + Landsbygd", "officer", {}),
        ]
        for label, who, params in cases:

            def call(who: str = who, params: dict = params) -> object:
                response = clients[who].get("/api/v1/map/trends", query_string=params)
                assert response.status_code == 200, response.get_data(as_text=True)
                return response

            wall, cpu = measure(call)
            print(f"  {label:<50} wall {1000 * wall:8.1f} ms   CPU {1000 * cpu:8.1f} ms")
        with app.app_context():
            wall, cpu = measure(old_rural_query())
            db.session.rollback()
        print(
            f"  {'(before: Landsbygd by NOT EXISTS, query alone)':<50} wall {1000 * wall:8.1f} ms"
            f"   CPU {1000 * cpu:8.1f} ms"
        )
        print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    with app.app_context():
        db.session.remove()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="default: 100000 1000000")
    sys.exit(main(parser.parse_args().sizes or [100_000, 1_000_000]))
