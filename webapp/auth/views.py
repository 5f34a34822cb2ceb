"""Login and logout."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from webapp.auth import login_sessions, throttle
from webapp.auth.forms import LoginForm
from webapp.auth.models import User, check_dummy_password
from webapp.core.audit.service import record as audit
from webapp.core.dbtypes import utcnow
from webapp.core.errors import on_csrf_failure
from webapp.core.redirects import safe_next
from webapp.extensions import db

bp = Blueprint("auth", __name__)


def audit_login_csrf_failure(error: Exception) -> None:
    """A login POST refused for its CSRF token is a login attempt too (called by the CSRF
    error handler: the view never runs). Name, address and UTC time, like any failed login."""
    throttle.audit_refused(
        request.form.get("username") or "",
        "csrf_failed",
        csrf_error=str(getattr(error, "description", "") or "")[:120],
    )
    db.session.commit()


on_csrf_failure("auth.login", audit_login_csrf_failure)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return render_template("auth/login.html", form=form)
    answer = make_response(_attempt(form))
    if answer.status_code != 302:
        # Only failed attempts count towards the per-address cap; a busy station logging in is fine.
        throttle.note_address_failure()
    return answer


def _attempt(form: LoginForm) -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    wait = throttle.address_wait()
    if wait:
        return _refused(form, form.username.data or "", wait, from_address=True)
    if not form.validate_on_submit():
        throttle.audit_refused(form.username.data or "", "incomplete")
        db.session.commit()
        return render_template("auth/login.html", form=form), 400
    username = (form.username.data or "").strip().lower()
    wait = throttle.wait_seconds(username)
    if wait:
        return _refused(form, username, wait, from_address=False)
    user = authenticate(username, form.password.data or "")
    if user is None:
        flash(_("Wrong user name or password, or the account is disabled."), "error")
        return render_template("auth/login.html", form=form), 401
    log_in(user, stay=bool(form.stay.data))
    return redirect(safe_next(form.next.data) or url_for("core.index"))


def _refused(
    form: LoginForm, username: str, wait: int, *, from_address: bool
) -> tuple[str, int, dict[str, str]]:
    """429 with the form as typed (password aside), and one wait told twice: in the page's words
    and in Retry-After, rounded up alike so neither sends anyone back too early.

    `from_address`: the address's cap on failed attempts refused (LOGIN_LIMIT_PER_IP, any user
    name); otherwise the growing wait for this name from this address.
    """
    seconds, wait_text = throttle.stated_wait(wait)
    throttle.audit_refused(username, "throttled", retry_after=seconds)
    db.session.commit()
    reason = (
        _("Too many failed logins from this network.") if from_address else _("Too many attempts.")
    )
    flash(f"{reason} {wait_text}", "error")
    return render_template("auth/login.html", form=form), 429, {"Retry-After": str(seconds)}


def log_in(user: User, *, stay: bool = False) -> None:
    """Start a new server-side session for `user` in this browser.

    The CSRF secret of the anonymous session is dropped, so a token issued before login (or
    planted by someone else) does not work after it. With `stay` the cookie outlives closing the
    browser (until PERMANENT_SESSION_LIFETIME, the shift's SESSION_ABSOLUTE_HOURS); without, it
    ends with the browser. The server-side session ends the login either way.
    """
    session.pop("csrf_token", None)
    session.permanent = stay
    previous = g.get("login_session")
    if previous is not None:  # a login over a live one in this browser replaces it
        login_sessions.end(previous, "relogin")
    login_sessions.purge_old()
    g.login_session = login_sessions.start(user)
    login_user(user)
    throttle.note_success(user.username)
    user.last_login_at = utcnow()
    audit("user.login", user, actor=user)
    db.session.commit()


def authenticate(username: str, password: str) -> User | None:
    username = username.strip().lower()
    user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        check_dummy_password(password)
    password_ok = user is not None and user.check_password(password)
    if not (password_ok and user is not None and user.may_log_in):
        if not password_ok:
            throttle.note_failure(username)
        throttle.audit_refused(username, _refusal(user), target_id=user.id if user else None)
        db.session.commit()
        return None
    return user


def _refusal(user: User | None) -> str:
    if user is not None and not user.active:
        return "disabled"
    if user is not None and user.awaiting_confirmation:
        return "awaiting_confirmation"
    return "credentials"


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """End this session on the server: a copy of the cookie stops working too."""
    row = g.get("login_session")
    if row is not None:
        login_sessions.end(row, "logout")
    audit("user.logout", current_user._get_current_object())
    db.session.commit()
    _forget_login()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout/all", methods=["POST"])
@login_required
def logout_everywhere() -> Response:
    """End every session of the account, on every device (a lost phone, a shared computer)."""
    user = current_user._get_current_object()
    count = login_sessions.end_all(user, "logout_all")
    audit("user.logout_all", user, sessions=count)
    db.session.commit()
    _forget_login()
    flash(_("You are logged out on all devices."), "info")
    return redirect(url_for("auth.login"))


def _forget_login() -> None:
    logout_user()
    login_sessions.forget()
    session.pop("csrf_token", None)
