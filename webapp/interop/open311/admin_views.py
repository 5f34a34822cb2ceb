"""Admin pages for Open311 API keys: list, create (the key is shown once), revoke (after a
page that says what revoking ends, as disabling an account does)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.session import roles_required
from webapp.core.access import Role
from webapp.core.apiwrite import no_store
from webapp.core.fieldinput import unclean_text_message
from webapp.core.forms import Form, require_valid
from webapp.extensions import db
from webapp.interop.open311.keys import KeyError_, all_keys, create_key, revoke_key
from webapp.interop.open311.models import ApiKey

bp = Blueprint("open311_admin", __name__, url_prefix="/admin/open311-keys")


def _page(
    new_key: str | None = None, status: int = 200, typed_name: str | None = None
) -> Response | tuple[str, int]:
    """The keys page; `typed_name` is a refused name, kept in its field."""
    page = render_template(
        "interop/open311_keys.html",
        keys=all_keys(),
        form=Form(),
        new_key=new_key,
        typed_name=typed_name,
    )
    return no_store(page, status) if new_key else (page, status)


@bp.get("")
@roles_required(Role.ADMIN)
def index() -> Response | tuple[str, int]:
    return _page()


@bp.post("")
@roles_required(Role.ADMIN)
def create() -> Response | tuple[str, int]:
    require_valid(Form())
    typed = request.form.get("name", "")
    try:
        _row, key = create_key(typed, actor=current_user)
    except KeyError_ as problem:
        db.session.rollback()
        if str(problem) == "taken":
            flash(
                _(
                    "A key with that name is in use. Revoke that key first, or give the new "
                    "key another name."
                ),
                "error",
            )
        elif str(problem) == "text":
            flash(unclean_text_message(), "error")
        else:
            flash(_("Give the key a name of at most 80 characters."), "error")
        # What was typed stays in the field, to be corrected rather than typed again.
        return _page(status=422, typed_name=typed[:200])
    db.session.commit()
    return _page(new_key=key, status=201)


@bp.post("/<int:key_id>/revoke")
@roles_required(Role.ADMIN)
def revoke(key_id: int) -> Response | str:
    """The list's button (no `confirm`) asks with a page that says what revoking ends; that
    page's button sends confirm=revoke. Works without script."""
    row = db.get_or_404(ApiKey, key_id)
    require_valid(Form())
    if request.form.get("confirm") != "revoke":
        if not row.active:
            return redirect(url_for("open311_admin.index"))
        return render_template("interop/open311_confirm_revoke.html", key=row, form=Form())
    if revoke_key(row, actor=current_user):
        db.session.commit()
        flash(_("The key %(name)s was revoked.", name=row.name), "success")
    return redirect(url_for("open311_admin.index"))
