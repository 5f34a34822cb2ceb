from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from webapp.core.forms import Form, required_text
from webapp.core.inputs import record_id
from webapp.core.labels import choices

ROLE_CHOICES = {
    "officer": _l("police officer"),
    "staff": _l("municipal staff"),
    "coordinator": _l("coordinator"),
    "admin": _l("administrator"),
}
ORGANISATION_CHOICES = {"police": _l("Police"), "municipality": _l("Municipality")}


class NewUserForm(Form):
    username = required_text(
        _l("User name"),
        _l("Enter a user name."),
        64,
        Regexp(
            r"^[a-zA-Z0-9._-]+$", message=_l("Use letters a–z, digits, dot, dash or underscore.")
        ),
    )
    display_name = StringField(_l("Display name"), validators=[Length(max=120)])
    # No role in advance: the first one offered was the police's, taken by whoever did not look.
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("Choose a role…")), *choices(ROLE_CHOICES)],
        validators=[DataRequired(message=_l("Choose the role of the new user."))],
    )
    organisation = SelectField(
        _l("Organisation (for coordinators and administrators)"),
        choices=choices(ORGANISATION_CHOICES),
    )


def chosen_id(value: Any) -> int | None:
    """A select's record id; the empty placeholder (or anything that is no id) is None."""
    return record_id(value) if isinstance(value, int | str) else None


class RoleForm(Form):
    """Nothing is chosen in advance: a careless click on "Change role" must change nobody.

    The user choices (with each account's current role) are set by the view.
    """

    # Own element ids: the new-user form on the same page has role and organisation fields too.
    user_id = SelectField(
        _l("User"),
        coerce=chosen_id,
        choices=[],
        validators=[DataRequired(message=_l("Choose the user whose role you want to change."))],
        id="change-user",
    )
    role = SelectField(
        _l("New role"),
        choices=[SelectChoice("", _l("Choose a role…")), *choices(ROLE_CHOICES)],
        validators=[DataRequired(message=_l("Choose the new role."))],
        id="change-role",
    )
    organisation = SelectField(
        _l("Organisation (for coordinators and administrators)"),
        choices=[
            SelectChoice("", _l("Keep the current organisation")),
            *choices(ORGANISATION_CHOICES),
        ],
        id="change-organisation",
    )


class UserStatusForm(Form):
    action = SelectField(choices=choices({"disable": "disable", "enable": "enable"}))


def focus_first_error(form: Form) -> None:
    """Put the focus on the first field the server refused when the page loads (no script
    needed): otherwise a keyboard or screen reader user starts at the top of a long page."""
    for field in form:
        if field.errors and field.type != "CSRFTokenField":
            field.render_kw = {**(field.render_kw or {}), "autofocus": True}
            return
