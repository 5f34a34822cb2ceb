"""The coordinator's side of account administration: confirm data roles, see login attacks,
and see who in the organisation has an account.

An administrator creates accounts and resets passwords, but an account that may read records
(officer, staff, coordinator) only opens once a coordinator of its organisation confirms it; the
confirming coordinator receives the one-time code and hands it to the owner. So no
administrator ever holds a working password of a data role.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.admin.views import render_code_page
from webapp.auth import codes, throttle
from webapp.auth.models import User
from webapp.auth.session import roles_required
from webapp.core.access import Role
from webapp.core.audit.service import record as audit
from webapp.core.dbtypes import utcnow
from webapp.core.forms import Form
from webapp.extensions import db

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def awaiting(organisation: str) -> list[User]:
    """Active data-role accounts of `organisation` that wait for a coordinator."""
    rows = db.session.execute(
        db.select(User)
        .where(
            User.organisation == organisation,
            User.active.is_(True),
            User.confirmed_at.is_(None),
            User.role.in_([Role.OFFICER.value, Role.STAFF.value, Role.COORDINATOR.value]),
        )
        .order_by(User.created_at)
    ).scalars()
    return list(rows)


def members(organisation: str) -> list[User]:
    """Every account of `organisation`, the open ones first, by user name."""
    rows = db.session.execute(
        db.select(User)
        .where(User.organisation == organisation)
        .order_by(User.active.desc(), User.username)
    ).scalars()
    return list(rows)


@bp.get("")
@roles_required(Role.COORDINATOR)
def index() -> str:
    organisation = current_user.organisation
    return render_template(
        "admin/confirmations.html",
        users=awaiting(organisation),
        flags=throttle.flagged(organisation),
        members=members(organisation),
        form=Form(),
    )


@bp.post("/<int:user_id>/confirm")
@roles_required(Role.COORDINATOR)
def confirm(user_id: int) -> Response | str:
    """Confirm the account's data role and get the one-time code to give its owner."""
    user = db.get_or_404(User, user_id)
    if user.organisation != current_user.organisation or not user.has_data_role:
        abort(404)
    if not Form().validate_on_submit() or not user.active or not user.awaiting_confirmation:
        flash(_("This account is not waiting for a confirmation."), "error")
        return redirect(url_for("accounts.index"))
    coordinator = current_user._get_current_object()
    user.confirmed_at, user.confirmed_by_id = utcnow(), coordinator.id
    audit("user.confirm", user, role=user.role, organisation=user.organisation)
    code, row = codes.issue(user, coordinator)
    db.session.flush()
    audit("user.code_issue", user, code_id=row.id)
    db.session.commit()
    flash(_("%(name)s is confirmed.", name=user.username), "success")
    return render_code_page(user, code, row, url_for("accounts.index"))
