"""Database engine tuning.

SQLite is the zero-set-up default, so it must survive many phones syncing at once: WAL lets
readers and the writer work side by side, busy_timeout makes a writer wait instead of failing,
and BEGIN IMMEDIATE takes the write lock at the start of a transaction. Python's sqlite3 module
would otherwise open a deferred transaction whose later upgrade to a write lock fails at once
with "database is locked", timeout or not (SQLAlchemy docs, SQLite dialect, "Serializable
isolation / Savepoints / Transactional DDL").

SQLite has one writer at a time, and a writer that finds the lock taken sleeps and polls (1, 2,
5, 10 ... 100 ms apart), so under load the lock stands free while the waiters sleep: with four
gunicorn workers the submit benchmark spent most of its time there (bench/README.md). So our
connections first queue for an advisory lock on a file beside the database (flock, one open file
per connection, so threads and processes queue alike, and the kernel wakes the next waiter the
moment the lock is released), then BEGIN IMMEDIATE, which then rarely waits. The lock is
released right after COMMIT or ROLLBACK. Other programs writing to the file (the sqlite3 shell,
a backup) do not queue and are covered by busy_timeout as before. A thread that already holds
the queue through another connection does not queue again (it would wait for itself); SQLite's
own busy handling applies to that second connection, as it did before.

Long reads (the map's GeoJSON, exports, the council report) would hold that lock for seconds and
make every phone's submit wait; they run in `read_snapshot()`, a plain deferred transaction: a
WAL snapshot that writers pass by.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.extensions import db

try:
    import fcntl
except ImportError:  # Windows: no flock; SQLite's own busy handling only
    fcntl = None  # type: ignore[assignment]

SQLITE_BUSY_TIMEOUT_MS = 15_000

_holder = threading.local()  # .connection: the connection through which this thread queued
_reading: ContextVar[bool] = ContextVar("trygg_sqlite_read_snapshot", default=False)


class QueuedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection that queues for the writer lock file before BEGIN IMMEDIATE."""

    lock_path: str | None = None
    _lock_fd: int | None = None
    _locked = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def close(self) -> None:
        try:
            self.end_turn()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
        finally:
            super().close()

    def wait_for_turn(self) -> None:
        if self.lock_path is None or getattr(_holder, "connection", None) is not None:
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)  # waits in the kernel, GIL released
        self._locked = True
        _holder.connection = self

    def end_turn(self) -> None:
        if self._locked:
            self._locked = False
            if getattr(_holder, "connection", None) is self:
                _holder.connection = None
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)  # type: ignore[arg-type]


def init_storage(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            tune_sqlite(engine)


def _lock_path(engine: Engine) -> str | None:
    database = engine.url.database
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        return None  # in-memory or URI file names: no queue, SQLite's busy handling only
    return os.path.abspath(database) + "-writers.lock"


def tune_sqlite(engine: Engine) -> None:
    lock_path = _lock_path(engine)

    @event.listens_for(engine, "do_connect")
    def on_do_connect(_dialect, _record, _cargs, cparams: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
        cparams.setdefault("factory", QueuedWriterConnection)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        if isinstance(dbapi_connection, QueuedWriterConnection):
            dbapi_connection.lock_path = lock_path
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection = conn.connection.dbapi_connection
        _set_query_only(dbapi_connection, _reading.get())
        if _reading.get():
            conn.exec_driver_sql("BEGIN")  # deferred: a read snapshot, no writer lock, no queue
            return
        queued = isinstance(dbapi_connection, QueuedWriterConnection)
        if queued:
            dbapi_connection.wait_for_turn()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if queued:
                dbapi_connection.end_turn()
            raise


def _set_query_only(dbapi_connection: Any, on: bool) -> None:
    """A read snapshot refuses writes at once ("attempt to write a readonly database") instead
    of trying to upgrade a stale snapshot, which SQLite refuses too, but only under load."""
    if getattr(dbapi_connection, "trygg_query_only", False) != on:
        dbapi_connection.execute(f"PRAGMA query_only = {int(on)}")
        dbapi_connection.trygg_query_only = on


def _end_transaction(*, failed: bool = False) -> None:
    """End the session's transaction but keep what it loaded (current_user, rows to render)."""
    session = db.session()
    if failed:
        session.rollback()
        return
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


@contextmanager
def read_snapshot() -> Iterator[None]:
    """Run a long read without holding SQLite's writer lock; the block must not write.

    The open transaction is ended first (loading the user took the lock) and the snapshot when
    the block ends, so the write that follows (the audit entry of the read) begins a fresh
    IMMEDIATE transaction. On PostgreSQL readers never block writers: nothing to do.
    """
    if db.engine.dialect.name != "sqlite":
        yield
        return
    _end_transaction()
    token = _reading.set(True)
    try:
        yield
    except BaseException:
        _end_transaction(failed=True)
        raise
    else:
        _end_transaction()
    finally:
        _reading.reset(token)


@contextmanager
def snapshot_connection(engine: Engine) -> Iterator[Any]:
    """A pooled connection for one short read outside the session (a streamed response): on
    SQLite a read snapshot, so it neither takes nor waits for the writer lock."""
    token = _reading.set(True)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        _reading.reset(token)
