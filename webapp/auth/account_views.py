"""The user's own account: log out everywhere, change the password, redeem a one-time code."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp.auth import codes, throttle
from webapp.auth.forms import ChangePasswordForm, SetPasswordForm
from webapp.auth.models import User
from webapp.auth.passwords import password_problem
from webapp.auth.views import log_in
from webapp.core.audit.service import record as audit
from webapp.core.dbtypes import utcnow
from webapp.extensions import db

bp = Blueprint("account", __name__, url_prefix="/account")
# Failed attempts to choose a password (a wrong code, a refused password) per address.
CODE_ATTEMPT_LIMIT = "10 per 5 minutes"


@bp.get("")
@login_required
def index() -> str:
    return render_template("auth/account/index.html", form=ChangePasswordForm())


@bp.post("/password")
@login_required
def change_password() -> Response | tuple[str, int]:
    """A new password ends every session of the account; this browser gets a new one."""
    form = ChangePasswordForm()
    user: User = current_user._get_current_object()
    if form.validate_on_submit():
        if not user.check_password(form.current.data or ""):
            form.current.errors.append(_("That is not your current password."))
        elif problem := _new_password_problem(form, user):
            form.password.errors.append(problem)
        else:
            user.set_password(form.password.data or "")  # ends every session, this one too
            audit("user.password_change", user, actor=user)
            log_in(user)
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("account.index"))
    return render_template("auth/account/index.html", form=form), 422


def _new_password_problem(form: ChangePasswordForm | SetPasswordForm, user: User) -> str | None:
    if form.password.data != form.repeat.data:
        return _("The two passwords differ.")
    return password_problem(form.password.data or "", user.username)


def _failed(response: Response) -> bool:
    return response.status_code != 302


def _set_password_refused(wait_text: str, **_view_args: str) -> str:
    """Too many wrong codes from this address: the form comes back with the code as typed (the
    passwords are never sent back) and the wait, which Retry-After states too."""
    flash(f"{_('Too many attempts.')} {wait_text}", "error")
    return render_template("auth/account/set_password.html", form=SetPasswordForm())


@bp.route("/set-password", methods=["GET", "POST"])
@bp.route("/set-password/<code>", methods=["GET"])
@throttle.limited(CODE_ATTEMPT_LIMIT, _set_password_refused, counts=_failed, methods=["POST"])
def set_password(code: str = "") -> Response | tuple[str, int] | str:
    """Choose a password with a one-time code (from a coordinator or an administrator)."""
    form = SetPasswordForm()
    if request.method == "GET":
        form.code.data = codes.display(codes.normalise(code)) if code else ""
        return render_template("auth/account/set_password.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/account/set_password.html", form=form), 400
    row = codes.find_valid(form.code.data or "")
    user = db.session.get(User, row.user_id) if row else None
    if row is None or user is None or not user.active:
        form.code.errors.append(_("The code is wrong, used or expired. Ask for a new one."))
        return render_template("auth/account/set_password.html", form=form), 400
    if problem := _new_password_problem(form, user):
        form.password.errors.append(problem)
        return render_template("auth/account/set_password.html", form=form), 400
    row.used_at = utcnow()
    user.set_password(form.password.data or "")  # ends every session of the account
    audit("user.password_set", user, actor=user, code_id=row.id)
    db.session.commit()
    flash(_("Your password is saved. Log in with it."), "success")
    return redirect(url_for("auth.login"))
