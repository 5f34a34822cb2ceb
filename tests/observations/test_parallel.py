"""Many phones flushing at once: duplicates store one row, distinct entries all arrive.

Each thread has its own test client (so its own request context and database session), and all
start behind a barrier so the requests really overlap.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import text

from tests.conftest import csrf_token, login, make_user
from tests.observations.conftest import URL, observation_count, payload
from webapp import create_app
from webapp.auth.models import User
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.observations.models import Observation
from webapp.ops.reference import seed_reference_data

THREADS = 8


def run_in_threads(count: int, work: Callable[[int], Any], timeout: float = 120) -> list[Any]:
    """Run work(i) in `count` threads released together; return results (or the exceptions)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[index] = error

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a request hung"
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return results


def race_duplicates(app: Flask, user: User, body: dict[str, Any]) -> list[tuple[int, Any]]:
    """POST the same body from THREADS logged-in clients at once."""
    clients = [login(app.test_client(), user) for _ in range(THREADS)]
    tokens = [csrf_token(c) for c in clients]  # fetched first so only the POSTs race

    def post(index: int) -> tuple[int, Any]:
        response = clients[index].post(URL, json=body, headers={"X-CSRFToken": tokens[index]})
        return response.status_code, response.get_json()

    return run_in_threads(THREADS, post)


def assert_one_row_from_the_race(
    app: Flask, results: list[tuple[int, Any]], body: dict[str, Any]
) -> None:
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 200: THREADS - 1}, results
    records = [record for _, record in results]
    assert all(record == records[0] for record in records)
    assert records[0]["id"] == body["id"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Observation)) == 1
        audits = db.session.scalars(
            db.select(AuditEntry).filter_by(action="observation.create", target_id=body["id"])
        ).all()
        assert len(audits) == 1


def test_parallel_duplicates_store_one_row(app, officer):
    body = payload()
    results = race_duplicates(app, officer, body)
    assert_one_row_from_the_race(app, results, body)


def test_parallel_conflicting_posts_store_one_version(app, officer):
    """Same UUID, different notes at once: one wins, the others get 409, never a 5xx."""
    base = payload()
    clients = [login(app.test_client(), officer) for _ in range(THREADS)]
    tokens = [csrf_token(c) for c in clients]

    def post(index: int) -> tuple[int, str]:
        body = {**base, "note": f"version {index}"}
        response = clients[index].post(URL, json=body, headers={"X-CSRFToken": tokens[index]})
        return response.status_code, body["note"]

    results = run_in_threads(THREADS, post)
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 409: THREADS - 1}, results
    winner = next(note for status, note in results if status == 201)
    with app.app_context():
        assert db.session.get(Observation, base["id"]).note == winner
    assert observation_count(app) == 1


def test_many_different_observations_written_concurrently_all_arrive(app, officer, staff):
    per_thread = 25
    users = [officer, staff]
    clients = [login(app.test_client(), users[i % 2]) for i in range(THREADS)]
    tokens = [csrf_token(c) for c in clients]

    def flush_outbox(index: int) -> list[tuple[int, str]]:
        outcomes = []
        for _ in range(per_thread):
            response = clients[index].post(
                URL, json=payload(), headers={"X-CSRFToken": tokens[index]}
            )
            outcomes.append((response.status_code, response.get_data(as_text=True)))
        return outcomes

    results = run_in_threads(THREADS, flush_outbox, timeout=300)
    outcomes = [outcome for thread in results for outcome in thread]
    assert not [body for _, body in outcomes if "locked" in body.lower()]
    assert Counter(status for status, _ in outcomes) == {201: THREADS * per_thread}
    assert observation_count(app) == THREADS * per_thread


def test_replays_interleaved_with_new_entries_keep_exact_counts(app, officer):
    """An outbox re-sending everything it holds on each flush, from several tabs at once."""
    bodies = [payload() for _ in range(10)]
    clients = [login(app.test_client(), officer) for _ in range(THREADS)]
    tokens = [csrf_token(c) for c in clients]

    def flush(index: int) -> list[int]:
        order = bodies[index:] + bodies[:index]
        return [
            clients[index].post(URL, json=b, headers={"X-CSRFToken": tokens[index]}).status_code
            for b in order
        ]

    statuses = Counter(s for thread in run_in_threads(THREADS, flush) for s in thread)
    assert statuses == {201: len(bodies), 200: len(bodies) * (THREADS - 1)}
    assert observation_count(app) == len(bodies)


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture
def pg_app(postgres_url: str, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """An app on a throw-away schema of the PostgreSQL server, whatever the suite runs on."""
    import psycopg

    schema = f"race_{uuid.uuid4().hex[:12]}"
    plain_url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in plain_url else "?"
    url = f"{plain_url}{separator}options={quote(f'-csearch_path={schema}')}"
    app = None
    try:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "PHOTO_DIR": str(tmp_path)})
        with app.app_context():
            assert db.session.execute(text("SELECT current_schema()")).scalar() == schema
            db.create_all()
            seed_reference_data()
        yield app
    finally:
        if app is not None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        with psycopg.connect(plain_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.mark.postgres
def test_parallel_duplicates_store_one_row_on_postgresql(pg_app):
    with pg_app.app_context():
        assert db.engine.dialect.name == "postgresql"
        officer = make_user(Role.OFFICER, "pg-officer")
    body = payload()
    results = race_duplicates(pg_app, officer, body)
    assert_one_row_from_the_race(pg_app, results, body)


@pytest.mark.postgres
def test_parallel_conflicts_and_duplicates_on_postgresql(pg_app):
    """Rounds of races on fresh ids, half replays and half conflicts: never a 5xx."""
    with pg_app.app_context():
        officer = make_user(Role.OFFICER, "pg-officer")
    clients = [login(pg_app.test_client(), officer) for _ in range(THREADS)]
    tokens = [csrf_token(c) for c in clients]
    for _ in range(5):
        base = payload()

        def post(index: int, base: dict[str, Any] = base) -> int:
            body = base if index % 2 else {**base, "note": f"v{index}"}
            return (
                clients[index]
                .post(URL, json=body, headers={"X-CSRFToken": tokens[index]})
                .status_code
            )

        statuses = Counter(run_in_threads(THREADS, post))
        assert statuses[201] == 1 and not [s for s in statuses if s >= 500], statuses
        assert statuses[201] + statuses[200] + statuses[409] == THREADS
    with pg_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Observation)) == 5
