"""Start page, language and theme choice, and health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp.core.access import can_read_record
from webapp.core.audit.service import record as audit
from webapp.core.nav import nav_helpers, start_groups
from webapp.core.redirects import safe_next
from webapp.extensions import db

bp = Blueprint("core", __name__)
bp.app_context_processor(nav_helpers)


@bp.app_template_global("can_read")
def can_read_in_template(record: object | None) -> bool:
    """`{% if can_read(measure.walk) %}`: the read check of the loaders, for linked records."""
    return can_read_record(current_user, record)


@bp.get("/")
@login_required
def index() -> str:
    """Each role's work, in the order that role needs it (the menu's groups, with a line each)."""
    return render_template("core/index.html", start_groups=start_groups(current_user.role))


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen language: on the account when logged in, else in the session."""
    choice = request.form.get("locale", "")
    if choice in current_app.config["LANGUAGES"]:
        session["locale"] = choice
        if current_user.is_authenticated and current_user.locale != choice:
            current_user.locale = choice
            audit("user.set_locale", current_user._get_current_object(), locale=choice)
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("core.index"))


# Night mode: "auto" follows the phone (prefers-color-scheme). Kept in a cookie of its own, not in
# the session, so it outlives logging out: the login page at night stays dark too.
THEMES = ("auto", "light", "dark")
THEME_COOKIE = "theme"
THEME_COOKIE_MAX_AGE = 365 * 24 * 3600


@bp.app_context_processor
def theme_helpers() -> dict[str, object]:
    return {"current_theme": current_theme}


def current_theme() -> str:
    choice = request.cookies.get(THEME_COOKIE, "auto")
    return choice if choice in THEMES else "auto"


@bp.post("/theme")
def set_theme() -> Response:
    """Remember light, dark or "follow the phone" for this browser; app.js does it in place."""
    response = redirect(safe_next(request.form.get("next")) or url_for("core.index"))
    choice = request.form.get("theme", "")
    if choice in THEMES:
        response.set_cookie(
            THEME_COOKIE,
            choice,
            max_age=THEME_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=False,  # app.js reads it to correct pages the service worker cached earlier
        )
    return response


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}, 200
