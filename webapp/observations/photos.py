"""The one store of photos from the field: observation photos and safety-walk spot photos.

An upload is re-encoded (webapp.observations.imaging: EXIF and everything else stripped) and
put into the blob store (webapp.core.blobs: a folder or the database, by PHOTO_BACKEND) under a
name we choose, never the client's file name; its row is then inserted once, keyed by the photo
UUID the phone made. If the row is not stored, neither are the bytes: the database backend
rolls them back with the row, the folder backend's file is removed again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from webapp.core.blobs import store
from webapp.core.errors import ApiProblem
from webapp.core.fieldinput import canonical_uuid
from webapp.extensions import db
from webapp.observations.imaging import ImageRejected, process_photo

IMAGE_MESSAGES = {
    "not_an_image": lambda: _("The file is not an image."),
    "unsupported_type": lambda: _("Only JPEG, PNG and WebP photos are accepted."),
    "too_large": lambda: _("The photo is too large."),
    "too_many_pixels": lambda: _("The photo has too many pixels."),
    "corrupt": lambda: _("The photo file is damaged."),
}

Row = TypeVar("Row")


def new_storage_name() -> str:
    return secrets.token_hex(16) + ".jpg"


def upload_digest(raw: bytes) -> str:
    """SHA-256 of the bytes the client sent: tells a replay from another photo under one id."""
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class StoredPhoto:
    """A re-encoded photo put into the store; the columns every photo row carries."""

    storage_name: str
    width: int
    height: int
    size_bytes: int
    sha256: str

    def columns(self) -> dict[str, Any]:
        """Its fields are those columns (models.PhotoFile), by the same names."""
        return asdict(self)


def store_photo(raw: bytes) -> StoredPhoto:
    """Re-encode an upload and put it into the store under a new name. Raises ImageRejected.

    Decoding and re-encoding takes a while: the caller ends its read transaction first, so that
    on SQLite (BEGIN IMMEDIATE) the write lock is not held while the CPU works. With the
    database backend the bytes join the transaction that insert_photo commits.
    """
    image = process_photo(
        raw,
        max_bytes=current_app.config["PHOTO_MAX_BYTES"],
        max_pixels=current_app.config["PHOTO_MAX_PIXELS"],
    )
    storage_name = new_storage_name()
    store().put(storage_name, image.data)
    return StoredPhoto(storage_name, image.width, image.height, len(image.data), image.sha256)


def insert_photo(row: Row, on_insert: Callable[[Row], None]) -> tuple[Row, bool]:
    """Insert the row of a stored photo and commit; returns (row, created).

    `on_insert` runs after the flush, in the same transaction (the audit entry). A racing
    upload of the same photo id is settled by the primary key: the loser's file is removed and
    the row stored first is returned with created=False. Any other failure removes the bytes too.
    """
    photo_id, storage_name = row.id, row.storage_name  # type: ignore[attr-defined]
    try:
        db.session.add(row)
        db.session.flush()
        on_insert(row)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        _discard(storage_name)
        existing = db.session.get(type(row), photo_id)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        db.session.rollback()
        _discard(storage_name)
        raise
    return row, True


def store_photo_once(
    model: type[Row],
    photo_id: str,
    raw: bytes,
    owner: dict[str, Any],
    on_insert: Callable[[Row], None],
    **columns: Any,
) -> tuple[Row, bool]:
    """Store an upload under the photo id the phone made, once: (row, created).

    A replay (the same upload for the same `owner`, e.g. {"observation_id": ...}) gets the row
    stored first; other content under that id is a 409 (photo_conflict), an unusable file a 413
    or 422 (rejected_photo). `on_insert` as in insert_photo; `columns`: the row's other columns.
    """
    upload_sha = upload_digest(raw)
    row = db.session.get(model, photo_id)
    created = False
    if row is None:
        # Re-encoding takes a while: end the read transaction first (see store_photo). A racing
        # upload of the same photo is settled by the primary key (insert_photo).
        db.session.commit()
        try:
            stored = store_photo(raw)
        except ImageRejected as rejected:
            raise rejected_photo(rejected) from None
        new = model(id=photo_id, upload_sha256=upload_sha, **owner, **columns, **stored.columns())
        row, created = insert_photo(new, on_insert)
    if not created and (
        row.upload_sha256 != upload_sha  # type: ignore[attr-defined]
        or any(getattr(row, name) != value for name, value in owner.items())
    ):
        raise photo_conflict()
    return row, created


def _discard(storage_name: str) -> None:
    """After a rollback: the database backend's bytes went with it, a file must be removed."""
    blobs = store()
    if not blobs.transactional:
        blobs.delete(storage_name)


def photo_uuid(value: str) -> str:
    """The photo id in the URL, made on the device: a UUID, or a 422 on "photo_id"."""
    canonical = canonical_uuid(value)
    if canonical is None:
        raise ApiProblem("validation_failed", fields={"photo_id": _("Not a valid UUID.")})
    return canonical


def rejected_photo(rejected: ImageRejected) -> ApiProblem:
    """The JSON problem for an unusable upload: 413 when too large, else 422 on "photo"."""
    code = "too_large" if rejected.code == "too_large" else "validation_failed"
    return ApiProblem(code, fields={"photo": IMAGE_MESSAGES[rejected.code]()})


def photo_conflict() -> ApiProblem:
    return ApiProblem("conflict", message=_("A different photo already exists with this id."))
