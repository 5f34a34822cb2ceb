"""Photo files on disk under names we choose; never the client's file name."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app


def photo_dir() -> Path:
    directory = Path(
        current_app.config.get("PHOTO_DIR") or Path(current_app.instance_path) / "photos"
    )
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def new_storage_name() -> str:
    return secrets.token_hex(16) + ".jpg"


def photo_path(storage_name: str) -> Path:
    # storage_name comes from our own database, but refuse anything that is not a bare name.
    if "/" in storage_name or "\\" in storage_name or storage_name.startswith("."):
        raise ValueError("bad storage name")
    return photo_dir() / storage_name


def write_photo(storage_name: str, data: bytes) -> Path:
    path = photo_path(storage_name)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
