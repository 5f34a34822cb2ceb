from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.core.forms import Form, free_text, no_identity_numbers, required_text
from webapp.core.labels import MEASURE_OWNER, MEASURE_STATUS, PRIORITY, VISIBILITY, choices
from webapp.core.localtime import local_today
from webapp.measures.models import Measure


class MeasureForm(Form):
    title = required_text(
        _l("What is to be done"), _l("Describe the measure briefly."), 200, no_identity_numbers
    )
    description = free_text(_l("Description"), 4000)
    internal_note = free_text(
        _l("Internal note (police and municipality only, never in the public protocol)"), 4000
    )
    # No default owner: one tap on "Create" made every measure the police's without anyone
    # choosing it. The coordinator names who carries it out.
    owner = SelectField(
        _l("Owner"),
        choices=[SelectChoice("", _l("Choose who carries it out")), *choices(MEASURE_OWNER)],
        validators=[DataRequired(_l("Choose who carries out the measure."))],
    )
    owner_detail = StringField(
        _l("Owner, in detail (department, company)"), validators=[Length(max=120)]
    )
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    recheck_on = DateField(_l("Check again on"), validators=[Optional()])
    priority = SelectField(_l("Priority"), choices=choices(PRIORITY), default="medium")
    visibility = SelectField(_l("Visible to"), choices=choices(VISIBILITY), default="shared")
    observation_ids = HiddenField()
    # Asked only when a chosen place already belongs to a measure (webapp.measures.linked).
    move_linked = BooleanField(_l("Move the places to the new measure"))

    def __init__(self, *args: Any, saved: Measure | None = None, **kwargs: Any) -> None:
        """`saved`: the measure being edited (None when creating one).

        A new measure whose deadline has passed would be "overdue" the moment it is made, so
        creating one refuses past dates. Editing checks only the dates the coordinator
        changes: a measure that is overdue must still take a new owner or priority without
        anyone inventing a deadline, and "overdue" stays visible as the honest state it is.
        """
        super().__init__(*args, **kwargs)
        self.saved_deadline = saved.deadline if saved else None
        self.saved_recheck_on = saved.recheck_on if saved else None
        # The clock of is_overdue in the views, so an accepted deadline is never overdue.
        self.today = local_today()

    def ask_visibility(self) -> None:
        """No visibility chosen beforehand: the select starts on "choose" and an empty
        choice is refused (a measure made from police-only and municipality-only records)."""
        self.visibility.choices = [
            SelectChoice("", _l("Choose who may see it")),
            *choices(VISIBILITY),
        ]

    def validate_visibility(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_("Choose who may see the measure."))

    def validate_deadline(self, field: DateField) -> None:
        if field.data is None or field.data == self.saved_deadline:
            return
        if field.data < self.today:
            raise ValidationError(_("The deadline has already passed. Choose today or later."))

    def validate_recheck_on(self, field: DateField) -> None:
        deadline = self.deadline.data
        unchanged = (field.data, deadline) == (self.saved_recheck_on, self.saved_deadline)
        if field.data is None or unchanged:
            return
        # Checking before the deadline asks whether a measure helped before it was due.
        if deadline is not None and field.data < deadline:
            day = format_date(deadline, "medium")
            raise ValidationError(_("Check again on the deadline (%(day)s) or later.", day=day))
        if field.data != self.saved_recheck_on and field.data < self.today:
            raise ValidationError(
                _("The day to check again has already passed. Choose today or later.")
            )


class StatusForm(Form):
    status = SelectField(_l("New status"), choices=choices(MEASURE_STATUS))
    comment = free_text(_l("Comment"), 2000)

    def __init__(self, *args: Any, allowed: Sequence[str] | None = None, **kwargs: Any) -> None:
        """`allowed`: the statuses this user may set (webapp.measures.owners.status_choices);
        the select offers only those, and a posted status outside them is refused."""
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.status.choices = [SelectChoice(code, MEASURE_STATUS[code]) for code in allowed]

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


def visibility_of(records: Sequence[Any]) -> str | None:
    """The visibility a measure made from `records` starts with: the most restrictive of
    theirs, so police-only material is never shared by a hurried tap on "Create".

    Police only and municipality only are both restrictive, each to another organisation:
    together there is no visibility that keeps both, so None (the coordinator must choose).
    Without records (a measure decided at a meeting) "shared", as before.
    """
    seen = {record.visibility for record in records}
    if {"police", "municipality"} <= seen:
        return None
    for visibility in ("police", "municipality"):
        if visibility in seen:
            return visibility
    return "shared"
