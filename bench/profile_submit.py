"""CPU per observation submit inside one process, and where it goes (cProfile).

    .venv/bin/python -m bench.profile_submit                 # SQLite in a temp dir
    BENCH_DATABASE_URL=postgresql://... .venv/bin/python -m bench.profile_submit
    .venv/bin/python -m bench.profile_submit --batch 100     # POST /observations/batch instead

The whole request runs as in production behind the proxy (login session, CSRF header checked,
validation, the insert with its audit entry in one transaction, the area membership), through
the Flask test client, so the figure is the app's own CPU without the HTTP server and network:
bench_submit measures the same path under gunicorn. Prints CPU ms per observation (process
time, so other load on the machine hardly distorts it) and the top functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from bench.common import bench_app, ensure_user, logged_in
from webapp.core.access import Role


def payload(i: int) -> dict:
    observed = (datetime.now(UTC) - timedelta(minutes=i)).replace(microsecond=0)
    return {
        "id": str(uuid.uuid4()),
        "lat": 59.8366 + (i % 100) * 1e-5,
        "lon": 13.1440 + (i % 70) * 1e-5,
        "accuracy_m": 8.0,
        "observed_at": observed.isoformat(),
        "category": "belysning",
        "note": f"Profilering {i}",
        "rating": 2,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="observations to submit")
    parser.add_argument("--batch", type=int, default=0, help="items per batch request; 0: single")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    app = bench_app()
    app.config["WTF_CSRF_ENABLED"] = True  # "testing" turns nothing off that production keeps
    with app.app_context():
        user = ensure_user("profile-officer", Role.OFFICER)
        user_id = user.id
    client = logged_in(app, user_id)
    csrf = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    headers = {"X-CSRFToken": csrf}

    def run(count: int) -> float:
        started = time.process_time()
        if args.batch:
            for start in range(0, count, args.batch):
                items = [payload(i) for i in range(start, min(count, start + args.batch))]
                response = client.post(
                    "/api/v1/observations/batch", json={"items": items}, headers=headers
                )
                assert response.status_code == 200, response.get_data(as_text=True)
                assert all(r["status"] == 201 for r in response.get_json()["results"])
        else:
            for i in range(count):
                response = client.post("/api/v1/observations", json=payload(i), headers=headers)
                assert response.status_code == 201, response.get_data(as_text=True)
        return time.process_time() - started

    run(min(200, args.count))  # warm-up: imports, caches, the first connections
    cpu = run(args.count)
    mode = f"batches of {args.batch}" if args.batch else "one request each"
    db_kind = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(
        f"{db_kind}: {args.count} observations, {mode}: {1000 * cpu / args.count:.2f} ms CPU each"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    run(min(1000, args.count))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(args.top)
    print("Our own code by cumulative time:", file=out)
    stats.sort_stats("cumulative").print_stats(r"webapp/", args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
