"""Forms for the coordinator's promises and activity types."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.activities.kinds import kind_choices
from webapp.activities.models import ORGANISATIONS
from webapp.core.forms import Form

ORGANISATION_LABELS = {
    "police": _l("Police"),
    "municipality": _l("Municipality"),
    "joint": _l("Police and municipality together"),
}
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PromiseForm(Form):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the promise a title.")), Length(max=200)],
    )
    body = TextAreaField(_l("The promise in full"), validators=[Length(max=4000)])
    starts_on = DateField(_l("Valid from"), validators=[DataRequired(message=_l("Enter a date."))])
    ends_on = DateField(_l("Valid until"), validators=[Optional()])
    # The same link as "Serves these promises" on an activity type, from the promise's side:
    # a new promise period is entered with its activities in one go.
    activity_type_ids = MultiCheckboxField(_l("Activities that keep the promise"), coerce=int)

    def validate_ends_on(self, field) -> None:  # type: ignore[no-untyped-def]
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end lies before the start."))


class ActivityTypeForm(Form):
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Name the activity.")), Length(max=200)]
    )
    code = StringField(
        _l("Short code"),
        validators=[
            Optional(),
            Regexp(
                CODE_PATTERN, message=_l("Lower-case letters a-z, digits and dashes; at most 40.")
            ),
        ],
    )
    kind = SelectField(_l("Kind of entry"))
    organisation = SelectField(
        _l("Who does it"),
        choices=[SelectChoice(code, ORGANISATION_LABELS[code]) for code in ORGANISATIONS],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    promises = MultiCheckboxField(_l("Serves these promises"), coerce=int)
    active = BooleanField(_l("Offered for new entries"), default=True)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(code, label) for code, label in kind_choices()]


def slugify(text: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().translate(table)).strip("-")
    return slug[:40].strip("-") or "aktivitet"
