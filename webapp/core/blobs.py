"""The store of files the app keeps (photos of observations and walk spots, any later file).

Two backends, chosen by PHOTO_BACKEND (TRYGG_PHOTO_BACKEND):

- "folder" (the default, one node): files under PHOTO_DIR (default instance/photos).
- "database" (several nodes): rows in photo_blobs + photo_chunks (256 KiB each) in the app's
  database, so every node serves every file. Writes join the caller's transaction: a photo row
  and its bytes commit together or not at all. Reading goes one chunk per statement, so neither
  a big file nor the table is ever held in memory.

Keys are bare file names chosen by the app (the storage_name columns); the row that names a key
holds its SHA-256, the checksum `flask photos move|check` compare against.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from flask import Flask, Response, current_app, request
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.dbtypes import UTCDateTime, utcnow
from webapp.core.storage import snapshot_connection
from webapp.extensions import db

CHUNK = 256 * 1024
BACKENDS = ("database", "folder")


class PhotoBlob(db.Model):
    __tablename__ = "photo_blobs"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    chunks: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PhotoChunk(db.Model):
    __tablename__ = "photo_chunks"

    key: Mapped[str] = mapped_column(
        ForeignKey("photo_blobs.key", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    # bytea on PostgreSQL (TOASTed on its own), BLOB on SQLite.
    data: Mapped[bytes] = mapped_column(LargeBinary)


@dataclass(frozen=True)
class BlobInfo:
    key: str
    size_bytes: int
    sha256: str | None  # None: the folder backend does not keep one (hash the bytes)


class BlobStore(Protocol):
    name: str
    transactional: bool  # True: put/delete take effect with the caller's commit

    def put(self, key: str, data: bytes | Iterable[bytes]) -> BlobInfo: ...
    def open(self, key: str) -> Iterator[bytes]: ...
    def stream(self, key: str) -> Iterator[bytes]: ...
    def info(self, key: str) -> BlobInfo | None: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def iter_keys(self) -> Iterator[str]: ...


def check_key(key: str) -> str:
    """Keys come from our own database, but refuse anything that is not a bare name."""
    if not key or "/" in key or "\\" in key or key.startswith(".") or len(key) > 80:
        raise ValueError("bad blob key")
    return key


def _chunks(data: bytes | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start : start + CHUNK])
        return
    buffer = b""
    for piece in data:
        buffer += piece
        while len(buffer) >= CHUNK:
            yield buffer[:CHUNK]
            buffer = buffer[CHUNK:]
    if buffer:
        yield buffer


def digest(chunks: Iterable[bytes]) -> tuple[str, int]:
    """(SHA-256, size) of a stream of chunks."""
    hashed, size = hashlib.sha256(), 0
    for chunk in chunks:
        hashed.update(chunk)
        size += len(chunk)
    return hashed.hexdigest(), size


class FolderStore:
    name = "folder"
    transactional = False

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, key: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory / check_key(key)

    def put(self, key: str, data: bytes | Iterable[bytes]) -> BlobInfo:
        path = self.path(key)
        tmp = path.with_name(path.name + ".tmp")
        hashed, size = hashlib.sha256(), 0
        with tmp.open("wb") as handle:
            for chunk in _chunks(data):
                hashed.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        tmp.replace(path)  # readers see the whole file or none
        return BlobInfo(key, size, hashed.hexdigest())

    def open(self, key: str) -> Iterator[bytes]:
        try:
            handle = self.path(key).open("rb")
        except FileNotFoundError:
            raise KeyError(key) from None

        def read() -> Iterator[bytes]:
            with handle:
                yield from iter(lambda: handle.read(CHUNK), b"")

        return read()

    stream = open

    def info(self, key: str) -> BlobInfo | None:
        try:
            size = self.path(key).stat().st_size
        except FileNotFoundError:
            return None
        return BlobInfo(key, size, None)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def iter_keys(self) -> Iterator[str]:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.iterdir()):
            if path.is_file() and not path.name.endswith(".tmp") and not path.name.startswith("."):
                yield path.name


class DatabaseStore:
    name = "database"
    transactional = True

    def put(self, key: str, data: bytes | Iterable[bytes]) -> BlobInfo:
        """Add the blob to the current transaction; a key already present is replaced."""
        check_key(key)
        self.delete(key)
        hashed, size, seq = hashlib.sha256(), 0, 0
        db.session.execute(
            PhotoBlob.__table__.insert().values(
                key=key, size_bytes=0, sha256="", chunks=0, created_at=utcnow()
            )
        )
        for chunk in _chunks(data):
            hashed.update(chunk)
            size += len(chunk)
            db.session.execute(PhotoChunk.__table__.insert().values(key=key, seq=seq, data=chunk))
            seq += 1
        sha = hashed.hexdigest()
        db.session.execute(
            PhotoBlob.__table__.update()
            .where(PhotoBlob.key == key)
            .values(size_bytes=size, sha256=sha, chunks=seq)
        )
        return BlobInfo(key, size, sha)

    def _count(self, key: str) -> int:
        count = db.session.execute(
            select(PhotoBlob.chunks).where(PhotoBlob.key == check_key(key))
        ).scalar_one_or_none()
        if count is None:
            raise KeyError(key)
        return count

    def open(self, key: str) -> Iterator[bytes]:
        """The chunks through the session (inside a request or command): one per statement."""
        count = self._count(key)

        def read() -> Iterator[bytes]:
            for seq in range(count):
                data = db.session.execute(
                    select(PhotoChunk.data).where(PhotoChunk.key == key, PhotoChunk.seq == seq)
                ).scalar_one_or_none()
                if data is None:  # deleted while being read
                    raise KeyError(key)
                yield bytes(data)

        return read()

    def stream(self, key: str) -> Iterator[bytes]:
        """The chunks for a response, read after the view returned: one short read snapshot
        per chunk on a pooled connection (no writer lock on SQLite, no cursor kept open)."""
        count = self._count(key)
        engine = db.engine

        def read() -> Iterator[bytes]:
            for seq in range(count):
                with snapshot_connection(engine) as conn:
                    data = conn.execute(
                        select(PhotoChunk.data).where(PhotoChunk.key == key, PhotoChunk.seq == seq)
                    ).scalar_one_or_none()
                if data is None:  # deleted (retention) while being read
                    return
                yield bytes(data)

        return read()

    def info(self, key: str) -> BlobInfo | None:
        row = db.session.execute(
            select(PhotoBlob.size_bytes, PhotoBlob.sha256).where(PhotoBlob.key == check_key(key))
        ).first()
        return BlobInfo(key, row.size_bytes, row.sha256) if row else None

    def exists(self, key: str) -> bool:
        return self.info(key) is not None

    def delete(self, key: str) -> None:
        # Chunks first: SQLite only cascades with PRAGMA foreign_keys on.
        db.session.execute(delete(PhotoChunk).where(PhotoChunk.key == check_key(key)))
        db.session.execute(delete(PhotoBlob).where(PhotoBlob.key == key))

    def iter_keys(self) -> Iterator[str]:
        last = ""
        while True:  # keyset pages: the table is never read at once
            keys = (
                db.session.execute(
                    select(PhotoBlob.key)
                    .where(PhotoBlob.key > last)
                    .order_by(PhotoBlob.key)
                    .limit(500)
                )
                .scalars()
                .all()
            )
            if not keys:
                return
            yield from keys
            last = keys[-1]


def make_store(app: Flask, backend: str | None = None) -> BlobStore:
    backend = backend or app.config.get("PHOTO_BACKEND") or "folder"
    if backend == "database":
        return DatabaseStore()
    if backend == "folder":
        directory = app.config.get("PHOTO_DIR") or Path(app.instance_path) / "photos"
        return FolderStore(Path(directory))
    raise ValueError(f"PHOTO_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def store() -> BlobStore:
    """The configured store of the current app (made on first use)."""
    return make_store(current_app._get_current_object())  # type: ignore[attr-defined]


def blob_response(
    blobs: BlobStore, key: str, sha256: str, *, mimetype: str = "image/jpeg"
) -> Response | None:
    """A streamed answer with its length, the row's checksum as ETag (304 on a match) and a
    private hour-long cache; None if the blob is gone (the caller answers 404)."""
    info = blobs.info(key)
    if info is None:
        return None
    etag = sha256[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        try:
            chunks = blobs.stream(key)
        except KeyError:
            return None
        response = Response(chunks, mimetype=mimetype, direct_passthrough=True)
        response.content_length = info.size_bytes
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
