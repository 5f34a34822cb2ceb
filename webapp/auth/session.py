"""Flask-Login wiring and the role checks every view uses."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user, user_logged_in

from ..access import Role
from ..errors import ApiProblem
from ..extensions import db, login_manager
from .models import User

F = TypeVar("F", bound=Callable[..., Any])


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"
    # "strong" would drop the session whenever a phone moves between cell and Wi-Fi.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    app.before_request(end_idle_session)
    user_logged_in.connect(_mark_seen, app)


# The last request of this session (epoch seconds), kept in the signed session cookie.
LAST_SEEN_KEY = "_last_seen"
# Rewrite the cookie at most this often: every request would mean a Set-Cookie on every answer.
LAST_SEEN_RESOLUTION_S = 30
# Files that need no login do not count as activity and need no user loaded.
_PASSIVE_ENDPOINTS = frozenset({"static", "field.vendor", "field.service_worker", "field.manifest"})


def idle_limit(role: str) -> timedelta | None:
    """How long a session of `role` may sit unused (None: no limit).

    SESSION_IDLE_MINUTES is a number for every role, or a dict of role -> minutes with
    "default" for the roles it does not name.
    """
    setting = current_app.config.get("SESSION_IDLE_MINUTES")
    minutes = setting.get(role, setting.get("default")) if isinstance(setting, dict) else setting
    return timedelta(minutes=float(minutes)) if minutes else None


def _mark_seen(_app: Flask, **_extra: Any) -> None:
    session[LAST_SEEN_KEY] = int(time.time())


def end_idle_session() -> None:
    """Log out a session that has been idle too long; otherwise note that it was used now.

    Runs before every view, so an expired session is anonymous everywhere: pages send the
    caller to log in, the API answers 401 and the outbox keeps its items.
    """
    if request.endpoint in _PASSIVE_ENDPOINTS or not current_user.is_authenticated:
        return
    now = time.time()
    last_seen = session.get(LAST_SEEN_KEY)
    limit = idle_limit(current_user.role)
    if limit and isinstance(last_seen, int | float) and now - last_seen > limit.total_seconds():
        from ..audit.service import record as audit

        user = current_user._get_current_object()
        minutes = int(limit.total_seconds() // 60)
        audit("user.session_expired", user, actor=user, idle_minutes=minutes)
        db.session.commit()
        logout_user()
        session.pop(LAST_SEEN_KEY, None)
        if not request.path.startswith("/api/"):
            flash(_("You were logged out after a while without activity. Log in again."), "info")
        return
    if not isinstance(last_seen, int | float) or now - last_seen >= LAST_SEEN_RESOLUTION_S:
        session[LAST_SEEN_KEY] = int(now)


def load_user(session_id: str) -> User | None:
    """Session ids are "<id>:<token>": rotating the token (disable, new password) ends sessions."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def unauthorized():  # type: ignore[no-untyped-def]
    if request.path.startswith("/api/"):
        raise ApiProblem("unauthenticated")
    from flask import redirect, url_for

    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow only the given roles; anonymous callers are sent to log in first."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                if request.path.startswith("/api/"):
                    raise ApiProblem("forbidden")
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
