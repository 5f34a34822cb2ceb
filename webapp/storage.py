"""Database engine tuning.

SQLite is the zero-set-up default, so it must survive many phones syncing at once: WAL lets
readers and the writer work side by side, busy_timeout makes a writer wait instead of failing,
and BEGIN IMMEDIATE takes the write lock at the start of a transaction. Python's sqlite3 module
would otherwise open a deferred transaction whose later upgrade to a write lock fails at once
with "database is locked", timeout or not (SQLAlchemy docs, SQLite dialect, "Serializable
isolation / Savepoints / Transactional DDL").
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000


def init_storage(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            tune_sqlite(engine)


def tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")
