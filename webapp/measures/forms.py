from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from webapp.core.forms import Form, free_text, no_identity_numbers, required_text
from webapp.core.labels import MEASURE_OWNER, MEASURE_STATUS, PRIORITY, VISIBILITY, choices


class MeasureForm(Form):
    title = required_text(
        _l("What is to be done"), _l("Describe the measure briefly."), 200, no_identity_numbers
    )
    description = free_text(_l("Description"), 4000)
    internal_note = free_text(
        _l("Internal note (police and municipality only, never in the public protocol)"), 4000
    )
    owner = SelectField(_l("Owner"), choices=choices(MEASURE_OWNER))
    owner_detail = StringField(
        _l("Owner, in detail (department, company)"), validators=[Length(max=120)]
    )
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    recheck_on = DateField(_l("Check again on"), validators=[Optional()])
    priority = SelectField(_l("Priority"), choices=choices(PRIORITY), default="medium")
    visibility = SelectField(_l("Visible to"), choices=choices(VISIBILITY), default="shared")
    observation_ids = HiddenField()


class StatusForm(Form):
    status = SelectField(_l("New status"), choices=choices(MEASURE_STATUS))
    comment = free_text(_l("Comment"), 2000)

    def validate_comment(self, field) -> None:  # type: ignore[no-untyped-def]
        if (field.data or "").strip():
            return
        if self.status.data == "not_feasible":
            raise ValidationError(_l("Say why the measure cannot be carried out."))
        if self.status.data == "other_owner":
            raise ValidationError(_l("Say who owns the problem instead."))


class WalkMeasureForm(MeasureForm):
    """A measure decided in a walk's protocol: usually decided at once, sometimes only proposed."""

    initial_status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("decided", MEASURE_STATUS["decided"]),
            SelectChoice("proposed", MEASURE_STATUS["proposed"]),
        ],
        default="decided",
    )
