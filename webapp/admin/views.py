"""User administration and the audit trail browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from webapp.admin.audit_labels import (
    action_choices,
    action_label,
    detail_text,
    target_labels,
    target_links,
)
from webapp.admin.forms import (
    ORGANISATION_CHOICES,
    NewUserForm,
    RoleForm,
    UserStatusForm,
    focus_first_error,
)
from webapp.admin.user_export import as_json, as_zip, user_data
from webapp.auth import codes
from webapp.auth.cli import new_user
from webapp.auth.models import DATA_ROLES, ORGANISATION_BY_ROLE, OneTimeCode, User
from webapp.auth.session import roles_required
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.core.audit.service import record as audit
from webapp.core.forms import Form
from webapp.core.i18n import ROLE_LABELS
from webapp.core.inputs import bounded_int, one_page, page_number
from webapp.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 100


def organisation_label(organisation: str) -> str:
    return str(ORGANISATION_CHOICES.get(organisation, organisation)).lower()


ROLE_FORM_FIELDS = ("user_id", "role", "organisation")


@bp.get("/users")
@roles_required(Role.ADMIN)
def users() -> str:
    """The accounts; `?user_id=&role=&organisation=` is a refused role change coming back."""
    rows = all_users()
    change = None
    if any(name in request.args for name in ROLE_FORM_FIELDS):
        change = role_form(rows, formdata=request.args)
        role_change(change)  # puts what is missing or wrong on the fields
        focus_first_error(change)
    return _users_page(NewUserForm(), change, rows)


def all_users() -> list[User]:
    return list(db.session.execute(db.select(User).order_by(User.username)).scalars())


def _users_page(form: NewUserForm, change: RoleForm | None = None, rows: Any = None) -> str:
    rows = rows if rows is not None else all_users()
    # Not bound to this request: a refused new user's role must not fill in the role change.
    change = change or role_form(rows, formdata=None)
    return render_template("admin/users.html", users=rows, form=form, role_form=change)


def role_form(users: list[User], **kwargs: Any) -> RoleForm:
    """The role form offers every account but the admin's own, each with its current role."""
    form = RoleForm(**kwargs)
    form.user_id.choices = [SelectChoice("", _("Choose a user…"))] + [
        SelectChoice(u.id, _user_choice(u)) for u in users if u.id != current_user.id
    ]
    return form


def _user_choice(user: User) -> str:
    return _(
        "%(name)s (now %(role)s, %(organisation)s)",
        name=user.username,
        role=ROLE_LABELS.get(user.role, user.role),
        organisation=organisation_label(user.organisation),
    )


@bp.post("/users")
@roles_required(Role.ADMIN)
def create_user() -> Response | tuple[str, int] | str:
    """A new account without a password: its owner chooses one with a one-time code.

    A data role waits for a coordinator of the organisation, who confirms it and hands over the
    code; an administrator account gets its code here.
    """
    form = NewUserForm()
    if form.validate_on_submit():
        username = (form.username.data or "").strip().lower()
        if db.session.execute(db.select(User).filter_by(username=username)).scalar():
            form.username.errors.append(_("That user name is taken."))
        else:
            role = Role(form.role.data)
            organisation = ORGANISATION_BY_ROLE.get(role) or form.organisation.data
            user = new_user(username, role, None, organisation, form.display_name.data or "")
            db.session.add(user)
            db.session.flush()
            audit("user.create", user, role=role.value, organisation=user.organisation)
            return _after_grant(user, _("User %(name)s created.", name=username))
    focus_first_error(form)
    return _users_page(form), 422


def has_confirming_coordinator(user: User, organisation: str | None = None) -> bool:
    """Whether another coordinator of `user`'s organisation (or of `organisation`, the one a
    role change moves the account to) can log in and confirm it."""
    coordinators = db.session.execute(
        db.select(User).where(
            User.organisation == (organisation or user.organisation),
            User.role == Role.COORDINATOR.value,
            User.id != user.id,
            User.active.is_(True),
            User.confirmed_at.is_not(None),
        )
    ).scalars()
    return any(c.may_log_in for c in coordinators)


def _who_confirms(user: User) -> tuple[str, str]:
    """The message (and its category) saying who confirms a data-role account."""
    names = {"organisation": organisation_label(user.organisation), "name": user.username}
    if has_confirming_coordinator(user):
        return _(
            "A coordinator of the %(organisation)s confirms the account and gives %(name)s a "
            "one-time code for choosing a password.",
            **names,
        ), "info"
    # Otherwise the account would wait for a coordinator nobody can reach in the app: say what
    # the admin does next, in the admin's words (not the README's section names).
    return _(
        "There is no coordinator of the %(organisation)s in the app to confirm the "
        "account yet, so %(name)s cannot log in. Next step: ask whoever runs the server to "
        "make a first coordinator of the %(organisation)s there (the command flask "
        "create-user). That coordinator then logs in, confirms %(name)s and gives them a "
        "one-time code for choosing a password.",
        **names,
    ), "error"


def _after_grant(user: User, done: str) -> Response | str:
    """After a new account, a reset or a new role: who gives the owner their one-time code."""
    if user.has_data_role:
        db.session.commit()
        flash(done, "success")
        flash(*_who_confirms(user))
        return redirect(url_for("admin.users"))
    code, row = codes.issue(user, current_user._get_current_object())
    db.session.flush()
    audit("user.code_issue", user, code_id=row.id)
    db.session.commit()
    flash(done, "success")
    return render_code_page(user, code, row, url_for("admin.users"))


