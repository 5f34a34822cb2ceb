"""Login and logout."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from ..audit.service import record as audit
from ..dbtypes import utcnow
from ..extensions import db, limiter
from .forms import LoginForm
from .models import User, check_dummy_password
from .redirects import safe_next

bp = Blueprint("auth", __name__)


def _failed(response: Response) -> bool:
    # Only failed attempts count towards the limits; a busy station logging in is fine.
    return response.status_code != 302


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()


def _throttled(_limit: object) -> None:
    """A refused attempt is a login attempt too: it goes into the trail (then the 429)."""
    audit(
        "user.login_throttled",
        target_type="users",
        actor_label=(request.form.get("username") or "").strip().lower()[:64],
    )
    db.session.commit()


def audit_login_csrf_failure(error: Exception) -> None:
    """A login POST refused for its CSRF token is a login attempt too (called by the CSRF
    error handler: the view never runs). Name, address and UTC time, like any failed login."""
    audit(
        "user.login_failed",
        target_type="users",
        actor_label=(request.form.get("username") or "").strip().lower()[:64],
        reason="csrf_failed",
        csrf_error=str(getattr(error, "description", "") or "")[:120],
    )
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_throttled,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_USERNAME"],
    key_func=_username_key,
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_throttled,
)
def login() -> Response | tuple[str, int] | str:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if not form.validate_on_submit():
        if request.method != "POST":
            return render_template("auth/login.html", form=form)
        audit(
            "user.login_failed",
            target_type="users",
            actor_label=(form.username.data or "").strip().lower()[:64],
            reason="incomplete",
        )
        db.session.commit()
        return render_template("auth/login.html", form=form), 400
    user = authenticate(form.username.data or "", form.password.data or "")
    if user is None:
        flash(_("Wrong user name or password, or the account is disabled."), "error")
        return render_template("auth/login.html", form=form), 401
    login_user(user)
    user.last_login_at = utcnow()
    audit("user.login", user, actor=user)
    db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("core.index"))


def authenticate(username: str, password: str) -> User | None:
    username = username.strip().lower()
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        check_dummy_password(password)
    ok = user is not None and user.check_password(password) and user.active
    if not ok:
        audit(
            "user.login_failed",
            target_type="users",
            target_id=user.id if user else None,
            actor_label=username[:64],
            reason="disabled" if user is not None and not user.active else "credentials",
        )
        db.session.commit()
        return None
    return user


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    audit("user.logout", current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
