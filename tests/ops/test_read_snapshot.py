"""Long reads on SQLite do not hold the writer lock (webapp/core/storage.py, read_snapshot).

Every SQLite transaction of ours takes the writer lock at BEGIN, so without a read snapshot a
coordinator's 10-second export makes every phone's submit wait 10 seconds. These tests use their
own SQLite file whatever TEST_DATABASE_URL says: the behaviour is SQLite's (on PostgreSQL
readers never block writers and read_snapshot does nothing).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from webapp import create_app
from webapp.core.audit.models import AuditEntry
from webapp.core.storage import read_snapshot
from webapp.extensions import db

WAIT_S = 10  # generous for a loaded machine; a writer that is not blocked needs milliseconds


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("snapshot")
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'snap.sqlite'}",
            "PHOTO_DIR": str(folder),
        },
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def entries(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def write_entry(app: Flask, done: threading.Event) -> None:
    """Another request: one write, committed."""
    with app.app_context():
        db.session.add(AuditEntry(action="test.write", actor_label="writer", detail={}))
        db.session.commit()
        db.session.remove()
    done.set()


def hold_a_read(app: Flask, *, snapshot: bool, reading: threading.Event, release: threading.Event):  # type: ignore[no-untyped-def]
    """A request that reads, then keeps its transaction open until told to go on."""
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(AuditEntry))  # like loading the user
        if snapshot:
            with read_snapshot():
                db.session.scalar(select(func.count()).select_from(AuditEntry))
                reading.set()
                release.wait(WAIT_S)
        else:
            db.session.scalar(select(func.count()).select_from(AuditEntry))
            reading.set()
            release.wait(WAIT_S)
        # The read's own audit entry, written after the snapshot although another connection
        # committed meanwhile: a fresh write transaction, not an upgrade of the stale snapshot.
        db.session.add(AuditEntry(action="test.read", actor_label="reader", detail={}))
        db.session.commit()
        db.session.remove()


def run_reader_and_writer(app: Flask, *, snapshot: bool) -> bool:
    """True when the writer finished while the reader was still inside its read."""
    reading, release, written = threading.Event(), threading.Event(), threading.Event()
    reader = threading.Thread(
        target=hold_a_read, args=(app,), kwargs={"snapshot": snapshot, "reading": reading,
                                                 "release": release},
    )  # fmt: skip
    reader.start()
    assert reading.wait(WAIT_S)
    writer = threading.Thread(target=write_entry, args=(app, written))
    writer.start()
    # Without a snapshot the writer cannot finish while the reader holds the lock, so a short
    # wait is enough to see it blocked; with one it must get through within the long wait.
    finished_during_read = written.wait(WAIT_S if snapshot else 1.0)
    release.set()
    reader.join(WAIT_S)
    writer.join(WAIT_S)
    assert not reader.is_alive() and not writer.is_alive()
    return finished_during_read


def test_a_write_gets_through_while_a_long_read_runs_in_a_snapshot(sqlite_app):
    before = entries(sqlite_app)
    assert run_reader_and_writer(sqlite_app, snapshot=True)
    assert entries(sqlite_app) == before + 2  # the write and the read's audit entry


def test_without_a_snapshot_the_same_write_waits_for_the_read(sqlite_app):
    """The control: shows the test above would fail if read_snapshot held the lock."""
    before = entries(sqlite_app)
    assert not run_reader_and_writer(sqlite_app, snapshot=False)
    assert entries(sqlite_app) == before + 2


def test_a_write_inside_a_snapshot_is_refused_and_the_session_goes_on(sqlite_app):
    with sqlite_app.app_context():
        with pytest.raises(OperationalError, match="readonly"), read_snapshot():
            db.session.add(AuditEntry(action="test.sneaky", actor_label="x", detail={}))
            db.session.flush()
        db.session.add(AuditEntry(action="test.after", actor_label="x", detail={}))
        db.session.commit()
        actions = set(db.session.scalars(select(AuditEntry.action)))
        db.session.remove()
    assert "test.after" in actions and "test.sneaky" not in actions


def test_objects_loaded_before_the_snapshot_stay_loaded(sqlite_app):
    with sqlite_app.app_context():
        db.session.add(AuditEntry(action="test.keep", actor_label="kept", detail={}))
        db.session.commit()
        entry = db.session.scalars(select(AuditEntry).filter_by(action="test.keep")).first()
        with read_snapshot():
            pass
        # Not expired by the snapshot's commits: reading it runs no query (and no transaction).
        assert "actor_label" in entry.__dict__ and entry.actor_label == "kept"
        db.session.remove()
