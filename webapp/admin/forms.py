from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from webapp.auth.models import ORGANISATION_BY_ROLE
from webapp.core.access import Role
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


# For admin-users.js, which sets the organisation as the role is chosen (a convenience: the
# server refuses a mismatch without it).
TIED_ORGANISATIONS = json.dumps({role.value: org for role, org in ORGANISATION_BY_ROLE.items()})


class OrganisationFollowsRole:
    """The organisation field's check against the chosen role: officers are police and staff
    are municipal (DESIGN, roles: the role decides whose records they read), so any other
    organisation for them is refused rather than quietly replaced. An empty choice takes the
    role's organisation; where the role ties none (coordinator, admin) it is refused if
    `required`, else it means "keep the current one" (the role change)."""

    def __init__(self, *, required: bool) -> None:
        self.required = required

    def __call__(self, form: Form, field: Field) -> None:
        role = form.role.data
        if role not in {r.value for r in Role}:
            return  # the role field says what is wrong with it
        tied = ORGANISATION_BY_ROLE.get(Role(role))
        if tied and field.data and field.data != tied:
            raise ValidationError(
                _(
                    "A %(role)s always belongs to the %(organisation)s.",
                    role=ROLE_CHOICES[role],
                    organisation=str(ORGANISATION_CHOICES[tied]).lower(),
                )
            )
        if not tied and not field.data and self.required:
            raise ValidationError(
                _("Choose the organisation the coordinator or administrator belongs to.")
            )


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
    # No organisation in advance either: "Polisen", first, stayed chosen for new municipal staff.
    organisation = SelectField(
        _l("Organisation (for coordinators and administrators)"),
        choices=[SelectChoice("", _l("Choose an organisation…")), *choices(ORGANISATION_CHOICES)],
        validators=[OrganisationFollowsRole(required=True)],
        render_kw={"data-organisation-by-role": TIED_ORGANISATIONS, "data-role-field": "role"},
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
        validators=[OrganisationFollowsRole(required=False)],
        id="change-organisation",
        render_kw={
            "data-organisation-by-role": TIED_ORGANISATIONS,
            "data-role-field": "change-role",
        },
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
