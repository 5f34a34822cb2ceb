"""Backups: a round trip through `flask backup` and `flask restore` gives back every row and every
photo byte for byte, on SQLite and on PostgreSQL, with the photos in a folder or in the database
(TRYGG_PHOTO_BACKEND); a damaged backup is refused before it is used."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, text

from tests.conftest import make_user
from tests.security.world import build_world
from webapp import create_app
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.core.blobs import store
from webapp.extensions import db
from webapp.observations.models import Observation
from webapp.ops.backup.service import row_counts, stored_checksums
from webapp.ops.reference import seed_reference_data


def seeded_app(url: str, photos: Path, backend: str = "folder") -> Flask:
    """An app of its own (its own database and photo folder) with a world of records."""
    app = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": url, "PHOTO_DIR": str(photos), "PHOTO_BACKEND": backend},
    )
    with app.app_context():
        db.create_all()
        seed_reference_data()
        users = {
            "officer": make_user(Role.OFFICER, "officer"),
            "staff": make_user(Role.STAFF, "staff"),
            "coordinator": make_user(Role.COORDINATOR, "coordinator", organisation="police"),
            "admin": make_user(Role.ADMIN, "admin"),
        }
    build_world(app, users)
    return app


def state(app: Flask) -> tuple[dict[str, int], dict[str, str]]:
    with app.app_context():
        counts = row_counts()
        db.session.commit()
        return counts, stored_checksums(store())


def damage(app: Flask) -> None:
    """What a bad day does: rows gone, a photo gone, a photo changed, a stray new account."""
    with app.app_context():
        db.session.execute(delete(Observation))
        db.session.execute(delete(AuditEntry))
        make_user(Role.STAFF, "efteråt")
        blobs = store()
        keys = sorted(blobs.iter_keys())
        blobs.delete(keys[0])
        blobs.put(keys[1], b"not the photo any more")
        db.session.commit()


def cli(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def round_trip(app: Flask, dest: Path) -> None:
    before_counts, before_photos = state(app)
    assert sum(before_counts.values()) > 50 and len(before_photos) >= 6

    made = cli(app, "backup", str(dest))
    assert made.exit_code == 0, made.output
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["row_counts"] == before_counts
    assert manifest["photo_backend"] == app.config["PHOTO_BACKEND"]
    if app.config["PHOTO_BACKEND"] == "folder":
        assert manifest["photos"] == before_photos and manifest["stored_photos"] == {}
    else:  # inside the database file
        assert manifest["photos"] == {} and manifest["stored_photos"] == before_photos

    damage(app)
    assert state(app) != (before_counts, before_photos)

    restored = cli(app, "restore", str(dest), "--yes")
    assert restored.exit_code == 0, restored.output

    after_counts, after_photos = state(app)
    # backup.create was written after the copy, backup.restore after the restore
    assert after_counts.pop("audit_entries") == before_counts.pop("audit_entries") + 1
    assert after_counts == before_counts
    assert after_photos == before_photos
    with app.app_context():
        assert (
            db.session.execute(
                text("SELECT count(*) FROM users WHERE username = 'efteråt'")
            ).scalar()
            == 0
        )


@pytest.fixture
def sqlite_app(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    backend = getattr(request, "param", "folder")
    app = seeded_app("sqlite:///" + str(tmp_path / "live.sqlite"), tmp_path / "photos", backend)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("sqlite_app", ["folder", "database"], indirect=True)
def test_sqlite_backup_and_restore_give_back_every_row_and_photo(sqlite_app, tmp_path):
    round_trip(sqlite_app, tmp_path / "backup-1")


@pytest.mark.parametrize(
    ("sqlite_app", "restore_into"), [("folder", "database"), ("database", "folder")],
    indirect=["sqlite_app"],
)  # fmt: skip
def test_a_backup_restores_into_the_other_photo_backend(sqlite_app, tmp_path, restore_into):
    _counts, before_photos = state(sqlite_app)
    assert cli(sqlite_app, "backup", str(tmp_path / "b")).exit_code == 0
    sqlite_app.config["PHOTO_BACKEND"] = restore_into

    restored = cli(sqlite_app, "restore", str(tmp_path / "b"), "--yes")

    assert restored.exit_code == 0, restored.output
    assert state(sqlite_app)[1] == before_photos  # every photo, in the backend configured now
    checked = cli(sqlite_app, "photos", "check")
    assert checked.exit_code == 0, checked.output
    assert f"Photo store {restore_into}: {len(before_photos)} referenced, 0 bad" in checked.output


def test_a_backup_refuses_a_folder_that_is_not_empty(sqlite_app, tmp_path):
    dest = tmp_path / "used"
    dest.mkdir()
    (dest / "something").write_text("x")
    result = cli(sqlite_app, "backup", str(dest))
    assert result.exit_code != 0 and "not empty" in result.output


@pytest.mark.parametrize("target", ["photo", "database", "manifest"])
def test_a_damaged_backup_is_refused_before_anything_is_restored(sqlite_app, tmp_path, target):
    dest = tmp_path / "backup"
    assert cli(sqlite_app, "backup", str(dest)).exit_code == 0
    if target == "photo":
        next((dest / "photos").iterdir()).write_bytes(b"changed")
    elif target == "database":
        with (dest / "database.sqlite").open("ab") as handle:
            handle.write(b"\0")
    else:
        (dest / "manifest.json").write_text("{")
    with sqlite_app.app_context():
        make_user(Role.STAFF, "efter-backupen")
    before = state(sqlite_app)

    result = cli(sqlite_app, "restore", str(dest), "--yes")

    assert result.exit_code != 0
    assert "damaged" in result.output or "manifest" in result.output
    assert state(sqlite_app) == before


def test_verify_only_checks_the_backup_and_changes_nothing(sqlite_app, tmp_path):
    dest = tmp_path / "backup"
    cli(sqlite_app, "backup", str(dest))
    with sqlite_app.app_context():
        make_user(Role.STAFF, "efter-backupen")
    before = state(sqlite_app)

    result = cli(sqlite_app, "restore", str(dest), "--verify-only")

    assert result.exit_code == 0 and "undamaged" in result.output
    assert state(sqlite_app) == before


def test_a_manifest_naming_files_outside_the_backup_is_refused(sqlite_app, tmp_path):
    dest = tmp_path / "backup"
    cli(sqlite_app, "backup", str(dest))
    manifest = json.loads((dest / "manifest.json").read_text())
    manifest["photos"]["../../live.sqlite"] = "0" * 64
    (dest / "manifest.json").write_text(json.dumps(manifest))

    result = cli(sqlite_app, "restore", str(dest), "--yes")

    assert result.exit_code != 0 and "unsafe photo name" in result.output


def test_restore_asks_before_it_replaces_the_database(sqlite_app, tmp_path):
    dest = tmp_path / "backup"
    cli(sqlite_app, "backup", str(dest))
    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(dest)], input="n\n")
    assert result.exit_code != 0 and "Continue?" in result.output


# --- PostgreSQL: a throw-away database on the server of the postgres_url fixture -------------


@pytest.fixture
def postgres_app(
    postgres_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Flask]:
    import psycopg

    server = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"trygg_backup_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server.rpartition("/")
    app = seeded_app(f"{base}/{name}", tmp_path / "photos", getattr(request, "param", "folder"))
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.parametrize("postgres_app", ["folder", "database"], indirect=True)
def test_postgresql_backup_and_restore_give_back_every_row_and_photo(postgres_app, tmp_path):
    round_trip(postgres_app, tmp_path / "backup-pg")
    assert (tmp_path / "backup-pg" / "database.pgdump").read_bytes()[:5] == b"PGDMP"


@pytest.mark.postgres
def test_a_postgresql_backup_is_not_restored_into_sqlite(postgres_app, sqlite_app, tmp_path):
    dest = tmp_path / "backup-pg"
    assert cli(postgres_app, "backup", str(dest)).exit_code == 0
    result = cli(sqlite_app, "restore", str(dest), "--yes")
    assert result.exit_code != 0 and "postgresql" in result.output
