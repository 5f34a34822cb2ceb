"""Flask-Login wiring and the role checks every view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

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
    from flask import flash, redirect, url_for

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
