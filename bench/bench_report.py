"""Council report on a year of data: 100,000 observations and 10,000 activities.

    .venv/bin/python -m bench.bench_report            # SQLite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
        .venv/bin/python -m bench.bench_report                     # PostgreSQL
    .venv/bin/python -m bench.bench_report --scale 0.1 --pdf /tmp/r.pdf   # smaller, keep the PDF

Prints the time to build the report's figures (target: under 2 s for the year), to render the
HTML page and the PDF, and to export all observations as CSV. The database is thrown away.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from bench.common import bench_app, ensure_user, insert_observations, login
from webapp.activities.models import Activity, ActivityType
from webapp.core.access import Role
from webapp.extensions import db
from webapp.measures.models import Measure, MeasureEvent
from webapp.promises.models import Promise, activity_promises
from webapp.reports.period import Period, local_today
from webapp.reports.service import build_council_report
from webapp.walks.models import SafetyWalk, WalkParticipant, WalkRating, WalkStop

OBSERVATIONS = 100_000
ACTIVITIES = 10_000
WALKS = 24
MEASURES = 300
REPEATS = 3


def insert_activities(author_id: int, count: int, rng: random.Random) -> None:
    types = {t.kind: t for t in db.session.execute(db.select(ActivityType)).scalars()}
    served = {t.id: [p.id for p in t.promises] for t in types.values()}
    kinds = ["patrol"] * 5 + ["business_visit"] * 2 + ["andt"] * 2 + ["meeting"]
    now = datetime.now(UTC)
    for start in range(0, count, 5000):
        rows, links = [], []
        for i in range(start, min(start + 5000, count)):
            kind = kinds[i % len(kinds)]
            began = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
            row = {
                "id": str(uuid.uuid4()),
                "activity_type_id": types[kind].id,
                "started_at": began,
                "ended_at": began + timedelta(minutes=rng.uniform(30, 180)),
                "visibility": "police",
                "author_id": author_id,
                "details": {},
                "auto_closed": False,
                "manual_position": False,
                "place": "",
                "note": "",
                "content_hash": "bench",
                "lat": None,
                "lon": None,
                "outside_tatort": None,
                "length_m": None,
            }
            if kind == "patrol":
                row["length_m"] = rng.uniform(500, 6000)
                if rng.random() < 0.05:
                    row["auto_closed"], row["ended_at"] = True, began + timedelta(hours=8)
            elif kind == "business_visit":
                outside = rng.random() < 0.6
                row["lat"] = 59.8366 + (rng.uniform(-0.2, 0.2) if outside else rng.gauss(0, 0.005))
                row["lon"] = 13.1440 + (rng.uniform(-0.3, 0.2) if outside else rng.gauss(0, 0.01))
                row["outside_tatort"] = outside
                row["details"] = {"business_name": f"Företag {i}"}
            elif kind == "andt":
                row["lat"], row["lon"] = (
                    59.8366 + rng.gauss(0, 0.003),
                    13.1440 + rng.gauss(0, 0.006),
                )
                row["details"] = {
                    "reached": {
                        "under_15": rng.randint(0, 5),
                        "age_15_17": rng.randint(0, 10),
                        "age_18_20": rng.randint(0, 4),
                    }
                }
            else:
                row["visibility"] = "shared"
                row["details"] = {"cases_discussed": rng.randint(0, 8)}
            rows.append(row)
            links += [{"activity_id": row["id"], "promise_id": p} for p in served[types[kind].id]]
        db.session.execute(db.insert(Activity), rows)
        db.session.execute(activity_promises.insert(), links)
        db.session.commit()


def insert_walks(creator_id: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    for w in range(WALKS):
        walk = SafetyWalk(
            name=f"Trygghetsvandring {w + 1}",
            starts_at=now - timedelta(days=365 * (w + 0.5) / WALKS),
            status="closed",
            created_by_id=creator_id,
            headcount={},
        )
        for s in range(6):
            walk.stops.append(
                WalkStop(name=f"Stopp {s + 1}", lat=59.8366 + s * 0.0005, lon=13.1440, position=s)
            )
        db.session.add(walk)
        db.session.flush()
        for _ in range(12):
            participant = WalkParticipant(id=str(uuid.uuid4()), walk_id=walk.id, join_code="BENCH1")
            db.session.add(participant)
            db.session.flush()  # ratings refer to the participant without a relationship
            for stop in walk.stops:
                values = {
                    f: rng.randint(0, 3)
                    for f in ("lighting", "overview", "people", "upkeep", "walkway", "feeling")
                }
                db.session.add(
                    WalkRating(
                        id=str(uuid.uuid4()),
                        walk_id=walk.id,
                        stop_id=stop.id,
                        participant_id=participant.id,
                        rated_at=walk.starts_at,
                        content_hash="b",
                        **values,
                    )
                )
    db.session.commit()


def insert_measures(creator_id: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    for m in range(MEASURES):
        created = now - timedelta(days=rng.uniform(0, 365))
        measure = Measure(
            title=f"Åtgärd {m}",
            created_by_id=creator_id,
            created_at=created,
            deadline=(created + timedelta(days=rng.randint(10, 90))).date(),
            status="decided",
        )
        measure.events.append(
            MeasureEvent(at=created, from_status=None, to_status="decided", user_id=creator_id)
        )
        outcome = rng.random()
        if outcome < 0.5:
            measure.status = "done"
            measure.events.append(
                MeasureEvent(
                    at=created + timedelta(days=rng.randint(1, 60)),
                    from_status="decided",
                    to_status="done",
                    user_id=creator_id,
                )
            )
        elif outcome < 0.6:
            measure.status, measure.status_reason = "not_feasible", "Annan markägare"
            measure.events.append(
                MeasureEvent(
                    at=created + timedelta(days=5),
                    from_status="decided",
                    to_status="not_feasible",
                    comment="Annan markägare",
                    user_id=creator_id,
                )
            )
        db.session.add(measure)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the data (default 1)")
    parser.add_argument("--pdf", help="write the PDF here")
    parser.add_argument("--html", help="write the HTML page here")
    args = parser.parse_args()
    rng = random.Random(7)
    app = bench_app()
    with app.app_context():
        officer = ensure_user("bench-officer", Role.OFFICER)
        coordinator = ensure_user("bench-coordinator", Role.COORDINATOR)
        # The seeded promises are 2016–2017: give them a current period so they are in force.
        for promise in db.session.execute(db.select(Promise)).scalars():
            promise.starts_on, promise.ends_on = date(2025, 1, 1), None
        db.session.commit()
        start = time.perf_counter()
        insert_observations(officer.id, int(OBSERVATIONS * args.scale), days=365)
        insert_activities(officer.id, int(ACTIVITIES * args.scale), rng)
        insert_walks(coordinator.id, rng)
        insert_measures(coordinator.id, rng)
        print(
            f"data: {int(OBSERVATIONS * args.scale):,} observations, "
            f"{int(ACTIVITIES * args.scale):,} activities, {WALKS} walks, {MEASURES} measures "
            f"({time.perf_counter() - start:.1f} s to insert)"
        )
        today = local_today()
        period = Period(today - timedelta(days=364), today)
        promises = list(db.session.execute(db.select(Promise)).scalars())
        with app.test_request_context():
            times, cpu = [], []
            for _ in range(REPEATS):
                db.session.expire_all()
                began, began_cpu = time.perf_counter(), time.process_time()
                report = build_council_report(period, promises, coordinator)
                times.append(time.perf_counter() - began)
                cpu.append(time.process_time() - began_cpu)
            logged = sum(f.count for f in report.totals.values())
        print(
            f"report figures for {period.first} – {period.last}: "
            f"median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f}; {logged:,} activities counted, "
            f"{sum(report.observations.values()):,} observations)  target < 2 s\n"
            f"  CPU time of this process: {statistics.median(cpu):.3f} s (steadier on a busy "
            f"machine; on SQLite it includes the database's work, on PostgreSQL it does not)"
        )
    client = app.test_client()
    with app.app_context():
        login(client, coordinator)
    query = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    for label, url, target in (
        ("HTML page", "/reports/", args.html),
        ("PDF", "/reports/council.pdf", args.pdf),
        ("CSV of all observations", "/reports/exports/observations.csv", None),
    ):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, query_string=query)
        body = response.get_data()
        print(
            f"{label}: {time.perf_counter() - began:.3f} s "
            f"(CPU {time.process_time() - began_cpu:.3f} s), "
            f"{len(body) / 1024:,.0f} KB (status {response.status_code})"
        )
        if target:
            with open(target, "wb") as handle:
                handle.write(body)
    with app.app_context():
        db.session.remove()


if __name__ == "__main__":
    main()
