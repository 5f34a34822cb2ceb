"""Submits while a coordinator keeps reloading the map: do phones wait for the map's reads?

    .venv/bin/python -m bench.bench_mixed                  # SQLite, ~1 minute
    .venv/bin/python -m bench.bench_mixed --db postgres

On SQLite every write transaction takes the writer lock at BEGIN; a read that took it too would
make each submit wait for the coordinator's 10,000-point GeoJSON. The map's read runs in a read
snapshot (webapp/core/storage.py) instead. This runs the production server set-up (gunicorn,
deploy/gunicorn.conf.py) on a throw-away database holding 10,000 observations, then:

1. `alone`: N officers submit for S seconds;
2. `with map`: the same while one coordinator fetches /api/v1/observations.geojson in a loop.

It prints submit latency for both and the map's own fetch times. Figures, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.loadgen import Client, RunSpec, log_in, run
from bench.server import PASSWORD, database, gunicorn, load_warning, prepare, production_env

MAP_PATH = "/api/v1/observations.geojson"


def seed_map(url: str, count: int) -> str:
    """`count` observations and a coordinator account; returns the coordinator's name."""
    from bench.common import insert_observations
    from webapp import create_app
    from webapp.auth.cli import new_user
    from webapp.core.access import Role
    from webapp.extensions import db

    app = create_app(
        "development",
        {"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"},
    )
    with app.app_context():
        coordinator = new_user("bench-coordinator", Role.COORDINATOR, PASSWORD)
        db.session.add(coordinator)
        db.session.commit()
        insert_observations(coordinator.id, count)
        db.session.remove()
        db.engine.dispose()
    return "bench-coordinator"


def map_reader(base: str, username: str, stop: threading.Event, times: list[float]) -> None:
    client = Client(base, "10.250.0.1")
    log_in(client, username, PASSWORD)
    while not stop.is_set():
        started = time.perf_counter()
        status, _ = client.request("GET", MAP_PATH)
        if status != 200:
            raise RuntimeError(f"map: {status}")
        times.append(time.perf_counter() - started)
    client.close()


def submit_phase(base: str, users: list[str], categories: list[str], args, tag: str):  # type: ignore[no-untyped-def]
    spec = RunSpec(
        base=base, kind="observations", clients=args.clients, duration=args.seconds,
        warmup=2.0, users=users, password=PASSWORD, categories=categories, tag=tag,
    )  # fmt: skip
    return run(spec)


def line(label: str, result) -> str:  # type: ignore[no-untyped-def]
    s = result.summary()
    return (
        f"  {label:9s} {s['req_per_s']:7.1f} submits/s  p50 {s['p50_ms']:7.1f} ms  "
        f"p95 {s['p95_ms']:7.1f} ms  p99 {s['p99_ms']:7.1f} ms  "
        f"max {max(result.latencies, default=0) * 1000:7.1f} ms  errors {s['errors']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--points", type=int, default=10_000)
    args = parser.parse_args(argv)
    if warning := load_warning():
        print(warning)
    workdir = Path(tempfile.mkdtemp(prefix="trygg-bench-mixed-"))
    try:
        with database(args.db, workdir) as url:
            users, categories = prepare(url, args.clients // 2 + 1)
            coordinator = seed_map(url, args.points)
            with gunicorn(production_env(url, workdir), log=workdir / "gunicorn.log") as base:
                print(f"== {args.db}, {args.points:,} observations, {args.clients} officers")
                alone = submit_phase(base, users, categories, args, f"alone-{time.time()}")
                print(line("alone", alone), flush=True)
                stop, times = threading.Event(), []
                reader = threading.Thread(target=map_reader, args=(base, coordinator, stop, times))
                reader.start()
                mixed = submit_phase(base, users, categories, args, f"mixed-{time.time()}")
                stop.set()
                reader.join(60)
                print(line("with map", mixed))
                if times:
                    print(
                        f"  map: {len(times)} fetches, median {statistics.median(times):.2f} s, "
                        f"max {max(times):.2f} s"
                    )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
