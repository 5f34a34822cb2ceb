from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Regexp

from webapp.core.forms import Form, required_text
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
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))
    organisation = SelectField(
        _l("Organisation (for coordinators and administrators)"),
        choices=choices(ORGANISATION_CHOICES),
    )


class RoleForm(Form):
    # Own element ids: the new-user form on the same page has role and organisation fields too.
    user_id = SelectField(_l("User"), coerce=int, choices=[], id="change-user")
    role = SelectField(_l("New role"), choices=choices(ROLE_CHOICES), id="change-role")
    organisation = SelectField(
        _l("Organisation (for coordinators and administrators)"),
        choices=choices(ORGANISATION_CHOICES),
        id="change-organisation",
    )


class UserStatusForm(Form):
    action = SelectField(choices=choices({"disable": "disable", "enable": "enable"}))