@bp.post("/users/<int:user_id>/status")
@roles_required(Role.ADMIN)
def set_status(user_id: int) -> Response | str:
    """Enable at once; disable only after a page that says what it ends (works without script)."""
    user = db.get_or_404(User, user_id)
    form = UserStatusForm()
    if form.validate_on_submit():
        if user.id == current_user.id:
            flash(_("You cannot disable your own account."), "error")
        elif form.action.data == "disable" and request.form.get("confirm") != "disable":
            return render_template(
                "admin/confirm_disable.html", user=user, organisation_label=organisation_label
            )
        elif form.action.data == "disable":
            sessions = user.disable()
            codes.revoke_all(user)
            audit("user.disable", user, sessions_ended=sessions)
            flash(_("User %(name)s disabled.", name=user.username), "success")
        else:
            user.active = True
            audit("user.enable", user)
            flash(_("User %(name)s enabled.", name=user.username), "success")
        db.session.commit()
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@roles_required(Role.ADMIN)
def reset_password(user_id: int) -> Response | str:
    """The old password stops working at once; the owner chooses a new one with a code.

    The administrator never sets or sees the new password. For a data role the reset also
    waits for a coordinator of the organisation, who hands over the code.
    """
    user = db.get_or_404(User, user_id)
    form = Form()
    # The list's button asks (confirm=ask) for a page that says what the reset ends; that page's
    # button sends confirm=reset. A request with neither (a stray or forged POST) changes nothing.
    confirm = request.form.get("confirm")
    if not form.validate_on_submit() or confirm not in ("ask", "reset"):
        return redirect(url_for("admin.users"))
    if user.id == current_user.id:
        flash(_("Change your own password on your account page."), "error")
        return redirect(url_for("admin.users"))
    if confirm == "ask":
        # Said before the reset, not after: with nobody to confirm it the account stays locked.
        return render_template(
            "admin/confirm_reset.html",
            user=user,
            organisation_label=organisation_label,
            nobody_confirms=user.has_data_role and not has_confirming_coordinator(user),
        )
    _withdraw_credentials(user, "password_reset")
    audit("user.password_reset", user)
    return _after_grant(user, _("The password of %(name)s no longer works.", name=user.username))


@bp.post("/users/role")
@roles_required(Role.ADMIN)
def change_role() -> Response | str:
    """A new role or organisation, in two steps: the form, then a page that says what the change
    ends and asks to confirm it (without script too). A data role then waits for a coordinator.

    A refused form goes back to the user list with the choices made in the query string, where
    the fields say what is missing (a redirect, so reloading the list never re-sends a post).
    """
    form = role_form(all_users())
    if request.form.get("user_id") == str(current_user.id):
        flash(_("You cannot change your own role."), "error")
        return redirect(url_for("admin.users"))
    change = role_change(form) if form.validate_on_submit() else None
    if change is None:
        back = {name: request.form.get(name, "")[:64] for name in ROLE_FORM_FIELDS}
        # No #fragment: browsers skip autofocus (the first wrong field) on a fragment target.
        return redirect(url_for("admin.users", **back))
    user, role, organisation = change
    if request.form.get("confirm") != "role":
        return render_template(
            "admin/confirm_role.html",
            user=user,
            form=form,
            role=role.value,
            organisation_name=organisation_label(organisation),
            organisation_label=organisation_label,
            data_role=role.value in DATA_ROLES,
            nobody_confirms=role.value in DATA_ROLES
            and not has_confirming_coordinator(user, organisation),
        )
    before = {"role": user.role, "organisation": user.organisation}
    user.role, user.organisation = role.value, organisation
    _withdraw_credentials(user, "role_change")
    audit("user.role_change", user, before=before, role=role.value, organisation=organisation)
    return _after_grant(user, _("User %(name)s has a new role.", name=user.username))


def role_change(form: RoleForm) -> tuple[User, Role, str] | None:
    """The account, role and organisation the role form asks for; None, with the reasons on the
    form's fields, when it asks for nothing that can be done (the CSRF token is not checked)."""
    if not all([field.validate(form) for field in (form.user_id, form.role, form.organisation)]):
        return None
    user = db.session.get(User, form.user_id.data)
    if user is None:
        return None
    role = Role(form.role.data)
    organisation = ORGANISATION_BY_ROLE.get(role) or form.organisation.data or user.organisation
    if (role.value, organisation) == (user.role, user.organisation):
        form.role.errors.append(_("%(name)s already has this role.", name=user.username))
        return None
    return user, role, organisation


def _withdraw_credentials(user: User, reason: str) -> None:
    """No password, no session and (for a data role) no confirmation until the next step."""
    user.clear_password()
    user.confirmed_at = user.confirmed_by_id = None
    user.end_sessions(reason)
    codes.revoke_all(user)


def render_code_page(user: User, code: str, row: OneTimeCode, back: str) -> str:
    response = render_template(
        "auth/account/code.html",
        user=user,
        code=code,
        expires_at=row.expires_at,
        link=url_for("account.set_password", _external=True),
        back=back,
    )
    return response


@bp.get("/audit")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def audit_log() -> str:
    """Read-only view of the trail, filterable by action (a label, or a code prefix from a URL),
    user and period."""
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc())
    event = request.args.get("event", "").strip()
    if event:
        query = query.where(AuditEntry.action == event[:64])
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
    entries, has_more = one_page(query, page, AUDIT_PAGE_SIZE)
    audit("audit.read", target_type="audit_entries", filters=dict(request.args))
    db.session.commit()
    return render_template(
        "admin/audit.html",
        entries=entries,
        targets=target_labels(entries),
        # Administrators manage accounts and read no records: no links to record pages.
        links=target_links(entries) if current_user.has_role(Role.COORDINATOR) else {},
        action_label=action_label,
        detail_text=detail_text,
        events=action_choices(),
        has_more=has_more,
        page=page,
        event=event,
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
    user = db.get_or_404(User, user_id)
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
