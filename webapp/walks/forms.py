"""HTML forms of safety walks: the plan, joining, counting heads, the follow-up."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from webapp.core.forms import Form, free_text, no_identity_numbers, required_text
from webapp.core.labels import VISIBILITY, choices
from webapp.core.localtime import local_today
from webapp.walks.labels import AGE_BAND, DIMENSION_LABELS, GENDER, GROUP, WALK_STATUS
from webapp.walks.models import HEADCOUNT_DIMENSIONS

if TYPE_CHECKING:
    from webapp.walks.models import SafetyWalk

LIGHT = {"daylight": _l("In daylight"), "after_dark": _l("After dark")}


def _optional(table: dict, leave_out: tuple[str, ...] = ()) -> list:
    """Choices led by an empty "Prefer not to say" (stored as not stated)."""
    options = {code: text for code, text in table.items() if code not in leave_out}
    return [SelectChoice("", _l("Prefer not to say")), *choices(options)]


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def combine(day, at: time | None) -> datetime | None:  # type: ignore[no-untyped-def]
    """A local date and time (Europe/Stockholm) as an aware UTC datetime."""
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=local_zone()).astimezone(UTC)


def refuse_past_planned_day(
    day: date | None, saved_day: date | None = None, hint_status: bool = False
) -> None:
    """A planned walk lies today or later: one in the past could never take place.

    `saved_day`: the stored day of the walk being edited. Keeping it is allowed, as for a
    measure's deadline: a walk whose day passed before anyone marked it held must still take
    a note. `hint_status`: the form has a status field, so say how to record a held walk.
    """
    if day is None or day == saved_day or day >= local_today():
        return
    if hint_status:
        raise ValidationError(
            _(
                "A planned walk cannot be in the past. Choose today or a later date, "
                "or set the status to held if the walk has taken place."
            )
        )
    raise ValidationError(_("A planned walk cannot be in the past. Choose today or a later date."))


class WalkForm(Form):
    name = required_text(_l("Name"), _l("Give the walk a name."), 200, no_identity_numbers)
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Choose a date."))])
    start_time = TimeField(_l("Starts at"), validators=[DataRequired(message=_l("Choose a time."))])
    end_time = TimeField(_l("Ends at (about)"), validators=[Optional()])
    light = RadioField(_l("Light"), choices=choices(LIGHT), default="after_dark")
    meeting_point = free_text(_l("Meeting point"), 200, StringField)
    invited = free_text(_l("Organisations invited (one per line)"), 4000)
    route = HiddenField()
    stops = HiddenField()
    visibility = SelectField(_l("Visible to"), choices=choices(VISIBILITY), default="shared")
    status = SelectField(_l("Status"), choices=choices(WALK_STATUS), default="planned")
    summary = free_text(_l("Summary for the protocol (public)"), 8000)
    notes = free_text(_l("Internal notes (police and municipality only)"), 8000)

    def __init__(self, *args: Any, saved: SafetyWalk | None = None, **kwargs: Any) -> None:
        """`saved`: the walk being edited (None when planning a new one)."""
        super().__init__(*args, **kwargs)
        self.saved = saved

    def validate_day(self, field: DateField) -> None:
        # A walk recorded as held (or closed) may lie in the past: it took place.
        if self.status.data != "planned":
            return
        saved = self.saved
        unchanged = None
        if saved is not None and saved.status == "planned":
            unchanged = saved.starts_at.astimezone(local_zone()).date()
        refuse_past_planned_day(field.data, unchanged, hint_status=saved is not None)

    def validate_status(self, field: SelectField) -> None:
        # The same rule as the walk page's "mark as held" button: a walk that has not begun
        # cannot have taken place (it would count as held in the council report).
        starts = combine(self.day.data, self.start_time.data)
        if field.data != "planned" and starts is not None and starts > datetime.now(UTC):
            raise ValidationError(
                _l("The walk has not started yet, so it cannot be held or closed. Keep it planned.")
            )

    def validate_end_time(self, field) -> None:  # type: ignore[no-untyped-def]
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The end must come after the start."))

    def times(self) -> tuple[datetime, datetime | None]:
        starts = combine(self.day.data, self.start_time.data)
        assert starts is not None
        return starts, combine(self.day.data, self.end_time.data)

    def fill_from(self, walk) -> None:  # type: ignore[no-untyped-def]
        local_start = walk.starts_at.astimezone(local_zone())
        self.name.data = walk.name
        self.day.data = local_start.date()
        self.start_time.data = local_start.time().replace(second=0, microsecond=0)
        if walk.ends_at:
            self.end_time.data = (
                walk.ends_at.astimezone(local_zone()).time().replace(second=0, microsecond=0)
            )
        self.light.data = "after_dark" if walk.after_dark else "daylight"
        self.meeting_point.data = walk.meeting_point
        self.invited.data = "\n".join(walk.invited_organisations or [])
        self.visibility.data = walk.visibility
        self.status.data = walk.status
        self.summary.data = walk.summary
        self.notes.data = walk.notes
        # The page carries the stored route and stops (with their ids) in its own fields, so a
        # save keeps them even when the map editor cannot run (no JavaScript, Leaflet failed).
        self.route.data = json.dumps(walk.route) if walk.route else ""
        self.stops.data = json.dumps(
            [{"id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon} for s in walk.stops]
        )


class JoinCodeForm(Form):
    code = StringField(
        _l("Join code"),
        validators=[DataRequired(message=_l("Type the code from the poster or the walk leader."))],
    )


class JoinForm(Form):
    """All optional: counts of who took part, never who they are."""

    group = SelectField(_l("I take part as"), choices=_optional(GROUP), default="")
    # The empty choice already says "Prefer not to say": offering the code "unstated" too showed
    # the same words twice. The walk leader's head count keeps it (people who did not say).
    gender = SelectField(
        _l("Gender"), choices=_optional(GENDER, leave_out=("unstated",)), default=""
    )
    age_band = SelectField(_l("Age"), choices=_optional(AGE_BAND), default="")


def headcount_form(walk) -> Form:  # type: ignore[no-untyped-def]
    """A form with one number per group, gender and age band (people counted without the app)."""

    class HeadcountForm(Form):
        pass

    stored = walk.headcount or {}
    for dimension, codes in HEADCOUNT_DIMENSIONS.items():
        for code in codes:
            setattr(
                HeadcountForm,
                f"{dimension}__{code}",
                IntegerField(
                    DIMENSION_LABELS[dimension][code],
                    validators=[Optional(), NumberRange(min=0, max=9999)],
                    default=(stored.get(dimension) or {}).get(code) or None,
                ),
            )
    return HeadcountForm()


class FollowUpForm(Form):
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Choose a date."))])
    start_time = TimeField(_l("Starts at"), validators=[DataRequired(message=_l("Choose a time."))])

    def validate_day(self, field: DateField) -> None:
        refuse_past_planned_day(field.data)  # the follow-up walk is planned


class ActionForm(Form):
    """Buttons that change state (revoke, merge...): the CSRF token is all they carry."""
