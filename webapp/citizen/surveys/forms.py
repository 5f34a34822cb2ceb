"""The coordinator's forms for building a survey: its details and period, and its questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from webapp.citizen.labels import QUESTION_KIND
from webapp.core.forms import Form, free_text, no_identity_numbers, required_text
from webapp.core.labels import choices

MAX_OPTIONS = 12


class SurveyForm(Form):
    title = required_text(_l("Title"), _l("Give the survey a title."), 200, no_identity_numbers)
    intro = free_text(_l("Introduction for residents"), 4000)
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes after"), validators=[Optional()])
    # Off unless ticked: only the yearly survey is compared year on year (see Survey.annual).
    annual = BooleanField(_l("Part of the yearly safety survey"))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        # Here rather than in validate_closes_on: Optional() skips a field's own validators when
        # it is empty, and "one day given, the other not" is exactly that case.
        if not super().validate(extra_validators):
            return False
        first, last = self.opens_on.data, self.closes_on.data
        if bool(first) != bool(last):
            self.closes_on.errors.append(_l("Give both days of the period, or neither (a draft)."))
        elif first and last and last < first:
            self.closes_on.errors.append(_l("The survey cannot close before it opens."))
        return not self.closes_on.errors


class QuestionForm(Form):
    kind = SelectField(_l("Kind of question"), choices=choices(QUESTION_KIND))
    text = required_text(_l("Question"), _l("Write the question."), 300, no_identity_numbers)
    options = TextAreaField(
        _l("Options, one per line (for a scale: the words for 1 and for 5)"),
        validators=[Length(max=2000)],
    )
    required = BooleanField(_l("An answer is required"))

    def option_list(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field) -> None:  # type: ignore[no-untyped-def]
        options = self.option_list()
        if any(len(option) > 120 for option in options):
            raise ValidationError(_l("An option can be at most 120 characters."))
        if self.kind.data in ("single", "multiple"):
            if len(options) < 2:
                raise ValidationError(_l("Give at least two options, one per line."))
            if len(options) > MAX_OPTIONS:
                raise ValidationError(_l("At most %(n)s options.", n=MAX_OPTIONS))
            if len(set(options)) != len(options):
                raise ValidationError(_l("Each option must be different."))
        elif self.kind.data == "scale" and len(options) != 2:
            # Without its ends a scale cannot be read: is 5 the safest or the most afraid?
            raise ValidationError(_l("For a scale, give two lines: what 1 means and what 5 means."))
