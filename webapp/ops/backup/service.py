"""A backup is a folder: the database file, photos/ and manifest.json.

The manifest holds the SHA-256 of every file and the row count of every table, so a restore can
refuse a damaged or incomplete backup before touching anything, and prove afterwards that what
it restored is what was saved.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text

from webapp.extensions import db
from webapp.observations.photos import photo_dir
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


def create_backup(dest: Path) -> dict[str, Any]:
    """Back up the database and the photo files into the empty or new folder `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: give a new folder for each backup")
    counts = row_counts()
    db.session.commit()  # end the read transaction before the copy
    database = dump(dest)
    photos = dest / PHOTOS
    photos.mkdir()
    source = photo_dir()
    for name in photo_checksums(source):
        shutil.copy2(source / name, photos / name)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "database": {"kind": kind(), "file": database.name, "sha256": sha256(database)},
        "row_counts": counts,
        # Checksums of the copies: a file that changed while it was copied shows up on restore.
        "photos": photo_checksums(photos),
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

    Returns {"row_counts": differences, "photos": differences, "extra_photos": names}. Photo
    files the backup does not know (uploaded after it) are left in place and listed.
    """
    manifest = verify_backup(src)
    if manifest["database"]["kind"] != kind():
        raise BackupError(
            f"the backup is of a {manifest['database']['kind']} database, this app uses {kind()}"
        )
    load(src / manifest["database"]["file"])
    target = photo_dir()
    for name in manifest["photos"]:
        tmp = target / (name + ".tmp")
        shutil.copy2(src / PHOTOS / name, tmp)
        tmp.replace(target / name)
    counts = row_counts()
    db.session.commit()
    restored_photos = photo_checksums(target)
    return {
        "row_counts": {
            table: (expected, counts.get(table))
            for table, expected in manifest["row_counts"].items()
            if counts.get(table) != expected
        },
        "photos": sorted(
            name
            for name, digest in manifest["photos"].items()
            if restored_photos.get(name) != digest
        ),
        "extra_photos": sorted(set(restored_photos) - set(manifest["photos"])),
    }
