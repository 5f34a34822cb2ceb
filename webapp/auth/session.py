"""Flask-Login wiring and the role checks every view uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, flash, g, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from webapp.auth import login_sessions
from webapp.auth.models import LoginSession, User
from webapp.core.access import Role
from webapp.core.errors import ApiProblem
from webapp.extensions import db, login_manager

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
    app.before_request(check_login_session)


# Files that need no login do not count as activity and need no user loaded.
_PASSIVE_ENDPOINTS = frozenset({"static", "field.vendor", "field.service_worker", "field.manifest"})


def check_login_session() -> None:
    """Before every view: a cookie that names a login must name a live server-side session.

    An ended session (logout, "log out on all devices", disabling, a new password) or one that
    ran out (idle, absolute lifetime) makes the request anonymous: pages send the caller to log
    in, the API answers 401 and the field outbox keeps its items. Otherwise the session counts as
    used now.
    """
    g.login_session = None
    if request.endpoint in _PASSIVE_ENDPOINTS or "_user_id" not in session:
        return
    found = login_sessions.current_with_user()  # one query: the session row and its user
    if found is None:
        _drop_login()
        return
    row, user = found
    if row.ended_at is not None or str(user.id) != str(session.get("_user_id")):
        _drop_login()
        return
    reason = login_sessions.expiry_reason(row, user.role)
    if reason:
        _expire(row, user, reason)
        return
    g.login_session = row
    # A strong reference: the session's identity map holds clean objects weakly, and load_user
    # would otherwise read the user a second time. The plain values are what the request's
    # after_request hooks read once the commit has expired every loaded object (session_user).
    g.login_user = user
    g.login_user_values = (user.id, user.may_log_in)
    if login_sessions.touch(row):
        db.session.commit()


def _expire(row: LoginSession, user: User, reason: str) -> None:
    from webapp.core.audit.service import record as audit

    login_sessions.end(row, reason)
    if reason == "idle":
        minutes = int((login_sessions.idle_limit(user.role) or timedelta()).total_seconds() // 60)
        audit("user.session_expired", user, actor=user, reason=reason, idle_minutes=minutes)
    else:
        hours = login_sessions.absolute_limit().total_seconds() / 3600
        audit("user.session_expired", user, actor=user, reason=reason, max_hours=hours)
    db.session.commit()
    _drop_login()
    if not request.path.startswith("/api/"):
        if reason == "idle":
            flash(_("You were logged out after a while without activity. Log in again."), "info")
        else:
            flash(_("Your session has reached its maximum length. Log in again."), "info")


def _drop_login() -> None:
    logout_user()
    login_sessions.forget()


def load_user(user_id: str) -> User | None:
    """The user of this request's live session (checked by check_login_session), else None."""
    row = g.get("login_session")
    if row is None or str(row.user_id) != user_id:
        return None
    user = g.get("login_user")
    if user is None or user.id != row.user_id:
        user = db.session.get(User, row.user_id)
    if user is None or not user.may_log_in:
        return None
    return user


def session_user() -> tuple[bool, int | None]:
    """(authenticated, user id) of this request, for hooks that run after the view's commit.

    After a commit every loaded object is expired, and asking `current_user.is_authenticated`
    would read the user again (on SQLite a second wait for the writer lock) for values that
    check_login_session read at the start of the request. Those are used while `current_user`
    is still the session's own user (or not loaded yet); after a login or logout during the
    request, `current_user` itself answers.
    """
    loaded = g.get("_login_user")  # Flask-Login's cache of current_user
    if loaded is None or loaded is g.get("login_user"):
        values = g.get("login_user_values")
        if g.get("login_session") is None or values is None or not values[1]:
            return False, None
        return True, values[0]
    if loaded.is_authenticated:
        return True, loaded.id
    return False, None


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

        # Read by core.errors: a refused form of such a view means the login has ended.
        wrapped.needs_login = True  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
