"""Map data at 1k / 10k / 100k observations: page size and GeoJSON time.

    .venv/bin/python -m bench.bench_map            # SQLite
    .venv/bin/python -m bench.bench_map 1000       # quick: one size
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.bench_map

Prints, per data size: the map page's HTML size, the time to produce the GeoJSON of a one-month
filter and of everything, and the number of features. Targets (issue "Coordinator map"): page
under 100 KB at 100,000 stored; one-month GeoJSON of ~10,000 points under 1 s.
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench.common import bench_app, ensure_user, insert_observations, login
from bench.server import load_warning
from webapp.core.access import Role
from webapp.extensions import db
from webapp.observations.models import Observation

SIZES = (1_000, 10_000, 100_000)
REPEATS = 5
# The naive approach (one Folium Marker+Popup per point, DESIGN §6) for comparison; at 100k it
# takes minutes and ~2 GB, so it can be capped: BENCH_NAIVE_MAX=10000.
NAIVE_MAX = int(os.environ.get("BENCH_NAIVE_MAX", "100000"))


def naive_folium(size: int) -> tuple[float, float]:
    """Seconds and KB for a Folium page with a Marker+Popup per observation."""
    import folium

    rows = db.session.execute(
        db.select(Observation.lat, Observation.lon, Observation.note).limit(size)
    ).all()
    start = time.perf_counter()
    fmap = folium.Map(location=[59.8366, 13.144], zoom_start=14)
    for lat, lon, note in rows:
        folium.Marker([lat, lon], popup=folium.Popup(html.escape(note))).add_to(fmap)
    page = fmap.get_root().render()
    return time.perf_counter() - start, len(page.encode()) / 1024


def main(sizes: tuple[int, ...] = SIZES) -> None:
    warning = load_warning()
    if warning:
        print(warning)
    app = bench_app()
    client = app.test_client()
    stored = 0
    print(
        f"{'stored':>8} {'page KB':>8} {'window d':>8} {'points':>7} "
        f"{'window s (median)':>18} {'all s':>7}"
    )
    for size in sizes:
        with app.app_context():
            author = ensure_user("bench-officer", Role.OFFICER)
            coordinator = ensure_user("bench-coordinator", Role.COORDINATOR)
            # Spread over a year, so a month holds about a twelfth; 120k/yr gives ~10k a month.
            insert_observations(author.id, size - stored, days=365)
            stored = size
            login(client, coordinator)
        page = client.get("/review/map")
        # The window that holds about 10,000 points: ~36 days at 100k a year, i.e. "a month".
        window_days = min(365.0, 365 * 10_000 / size)
        since = (datetime.now(UTC) - timedelta(days=window_days)).isoformat()
        month_times = []
        features = 0
        for _ in range(REPEATS):
            start = time.perf_counter()
            response = client.get("/api/v1/observations.geojson", query_string={"since": since})
            month_times.append(time.perf_counter() - start)
            features = len(response.get_json()["features"])
        start = time.perf_counter()
        client.get("/api/v1/observations.geojson")
        all_time = time.perf_counter() - start
        naive = "skipped"
        naive_kb = ""
        if size <= NAIVE_MAX:
            with app.app_context():
                seconds, kilobytes = naive_folium(size)
            naive, naive_kb = f"{seconds:.2f}", f"{kilobytes:,.0f}"
        print(
            f"{size:>8} {len(page.data) / 1024:>8.1f} {window_days:>8.1f} {features:>7} "
            f"{statistics.median(month_times):>18.3f} {all_time:>7.2f} {naive:>15} {naive_kb:>10}"
        )
    with app.app_context():
        db.session.remove()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="stored observations, ascending")
    main(tuple(parser.parse_args().sizes) or SIZES)
