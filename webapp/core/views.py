"""Start page, language choice and health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..auth.redirects import safe_next
from ..extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def index() -> str:
    return render_template("core/index.html")


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen language: on the account when logged in, else in the session."""
    choice = request.form.get("locale", "")
    if choice in current_app.config["LANGUAGES"]:
        session["locale"] = choice
        if current_user.is_authenticated:
            current_user.locale = choice
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("core.index"))


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}, 200
