"""A backup is a folder: the database file, photos/ and manifest.json.

The manifest holds the SHA-256 of every file and the row count of every table, so a restore can
refuse a damaged or incomplete backup before touching anything, and prove afterwards that what
it restored is what was saved.

Photos: with the folder backend they are copied into photos/ ("photos": file checksums); with
the database backend they are inside the database file, and "stored_photos" lists their
checksums. A restore puts every photo of the backup into the store configured now, whichever
backend made the backup, and compares each one's checksum with the manifest.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text

from webapp.core import blobs as blob_store
from webapp.core.blobs import BlobStore, DatabaseStore, store
from webapp.extensions import db
from webapp.ops.backup.database import POSTGRES_FILE, SQLITE_FILE, BackupError, dump, kind, load

MANIFEST = "manifest.json"
PHOTOS = "photos"
FORMAT = 1


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    """Rows per table of the live database (tables of our schema plus alembic_version)."""
    tables = set(inspect(db.engine).get_table_names())
    counts = {}
    for table in sorted(tables):
        counts[table] = db.session.execute(
            select(func.count()).select_from(text(_quoted(table)))
        ).scalar_one()
    return counts


def _quoted(table: str) -> str:
    return db.engine.dialect.identifier_preparer.quote(table)


def photo_checksums(directory: Path) -> dict[str, str]:
    return {
        path.name: sha256(path)
        for path in sorted(directory.iterdir())
        if path.is_file() and not path.name.endswith(".tmp")
    }


def stored_checksums(blobs: BlobStore) -> dict[str, str]:
    """SHA-256 of every blob in the store, read one chunk at a time."""
    sums = {}
    for key in list(blobs.iter_keys()):
        try:
            sums[key] = blob_store.digest(blobs.open(key))[0]
        except KeyError:  # deleted meanwhile
            continue
    return sums


def create_backup(dest: Path) -> dict[str, Any]:
    """Back up the database and the photo files into the empty or new folder `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: give a new folder for each backup")
    blobs = store()
    counts = row_counts()
    stored: dict[str, str] = {}
    if blobs.transactional:  # the photos are in the database file
        stored = {key: blobs.info(key).sha256 for key in blobs.iter_keys()}  # type: ignore[union-attr]
    db.session.commit()  # end the read transaction before the copy
    database = dump(dest)
    photos = dest / PHOTOS
    photos.mkdir()
    if not blobs.transactional:
        for name in list(blobs.iter_keys()):
            try:
                chunks = blobs.open(name)
            except KeyError:  # removed by retention meanwhile
                continue
            with (photos / name).open("wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "database": {"kind": kind(), "file": database.name, "sha256": sha256(database)},
        "row_counts": counts,
        # Checksums of the copies: a file that changed while it was copied shows up on restore.
        "photos": photo_checksums(photos),
        "photo_backend": blobs.name,
        "stored_photos": stored,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return manifest


def verify_backup(src: Path) -> dict[str, Any]:
    """The manifest, after checking that every file it names is there and unchanged."""
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{src} holds no readable {MANIFEST}: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    problems = []
    database = manifest["database"]
    if database["file"] not in (SQLITE_FILE, POSTGRES_FILE):
        problems.append(f"unexpected database file {database['file']!r}")
    else:
        problems += _check(src / database["file"], database["sha256"])
    for name, digest in manifest["photos"].items():
        if "/" in name or "\\" in name or name.startswith("."):
            problems.append(f"unsafe photo name {name!r}")
        else:
            problems += _check(src / PHOTOS / name, digest)
    if problems:
        raise BackupError("the backup is damaged: " + "; ".join(problems[:20]))
    return manifest


def _check(path: Path, digest: str) -> list[str]:
    if not path.is_file():
        return [f"{path.name} is missing"]
    if sha256(path) != digest:
        return [f"{path.name} does not match its checksum"]
    return []


def restore_backup(src: Path) -> dict[str, Any]:
    """Restore the database and the photos from `src`, then compare with the manifest.

    Returns {"row_counts": differences, "photos": differences, "extra_photos": names}. Photos
    the backup does not know (uploaded after it) are left in place and listed.
    """
    manifest = verify_backup(src)
    if manifest["database"]["kind"] != kind():
        raise BackupError(
            f"the backup is of a {manifest['database']['kind']} database, this app uses {kind()}"
        )
    load(src / manifest["database"]["file"])
    counts = row_counts()  # before photo files go into a database store
    db.session.commit()
    target = store()
    for name in manifest["photos"]:
        with (src / PHOTOS / name).open("rb") as handle:
            target.put(name, iter(lambda: handle.read(1 << 18), b""))
        db.session.commit()
    expected = dict(manifest["photos"])
    stored = manifest.get("stored_photos") or {}
    expected.update(stored)
    if stored and not target.transactional:
        # A backup of the database backend restored with the folder backend: the photos came
        # back inside the database; copy them into the folder (the rows stay, as after a move).
        inside = DatabaseStore()
        for name in stored:
            try:
                target.put(name, inside.open(name))
            except KeyError:
                continue
    restored_photos = stored_checksums(target)
    db.session.commit()
    return {
        "row_counts": {
            table: (expected, counts.get(table))
            for table, expected in manifest["row_counts"].items()
            if counts.get(table) != expected
        },
        "photos": sorted(
            name for name, checksum in expected.items() if restored_photos.get(name) != checksum
        ),
        "extra_photos": sorted(set(restored_photos) - set(expected)),
    }
