"""Pages and files of the PWA.

The service worker must be served from the root so its scope covers the whole app; vendor
libraries (Leaflet and friends) come from the Python packages that ship them, never a CDN.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, send_from_directory
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp.core.access import WRITABLE, Role, require_field_user
from webapp.core.i18n import tile_attribution
from webapp.core.vendor import VENDOR_DIRS
from webapp.extensions import db
from webapp.observations.models import Category
from webapp.pwa.offline import cache_policy, offline_pages

bp = Blueprint("field", __name__)
bp.after_app_request(cache_policy)


def _categories() -> list[Category]:
    return list(
        db.session.execute(
            db.select(Category).filter_by(active=True).order_by(Category.sort_order)
        ).scalars()
    )


@bp.get("/field/new")
@login_required
def new_observation() -> str:
    require_field_user()
    config = current_app.config
    return render_template(
        "pwa/new.html",
        categories=_categories(),
        visibilities=[v.value for v in WRITABLE[Role(current_user.role)]],
        accuracy_limit_m=config["GPS_ACCURACY_LIMIT_M"],
        tile_url=config["TILE_URL"],
        tile_attribution=tile_attribution(),
        map_center=config["MAP_CENTER"],
        note_max_length=config["NOTE_MAX_LENGTH"],
    )


@bp.get("/field/mine")
@login_required
def mine() -> str:
    require_field_user()
    return render_template("pwa/mine.html", categories=_categories())


@bp.get("/field/offline-pages")
def offline_page_list() -> tuple[Response, int]:
    """The forms the service worker stores for this user right after login (JSON)."""
    if not current_user.is_authenticated:
        return jsonify(user_id=None, pages=[]), 401
    return jsonify(user_id=current_user.id, pages=offline_pages(current_user)), 200


@bp.get("/help/install")
def install_help() -> str:
    return render_template("pwa/install_help.html")


@bp.get("/offline")
def offline() -> str:
    return render_template("pwa/offline.html")


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    response = send_from_directory(current_app.static_folder, "manifest.webmanifest")
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker() -> Response:
    # Served from / so the worker's scope is the whole app; never cached, so updates arrive.
    response = send_from_directory(Path(current_app.static_folder) / "js", "sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str) -> Response:
    directory = VENDOR_DIRS.get(package)
    if directory is None:
        abort(404)
    return send_from_directory(directory, filename, max_age=7 * 24 * 3600)
