"""Copying the database out and back in: SQLite's online backup API, or pg_dump/pg_restore.

The database tools are the only outside programs here; their names come from the PG_DUMP and
PG_RESTORE settings so a server with several PostgreSQL versions can name the right ones.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore with fixed arguments, no shell
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import URL

from webapp.extensions import db

SQLITE_FILE = "database.sqlite"
POSTGRES_FILE = "database.pgdump"


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why."""


def kind() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def dump(dest: Path) -> Path:
    """Write a consistent copy of the live database into `dest`; returns the file."""
    if kind() == "sqlite":
        target = dest / SQLITE_FILE
        # The online backup API copies page by page under a read lock: writers may go on.
        with _sqlite(_sqlite_path(), read_only=True) as source, _sqlite(target) as copy:
            source.backup(copy)
        return target
    target = dest / POSTGRES_FILE
    _run(
        current_app.config.get("PG_DUMP", "pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={target}",
    )
    return target


def load(source: Path) -> None:
    """Replace the live database's content with the backup's (the app should be stopped)."""
    db.session.remove()
    db.engine.dispose()
    if kind() == "sqlite":
        with _sqlite(source, read_only=True) as backup, _sqlite(_sqlite_path()) as live:
            backup.backup(live)
    else:
        # --clean drops what the dump recreates; one transaction: all of it or nothing.
        _run(
            current_app.config.get("PG_RESTORE", "pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            str(source),
        )
    db.engine.dispose()


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


class _sqlite:
    """A plain sqlite3 connection as a context manager that always closes."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        self.connection = sqlite3.connect(uri, uri=True)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _run(program: str, *args: str) -> None:
    """Run a PostgreSQL tool against the app's database; the password goes in the environment,
    never on the command line where other users of the machine could read it."""
    url: URL = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    connection = [f"--dbname={url.database}"]
    if url.host:
        connection.append(f"--host={url.host}")
    if url.port:
        connection.append(f"--port={url.port}")
    if url.username:
        connection.append(f"--username={url.username}")
    try:
        result = subprocess.run(  # noqa: S603 - argument list, no shell
            [program, *connection, "--no-password", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise BackupError(f"{program} is not installed (set PG_DUMP/PG_RESTORE)") from None
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()[-2000:]}")
