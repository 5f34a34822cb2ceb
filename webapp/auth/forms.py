from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from webapp.core.forms import Form


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
    # Off by default: on a shared phone the next person must not find this login. On one's own
    # phone it keeps the login when the browser or the installed app is closed and opened again
    # within the shift; the server's idle and absolute limits still end it.
    stay = BooleanField(_l("Stay logged in on this phone"))
    next = HiddenField()


def _new_password_field(label: object) -> PasswordField:
    """A new password field as both password forms ask for it (WTForms keeps the call order)."""
    return PasswordField(
        label,
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password_field(_l("New password"))
    repeat = _new_password_field(_l("New password again"))


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
    password = _new_password_field(_l("New password"))
    repeat = _new_password_field(_l("New password again"))
