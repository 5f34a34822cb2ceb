"""SQLite writers queue for a lock file before BEGIN IMMEDIATE (webapp/core/storage.py).

SQLite's own busy handler sleeps and polls while the write lock is taken, so under load the lock
stands free while waiters sleep. Our connections wait in the kernel instead and are woken when
the holder commits. These tests check that the queue serialises writers across processes
(nothing lost), lets go on commit and rollback, and never makes a thread wait for itself.
"""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from webapp.core.storage import QueuedWriterConnection, tune_sqlite


def engine_for(path):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{path}")
    tune_sqlite(engine)
    return engine


@pytest.fixture
def db_path(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "queue.sqlite"
    engine = engine_for(path)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    engine.dispose()
    return path


def _increment(path, times: int) -> None:  # type: ignore[no-untyped-def]
    engine = engine_for(path)
    for _ in range(times):
        with engine.begin() as conn:  # read, then write: safe only inside one write transaction
            n = conn.execute(text("SELECT n FROM counter")).scalar_one()
            conn.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
    engine.dispose()


def test_connections_are_queued_writers_with_a_lock_file_beside_the_database(db_path):
    engine = engine_for(db_path)
    with engine.connect() as conn:
        assert isinstance(conn.connection.dbapi_connection, QueuedWriterConnection)
        conn.execute(text("SELECT 1"))
    engine.dispose()
    assert (db_path.parent / "queue.sqlite-writers.lock").exists()


def test_read_then_write_from_several_processes_loses_nothing(db_path):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_increment, args=(db_path, 100)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0

    engine = engine_for(db_path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 400
    engine.dispose()


def test_a_second_writer_waits_until_the_first_commits_or_rolls_back(db_path):
    engine = engine_for(db_path)
    order: list[str] = []

    def second() -> None:
        with engine.begin() as conn:
            order.append("second begins")
            conn.execute(text("UPDATE counter SET n = n + 10"))

    for ending in ("commit", "rollback"):
        order.clear()
        conn = engine.connect()
        transaction = conn.begin()
        conn.execute(text("UPDATE counter SET n = n + 1"))
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        order.append(f"first {ending}s")
        getattr(transaction, ending)()
        conn.close()
        thread.join(10)
        assert order == [f"first {ending}s", "second begins"]
    engine.dispose()


def test_a_thread_never_waits_for_its_own_lock(db_path):
    """Two connections in one thread: the second falls back to SQLite's busy timeout."""
    engine = engine_for(db_path)
    outcome: list[str] = []

    def nested() -> None:
        with engine.connect() as first:
            first.begin()
            first.execute(text("UPDATE counter SET n = n + 1"))
            with engine.connect() as second:
                # Straight to the driver: through SQLAlchemy the PRAGMA would begin first.
                second.connection.dbapi_connection.execute("PRAGMA busy_timeout = 200")
                try:
                    second.begin()
                    second.execute(text("SELECT 1"))
                except OperationalError as error:
                    outcome.append("locked" if "locked" in str(error) else str(error))
            first.rollback()

    thread = threading.Thread(target=nested, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the thread waited for itself"
    assert outcome == ["locked"]
    engine.dispose()
