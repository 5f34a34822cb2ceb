"""Storing a record made on a phone exactly once, keyed by the UUID the phone gave it.

The outbox may send one record many times (retries, two tabs, a flaky proxy). The database is
the judge: the client UUID is the primary key, so two racing inserts cannot both succeed. A
replay with the same content (same hash, same author) is answered with the stored record; the
same UUID with other content is a conflict.
"""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Row as DbRow
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import Insert

from webapp.extensions import db


class ClientKeyed(Protocol):
    id: Any
    author_id: int
    content_hash: str


Row = TypeVar("Row", bound=ClientKeyed)


class ConflictError(Exception):
    """The UUID is taken by a record with other content or another author."""

    def __init__(self, existing: Any) -> None:
        super().__init__(existing.id)
        self.existing = existing


def located(record_id: str, lat: float, lon: float) -> dict[str, Any]:
    """The part every placed record's replay content starts with: its id and its position, to 7
    decimals (about a centimetre), so a position sent again with other last digits is the same."""
    return {"id": record_id, "lat": round(lat, 7), "lon": round(lon, 7)}


def content_digest(canonical: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON form: key order and non-ASCII spelling do not matter."""
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def insert_once(row: Row) -> tuple[Row, bool]:
    """Insert `row` or recognise a replay. Returns (row, created); the caller commits.

    Must be the first write of the transaction: a refused insert rolls the session back, with
    whatever else was added to the session beside `row` (e.g. its audit entry, flushed with it).
    """
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.get(type(row), row.id)
        if existing is None:  # the constraint that failed was not the key: a real error
            raise
        return _replayed(existing, row.content_hash, row.author_id), False
    return row, True


def _replayed(existing: Any, content_hash: str, author_id: int) -> Any:
    """`existing` if the refused record was a replay of it (same content, same author), else
    ConflictError."""
    if existing.content_hash != content_hash or existing.author_id != author_id:
        raise ConflictError(existing)
    return existing


# INSERT ... ON CONFLICT (primary key) DO NOTHING RETURNING every column, per (dialect, table):
# built once, so executing it finds its compiled form in the cache without building a key.
_INSERT_NEW: dict[tuple[str, Table], Insert] = {}
_DIALECTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def insert_new(connection: Connection, table: Table, values: dict[str, Any]) -> DbRow[Any] | None:
    """One Core statement: insert `values` and return the stored row, or None when the primary
    key is taken (a replay, a conflict, or a racing request that committed first).

    insert_once() without the ORM's unit of work and without an error to recover from: a taken
    key neither raises nor spoils the transaction (on PostgreSQL a failed statement would), so
    a batch needs no savepoint per item. Any other constraint still raises IntegrityError.
    """
    key = (connection.dialect.name, table)
    statement = _INSERT_NEW.get(key)
    if statement is None:
        primary_key = list(table.primary_key.columns)
        statement = (
            _DIALECTS[key[0]](table)
            .on_conflict_do_nothing(index_elements=primary_key)
            .returning(*table.columns)
        )
        _INSERT_NEW[key] = statement
    return connection.execute(statement, values).first()


def insert_or_replay(
    connection: Connection, model: Any, values: dict[str, Any]
) -> tuple[Any, bool]:
    """insert_once() with one Core statement: (the stored row, True), or (the stored record,
    False) for a replay; ConflictError for other content or another author under the id."""
    row = insert_new(connection, model.__table__, values)
    if row is not None:
        return row, True
    return replay_of(model, values), False


def replay_of(model: Any, values: dict[str, Any]) -> Any:
    """After an insert that met a taken key: the stored record if `values` replay it, else
    ConflictError (other content, another author, or a record removed again since)."""
    existing = db.session.get(model, values["id"])
    if existing is None:  # removed again since (retention, an undone race): not ours to judge
        raise ConflictError(SimpleNamespace(id=values["id"]))
    return _replayed(existing, values["content_hash"], values["author_id"])
