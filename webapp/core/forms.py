"""The base of every HTML form: the same text and date checks as the JSON API, on every field.

Each form of the app derives from `Form`, not from FlaskForm directly (tests/security/
test_form_inputs.py checks it), so a new form gets the checks without anyone remembering them:
- every text field (StringField and its kin: TextAreaField, PasswordField, HiddenField) refuses
  what `fieldinput.free_text` refuses in JSON — NUL and control characters, lone surrogates and
  bidi controls — with the same message, before any other validator (or the view) sees the value;
- every date field refuses dates outside the range any record may carry (fieldinput).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeField, Field, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from webapp.core.fieldinput import (
    date_range_message,
    is_clean_text,
    is_sane_date,
    unclean_text_message,
)
from webapp.core.privacy import contains_personal_identity_number


def clean_text(form: Any, field: Field) -> None:
    """WTForms validator: the text test of the JSON API (stops the chain on failure)."""
    if isinstance(field.data, str) and not is_clean_text(field.data):
        raise StopValidation(unclean_text_message())


def no_identity_numbers(form: Any, field: Field) -> None:
    """WTForms validator: free text about places and situations carries no personnummer."""
    if field.data and contains_personal_identity_number(field.data):
        raise ValidationError(
            _l("Remove the personal identity number: describe places and situations, not people.")
        )


def free_text(label: Any, max_length: int, field: type[StringField] = TextAreaField) -> Any:
    """An optional text field of at most `max_length` characters without identity numbers."""
    return field(label, validators=[Length(max=max_length), no_identity_numbers])


def sane_date(form: Any, field: Field) -> None:
    """WTForms validator: a date (or date and time) in the range any record may carry."""
    if isinstance(field.data, date) and not is_sane_date(field.data):
        raise StopValidation(date_range_message())


class _CheckedMeta(FlaskForm.Meta):
    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
        field = super().bind_field(form, unbound_field, options)
        # A new list: the validators passed to a field class are shared by all its instances.
        if isinstance(field, StringField):
            field.validators = [clean_text, *field.validators]
        elif isinstance(field, DateField | DateTimeField) and not isinstance(field, TimeField):
            field.validators = [*field.validators, sane_date]
        return field


class Form(FlaskForm):
    """FlaskForm with the shared input checks on every field (see the module docstring)."""

    Meta = _CheckedMeta


def require_valid(form: FlaskForm) -> None:
    """A button's POST (no fields to correct): a missing or stale CSRF token is a 400."""
    if not form.validate_on_submit():
        abort(400)


def required_text(label: Any, required_message: Any, max_length: int, *checks: Any) -> StringField:
    """A text field that must be filled in (with its own message), at most `max_length` long,
    then any further `checks` (validators)."""
    return StringField(
        label,
        validators=[DataRequired(message=required_message), Length(max=max_length), *checks],
    )
