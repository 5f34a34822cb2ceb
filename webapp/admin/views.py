"""User administration and the audit trail browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..access import Role
from ..audit.models import AuditEntry
from ..audit.service import record as audit
from ..auth.cli import new_user
from ..auth.models import ORGANISATION_BY_ROLE, User
from ..auth.session import roles_required
from ..core.inputs import bounded_int, page_number
from ..extensions import db
from .forms import NewUserForm, ResetPasswordForm, UserStatusForm
from .passwords import password_problem
from .user_export import as_json, as_zip, user_data

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 100


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users")
@roles_required(Role.ADMIN)
def users() -> str:
    rows = db.session.execute(db.select(User).order_by(User.username)).scalars()
    return render_template("admin/users.html", users=list(rows), form=NewUserForm())


@bp.post("/users")
@roles_required(Role.ADMIN)
def create_user() -> Response | tuple[str, int]:
    form = NewUserForm()
    if form.validate_on_submit():
        problem = password_problem(form.password.data or "", form.username.data or "")
        username = (form.username.data or "").strip().lower()
        if problem:
            form.password.errors.append(problem)
        elif db.session.execute(db.select(User).filter_by(username=username)).scalar():
            form.username.errors.append(_("That user name is taken."))
        else:
            role = Role(form.role.data)
            organisation = ORGANISATION_BY_ROLE.get(role) or form.organisation.data
            user = new_user(
                username, role, form.password.data or "", organisation, form.display_name.data or ""
            )
            db.session.add(user)
            db.session.flush()
            audit("user.create", user, role=role.value)
            db.session.commit()
            flash(_("User %(name)s created.", name=username), "success")
            return redirect(url_for("admin.users"))
    rows = db.session.execute(db.select(User).order_by(User.username)).scalars()
    return render_template("admin/users.html", users=list(rows), form=form), 422


@bp.post("/users/<int:user_id>/status")
@roles_required(Role.ADMIN)
def set_status(user_id: int) -> Response:
    user = get_user_or_404(user_id)
    form = UserStatusForm()
    if form.validate_on_submit():
        if user.id == current_user.id:
            flash(_("You cannot disable your own account."), "error")
        elif form.action.data == "disable":
            user.disable()  # rotates the session token: their sessions end at once
            audit("user.disable", user)
            flash(_("User %(name)s disabled.", name=user.username), "success")
        else:
            user.active = True
            audit("user.enable", user)
            flash(_("User %(name)s enabled.", name=user.username), "success")
        db.session.commit()
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@roles_required(Role.ADMIN)
def reset_password(user_id: int) -> Response:
    user = get_user_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.password.data or "", user.username)
        if problem:
            flash(problem, "error")
        else:
            user.set_password(form.password.data or "")
            audit("user.password_reset", user)
            db.session.commit()
            flash(_("New password set for %(name)s.", name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def audit_log() -> str:
    """Read-only view of the trail, filterable by action prefix, user and period."""
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc())
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEntry.action.startswith(action[:64]))
    actor = request.args.get("actor", "").strip()
    if actor:
        query = query.where(AuditEntry.actor_label == actor[:120])
    days = bounded_int(request.args.get("days"), low=1, high=3650, default=30)
    since = datetime.now(UTC) - timedelta(days=days)
    query = query.where(AuditEntry.at >= since)
    page = page_number()
    entries = db.session.execute(
        query.limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)
    ).scalars()
    entries = list(entries)
    audit("audit.read", target_type="audit_entries", filters=dict(request.args))
    db.session.commit()
    return render_template(
        "admin/audit.html",
        entries=entries[:AUDIT_PAGE_SIZE],
        has_more=len(entries) > AUDIT_PAGE_SIZE,
        page=page,
        action=action,
        actor=actor,
        days=days,
    )


@bp.get("/exports")
@roles_required(Role.COORDINATOR)
def exports() -> str:
    """Pick the account whose data to export (a data subject request)."""
    rows = db.session.execute(db.select(User).order_by(User.username)).scalars()
    return render_template("admin/exports.html", users=list(rows))


@bp.get("/users/<int:user_id>/export.<any(json, zip):kind>")
@roles_required(Role.COORDINATOR)
def export_user(user_id: int, kind: str) -> Response:
    """Everything linked to one account, as JSON or as a ZIP of JSON, CSV files and photos."""
    user = get_user_or_404(user_id)
    data = user_data(user)
    body = as_json(data) if kind == "json" else as_zip(user, data)
    audit(
        "export.download",
        user,
        kind="user_data",
        format=kind,
        records={table: len(rows) for table, rows in data.items()},
    )
    db.session.commit()
    response = current_app.response_class(
        body, mimetype="application/json" if kind == "json" else "application/zip"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="trygg-sunne-{user.username}.{kind}"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
