"""The coordinator's map at 100,000 and 1,000,000 stored observations, in Debian's chromium.

    .venv/bin/python -m bench.bench_map_clusters [sizes ...]        # default: 100000 1000000
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_map ... (PostgreSQL)

Data: 70 % Gaussian around Stortorget (σ 0.004° lat, 0.008° lon), 30 % spread over the
municipality, over three years, 8 categories, three visibilities, five statuses; loaded with
executemany (SQLite) or COPY (PostgreSQL), indexes built after the load, never through the API;
the map's roll-up triggers fire for every row, and their count changes are folded after the load
(webapp/map/cells.py; the worker does that every JOB_TICK_SECONDS in production).

Prints, per size, the median of 3 of
- first clusters: navigation start -> the first cluster disc drawn (all time, default view);
- next view: a pan by one map width, a zoom in and a zoom out -> drawn (measured in the page,
  moveend debounce included);
- one slider frame (a week as the period, at the default view);
against the targets of issue 18: < 1.0 s at 100,000, < 2.0 s at 1,000,000, next view < 0.5 s.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from bench.common import bench_app, ensure_user
from webapp.core.access import Role
from webapp.extensions import db
from webapp.geo.tiles import derive_columns
from webapp.map.cells import compact
from webapp.observations.models import Observation
from webapp.ops.reference import CATEGORIES

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
COLUMNS = ("id", "lat", "lon", "accuracy_m", "manual_position", "imprecise_position",
           "observed_at", "observed_utc_offset_min", "category_code", "note", "visibility",
           "status", "author_id", "content_hash", "created_at", "mx", "my", "week",
           "zcode")  # fmt: skip
STATUSES = ("new", "new", "reviewed", "linked", "closed", "duplicate")
TARGET_FIRST = {100_000: 1.0, 1_000_000: 2.0}
TARGET_NEXT = 0.5

NEXT_VIEW = """async ([name, action]) => {
  const map = window[name];
  const root = document.getElementById("review-map");
  const before = Number(root.dataset.clusterViews || 0);
  const t0 = performance.now();
  if (action === "pan") map.panBy([map.getSize().x, 0], { animate: false });
  else if (action === "in") map.setZoom(map.getZoom() + 1, { animate: false });
  else map.setZoom(map.getZoom() - 1, { animate: false });
  await new Promise((resolve) => {
    const check = () =>
      (Number(root.dataset.clusterViews) > before ? resolve() : setTimeout(check, 5));
    check();
  });
  return performance.now() - t0;
}"""

FRAME = """async () => {
  const root = document.getElementById("review-map");
  const before = Number(root.dataset.clusterViews || 0);
  const t0 = performance.now();
  const range = document.getElementById("week");
  range.value = String(Number(range.value) + 1);
  range.dispatchEvent(new Event("input"));
  await new Promise((resolve) => {
    const check = () =>
      (Number(root.dataset.clusterViews) > before ? resolve() : setTimeout(check, 5));
    check();
  });
  return performance.now() - t0;
}"""


def rows(count: int, start: int, authors: dict[str, int], rng: random.Random):  # type: ignore[no-untyped-def]
    codes = [c[0] for c in CATEGORIES]
    now = datetime.now(UTC)
    for i in range(start, start + count):
        if rng.random() < 0.7:
            lat, lon = 59.8366 + rng.gauss(0, 0.004), 13.1440 + rng.gauss(0, 0.008)
        else:
            lat, lon = rng.uniform(59.70, 60.10), rng.uniform(12.75, 13.55)
        observed = now - timedelta(seconds=rng.uniform(0, 3 * 365 * 86400))
        visibility = ("police", "municipality", "shared")[i % 3]
        derived = derive_columns(lat, lon, observed)
        yield (
            str(uuid.UUID(int=rng.getrandbits(128), version=4)), lat, lon, 10.0, False, False,
            observed, 60, codes[i % len(codes)], "", visibility, STATUSES[i % len(STATUSES)],
            authors["police" if visibility == "police" else "other"], "bench", observed,
            derived["mx"], derived["my"], derived["week"], derived["zcode"],
        )  # fmt: skip


def load(count: int, start: int, authors: dict[str, int]) -> float:
    """Add `count` rows; the observation indexes are dropped first and built after."""
    t0 = time.perf_counter()
    rng = random.Random(start + 18)
    table = Observation.__table__
    indexes = list(table.indexes)
    with db.engine.begin() as connection:
        for index in indexes:
            index.drop(connection, checkfirst=True)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            sql = f"COPY observations ({', '.join(COLUMNS)}) FROM STDIN"
            with cursor.copy(sql) as copy:
                for row in rows(count, start, authors, rng):
                    copy.write_row(row)
        else:
            cursor.execute("PRAGMA synchronous=OFF")
            marks = ", ".join("?" * len(COLUMNS))
            sql = f"INSERT INTO observations ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
            batch = []
            for row in rows(count, start, authors, rng):
                when = row[6].astimezone(UTC).replace(tzinfo=None).isoformat(" ")
                batch.append((*row[:6], when, *row[7:14], when, *row[15:]))
                if len(batch) >= 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
        raw.commit()
    finally:
        raw.close()
    with db.engine.begin() as connection:
        for index in indexes:
            index.create(connection, checkfirst=True)
    # The triggers queued one count change per row: fold them as the worker's tick would.
    folded_at = time.perf_counter()
    folded = compact()
    print(f"  folded {folded:,} map count changes in {time.perf_counter() - folded_at:.0f} s")
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE observations")
            connection.exec_driver_sql("ANALYZE map_cells")
        else:
            connection.exec_driver_sql("ANALYZE")
    return time.perf_counter() - t0


SERVER: list[tuple[float, float]] = []  # (wall s, thread CPU s) per clusters request


def timed_clusters(wsgi):  # type: ignore[no-untyped-def]
    """The server's own time per clusters request: wall and CPU of the request's thread, so a
    busy machine (other sessions' tests) can be told apart from our own cost."""

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        if "/map/clusters" not in environ.get("PATH_INFO", ""):
            return wsgi(environ, start_response)
        wall, cpu = time.perf_counter(), time.thread_time()
        body = b"".join(wsgi(environ, start_response))
        SERVER.append((time.perf_counter() - wall, time.thread_time() - cpu))
        return [body]

    return app


def main(sizes: list[int]) -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = bench_app()
    app.config["TILE_URL"] = "/no-tiles/{z}/{x}/{y}.png"  # no network; tiles 404 locally
    server = make_server("127.0.0.1", 0, timed_clusters(app), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    database = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    with app.app_context():
        ensure_user("bench-coordinator", Role.COORDINATOR)
        authors = {
            "police": ensure_user("bench-officer", Role.OFFICER).id,
            "other": ensure_user("bench-staff", Role.STAFF).id,
        }
    stored = 0
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base + "/login")
        page.fill("#username", "bench-coordinator")
        page.fill("#password", "bench-password-123")
        page.click("main form button[type=submit]")
        page.wait_for_selector("body[data-user-id]")
        for size in sizes:
            with app.app_context():
                seconds = load(size - stored, stored, authors)
                stored = size
            print(f"[{database}] loaded {size:,} observations in {seconds:.0f} s", flush=True)
            first, pans, zooms_in, zooms_out, frames = [], [], [], [], []
            SERVER.clear()
            for _ in range(3):
                start = time.perf_counter()
                page.goto(base + "/review/map")
                page.wait_for_selector(".server-cluster", timeout=60_000)
                first.append(time.perf_counter() - start)
                name = page.locator("#review-map").get_attribute("data-map-name")
                page.wait_for_timeout(300)
                pans.append(page.evaluate(NEXT_VIEW, [name, "pan"]) / 1000)
                zooms_in.append(page.evaluate(NEXT_VIEW, [name, "in"]) / 1000)
                zooms_out.append(page.evaluate(NEXT_VIEW, [name, "out"]) / 1000)
                zooms_out.append(page.evaluate(NEXT_VIEW, [name, "out"]) / 1000)
                page.check("#by-week")
                page.wait_for_timeout(300)
                frames.append(page.evaluate(FRAME) / 1000)
            size_kb = (
                page.evaluate(
                    "() => performance.getEntriesByType('resource')"
                    ".filter((e) => e.name.includes('/map/clusters'))"
                    ".reduce((m, e) => Math.max(m, e.encodedBodySize || e.transferSize || 0), 0)"
                )
                / 1024
            )
            results.append((size, first, pans, zooms_in, zooms_out, frames, size_kb))
            report(database, results[-1])
        browser.close()
    server.shutdown()
    with app.app_context():
        db.session.remove()


def report(database: str, result) -> None:  # type: ignore[no-untyped-def]
    size, first, pans, zooms_in, zooms_out, frames, size_kb = result
    target = TARGET_FIRST.get(size)
    m = statistics.median
    verdict = "" if target is None else ("met" if m(first) < target else "MISSED")
    print(f"[{database}] {size:>9,} stored")
    runs = ", ".join(f"{v:.2f}" for v in first)
    aim = f"  target < {target} s: {verdict}" if target else ""
    print(f"  first clusters        {m(first):6.2f} s  (runs {runs}){aim}")
    steps = (("next view: pan", pans), ("next view: zoom in", zooms_in),
             ("next view: zoom out", zooms_out), ("slider frame (1 week)", frames))  # fmt: skip
    for label, values in steps:
        ok = "met" if m(values) < TARGET_NEXT else "MISSED"
        print(f"  {label:<22}{m(values):6.2f} s  (max {max(values):.2f})  target < 0.5 s: {ok}")
    print(f"  largest clusters answer {size_kb:.0f} KB", flush=True)
    if SERVER:
        walls = sorted(w for w, _ in SERVER)
        cpus = sorted(c for _, c in SERVER)
        print(f"  server per clusters request ({len(SERVER)}): wall median {m(walls):.3f} s, "
              f"max {walls[-1]:.3f} s; CPU median {m(cpus):.3f} s, max {cpus[-1]:.3f} s "
              f"(PostgreSQL's own CPU not included)")  # fmt: skip
    print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="default: 100000 1000000")
    main(parser.parse_args().sizes or [100_000, 1_000_000])
