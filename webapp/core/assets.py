"""Versioned static URLs and how long browsers and proxies may keep the files.

Every `url_for('static', filename=...)` and `url_for('field.vendor', ...)` gets `?v=` and the
first 12 hex digits of the file's SHA-256, so templates need no change and a new deploy changes
the URL of every file whose content changed. A request that carries the current version is
answered with a one-year, immutable lifetime; any other (no version, an old one) with
`no-cache`, i.e. "ask again each time" (a cheap 304 thanks to ETag/Last-Modified), because the
file behind an unversioned URL changes with the next deploy. Vendor libraries without a version
keep their former week: they only change when a pinned package is upgraded.

Left alone on purpose: /sw.js (browsers must see a new service worker at once: `no-cache`,
webapp/pwa/views.py) and /manifest.webmanifest (installed apps re-read it).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
REVALIDATE = "no-cache"
VENDOR_UNVERSIONED = "public, max-age=604800"  # a week, as before versioning
VERSION_ARG = "v"

# path -> (mtime_ns, size, version); a stat per URL keeps it right when a file changes in place.
_versions: dict[str, tuple[int, int, str]] = {}


def file_version(path: str | os.PathLike[str]) -> str | None:
    """The content version of one file, or None if it does not exist."""
    key = os.fspath(path)
    try:
        stat = os.stat(key)
    except OSError:
        return None
    cached = _versions.get(key)
    if cached and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
        return cached[2]
    digest = hashlib.sha256(Path(key).read_bytes()).hexdigest()[:12]
    _versions[key] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def _static_path(app: Flask, endpoint: str, values: dict[str, Any]) -> Path | None:
    filename = values.get("filename")
    if not isinstance(filename, str) or not filename:
        return None
    if endpoint == "static" and app.static_folder:
        base = Path(app.static_folder)
    elif endpoint == "field.vendor":
        from webapp.core.vendor import VENDOR_DIRS

        directory = VENDOR_DIRS.get(values.get("package", ""))
        if directory is None:
            return None
        base = Path(directory)
    else:
        return None
    path = (base / filename).resolve()
    # Never hash a file outside the folder the route serves (send_from_directory checks too).
    return path if path.is_relative_to(base.resolve()) else None


def add_version(endpoint: str, values: dict[str, Any]) -> None:
    """url_defaults callback: `?v=<content hash>` on static and vendor URLs."""
    if endpoint not in ("static", "field.vendor") or VERSION_ARG in values:
        return
    path = _static_path(current_app, endpoint, values)
    version = file_version(path) if path else None
    if version:
        values[VERSION_ARG] = version


def cache_headers(response: Response) -> Response:
    """after_request: long lifetimes for versioned files only."""
    endpoint = request.endpoint
    if endpoint not in ("static", "field.vendor") or response.status_code not in (200, 304):
        return response
    asked = request.args.get(VERSION_ARG)
    path = _static_path(current_app, endpoint, {**(request.view_args or {})})
    if asked and path and asked == file_version(path):
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers.pop("Expires", None)  # Cache-Control alone: no second clock
    elif endpoint == "field.vendor":
        response.headers["Cache-Control"] = VENDOR_UNVERSIONED
    else:
        response.headers["Cache-Control"] = REVALIDATE
        response.headers.pop("Expires", None)
    return response


def init_assets(app: Flask) -> None:
    app.url_defaults(add_version)
    app.after_request(cache_headers)
