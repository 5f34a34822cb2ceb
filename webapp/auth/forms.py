from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..core.forms import Form


class LoginForm(Form):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(message=_l("Enter your user name.")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("New password again"),
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )


class SetPasswordForm(Form):
    code = StringField(
        _l("One-time code"),
        validators=[DataRequired(message=_l("Enter the code you were given.")), Length(max=64)],
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "characters",
            "spellcheck": "false",
        },
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("New password again"),
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
