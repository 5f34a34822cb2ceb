"""flask photos move|check: photos between the folder and the database backend, verified by the
rows' SHA-256, resumable after an interruption, on SQLite and PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.security.world import World, build_world
from webapp.core.audit.models import AuditEntry
from webapp.core.blobs import CHUNK, DatabaseStore, PhotoBlob, PhotoChunk, make_store
from webapp.extensions import db
from webapp.observations.models import Observation, Photo
from webapp.walks.models import WalkSpotPhoto

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    app.config["PHOTO_BACKEND"] = "folder"
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


def cli(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["photos", *args])


def rows(app: Flask) -> dict[str, str]:
    """storage name -> sha256 of every photo row (observation and walk-spot photos)."""
    with app.app_context():
        found = {}
        for model in (Photo, WalkSpotPhoto):
            for name, sha in db.session.execute(select(model.storage_name, model.sha256)):
                found[name] = sha
        return found


def contents(app: Flask, backend: str) -> dict[str, str]:
    """key -> sha256 of the bytes actually in that backend."""
    with app.app_context():
        blobs = make_store(app, backend)
        sums = {
            key: hashlib.sha256(b"".join(blobs.open(key))).hexdigest()
            for key in list(blobs.iter_keys())
        }
        db.session.commit()
        return sums


def test_move_folder_to_database_and_back_with_checksums(app, world):
    expected = rows(app)
    assert len(expected) >= 6
    assert contents(app, "folder") == expected and contents(app, "database") == {}

    moved = cli(app, "move", "--from", "folder", "--to", "database")
    assert moved.exit_code == 0, moved.output
    assert f"copied {len(expected)}, already there 0" in moved.output
    assert contents(app, "database") == expected
    assert contents(app, "folder") == expected  # kept without --delete-source

    app.config["PHOTO_BACKEND"] = "database"
    checked = cli(app, "check")
    assert checked.exit_code == 0, checked.output
    assert f"database: {len(expected)} referenced, 0 bad, 0 unreferenced" in checked.output
    # The API serves them from the database now: the folder is no longer read.
    for name in list(Path(app.config["PHOTO_DIR"]).iterdir()):
        name.unlink()
    with app.app_context():
        photo = db.session.execute(select(Photo)).scalars().first()
        author, photo_id, name = photo.author_id, photo.id, photo.storage_name
    from tests.conftest import login
    from webapp.auth.models import User

    with app.app_context():
        user = db.session.get(User, author)
        db.session.expunge(user)
    client = login(app.test_client(), user)
    served = client.get(f"/api/v1/photos/{photo_id}.jpg")
    assert served.status_code == 200
    assert hashlib.sha256(served.data).hexdigest() == expected[name]

    back = cli(app, "move", "--from", "database", "--to", "folder", "--delete-source")
    assert back.exit_code == 0, back.output
    assert f"copied {len(expected)}" in back.output
    assert f"sources deleted {len(expected)}" in back.output
    assert contents(app, "folder") == expected and contents(app, "database") == {}
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(PhotoChunk)).scalar() == 0
        moves = db.session.execute(
            select(AuditEntry).where(AuditEntry.action == "photos.move")
        ).scalars()
        assert [(e.detail["from_backend"], e.detail["copied"]) for e in moves] == [
            ("folder", len(expected)),
            ("database", len(expected)),
        ]


def test_an_interrupted_move_resumes_where_it_stopped(app, world):
    expected = rows(app)

    first = cli(app, "move", "--from", "folder", "--to", "database", "--limit", "2")
    assert first.exit_code == 0, first.output
    assert "copied 2, already there 0" in first.output
    assert len(contents(app, "database")) == 2

    again = cli(app, "move", "--from", "folder", "--to", "database", "--delete-source")
    assert again.exit_code == 0, again.output
    assert f"copied {len(expected) - 2}, already there 2" in again.output
    assert f"sources deleted {len(expected)}" in again.output
    assert contents(app, "database") == expected
    assert contents(app, "folder") == {}

    third = cli(app, "move", "--from", "folder", "--to", "database")
    assert third.exit_code == 0, third.output
    assert f"copied 0, already there {len(expected)}" in third.output


def test_a_damaged_or_missing_source_is_reported_and_left_alone(app, world):
    expected = rows(app)
    damaged, missing = sorted(expected)[:2]
    folder = Path(app.config["PHOTO_DIR"])
    (folder / damaged).write_bytes(b"not the photo any more")
    (folder / missing).unlink()

    result = cli(app, "move", "--from", "folder", "--to", "database")

    assert result.exit_code != 0
    assert f"checksum differs in folder: {damaged}" in result.output
    assert f"missing in folder: {missing}" in result.output
    assert f"copied {len(expected) - 2}" in result.output
    assert set(contents(app, "database")) == set(expected) - {damaged, missing}
    assert (folder / damaged).read_bytes() == b"not the photo any more"

    checked = cli(app, "check")  # the folder backend is configured
    assert checked.exit_code != 0
    assert f"checksum differs: {damaged}" in checked.output
    assert f"missing: {missing}" in checked.output
    assert "2 bad" in checked.output


def test_move_refuses_the_same_backend_twice(app):
    result = cli(app, "move", "--from", "folder", "--to", "folder")
    assert result.exit_code != 0 and "same backend" in result.output


def test_database_store_streams_a_large_blob_in_chunks_inside_the_transaction(app):
    data = os.urandom(CHUNK * 3 + 1234)
    with app.app_context():
        blobs = DatabaseStore()
        info = blobs.put("big.jpg", data)
        assert info.sha256 == hashlib.sha256(data).hexdigest() and info.size_bytes == len(data)
        db.session.rollback()  # the caller's transaction decides
        assert not blobs.exists("big.jpg")

        blobs.put("big.jpg", data)
        db.session.commit()
        assert [len(c) for c in blobs.open("big.jpg")] == [CHUNK, CHUNK, CHUNK, 1234]
        assert b"".join(blobs.stream("big.jpg")) == data
        blob = db.session.get(PhotoBlob, "big.jpg")
        assert (blob.chunks, blob.size_bytes) == (4, len(data))

        blobs.put("big.jpg", b"small")  # a key put again is replaced
        db.session.commit()
        assert b"".join(blobs.open("big.jpg")) == b"small"
        blobs.delete("big.jpg")
        db.session.commit()
        assert not blobs.exists("big.jpg")
        assert db.session.execute(select(func.count()).select_from(PhotoChunk)).scalar() == 0
        with pytest.raises(KeyError):
            blobs.open("big.jpg")


def test_a_move_killed_mid_way_is_finished_by_running_it_again(app, officer, database_url):
    """A real `flask photos move` process is SIGKILLed after its first commits; the second run
    copies only the rest, and no half-copied photo was left behind."""
    from datetime import UTC, datetime

    from webapp.core.blobs import store
    from webapp.observations.photos import new_storage_name

    count = 40
    with app.app_context():
        observation = Observation(
            id=str(uuid.uuid4()), lat=59.8366, lon=13.144, observed_at=datetime.now(UTC),
            category_code="belysning", note="", visibility="police", author_id=officer.id,
            content_hash="x",
        )  # fmt: skip
        db.session.add(observation)
        for _ in range(count):
            data = os.urandom(CHUNK * 2 + 100)  # three chunks each
            name = new_storage_name()
            store().put(name, data)
            db.session.add(
                Photo(
                    id=str(uuid.uuid4()),
                    observation_id=observation.id,
                    storage_name=name,
                    width=1,
                    height=1,
                    size_bytes=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    upload_sha256="x",
                    author_id=officer.id,
                )  # fmt: skip
            )
        db.session.commit()
    expected = rows(app)
    env = {
        **os.environ,
        "TRYGG_ENV": "testing",
        "DATABASE_URL": database_url,
        "TRYGG_PHOTO_DIR": app.config["PHOTO_DIR"],
    }
    command = [sys.executable, "-m", "flask", "--app", "webapp", "photos", "move"]
    process = subprocess.Popen(  # noqa: S603 - our own command
        [*command, "--from", "folder", "--to", "database"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if copied_so_far(app) >= 3:
                break
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    done = copied_so_far(app)
    print(f"[photos move] killed after {done} of {count} photos were copied")
    assert 3 <= done < count, f"the move was not caught mid-way ({done} of {count} copied)"
    in_database = contents(app, "database")
    assert all(in_database[key] == expected[key] for key in in_database)  # nothing half-copied

    again = cli(app, "move", "--from", "folder", "--to", "database")

    assert again.exit_code == 0, again.output
    assert f"copied {count - len(in_database)}, already there {len(in_database)}" in again.output
    assert contents(app, "database") == expected


def copied_so_far(app: Flask) -> int:
    with app.app_context():
        found = db.session.execute(select(func.count()).select_from(PhotoBlob)).scalar_one()
        db.session.commit()
        return found


def test_the_backend_comes_from_trygg_photo_backend_and_a_wrong_one_is_refused(
    monkeypatch, tmp_path
):
    from webapp import create_app
    from webapp.config import ConfigError
    from webapp.core.blobs import store

    url = "sqlite:///" + str(tmp_path / "x.sqlite")
    monkeypatch.setenv("TRYGG_PHOTO_BACKEND", "database")
    chosen = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with chosen.app_context():
        assert store().name == "database"
    monkeypatch.delenv("TRYGG_PHOTO_BACKEND")
    default = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with default.app_context():
        assert store().name == "folder"

    monkeypatch.setenv("TRYGG_PHOTO_BACKEND", "s3")
    with pytest.raises(ConfigError, match="TRYGG_PHOTO_BACKEND must be one of database, folder"):
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
