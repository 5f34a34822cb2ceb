"""The coordinator's form for a new receiver."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.forms import Form, required_text
from webapp.core.labels import choices
from webapp.core.outbox.service import EVENT_TYPES

VISIBILITY_CHOICES = {
    "shared": _l("Shared records"),
    "public": _l("Published residents' reports"),
    "municipality": _l("Municipal records"),
    "police": _l("Police records"),
}
DEFAULT_VISIBILITIES = ["shared", "public"]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EndpointForm(Form):
    url = required_text(_l("Receiver URL"), _l("Enter the receiver's URL."), 2000)
    description = StringField(_l("Description"), validators=[Length(max=200)])
    events = MultiCheckboxField(
        _l("Events"),
        choices=choices({name: name for name in EVENT_TYPES}),
        validators=[DataRequired(message=_l("Choose at least one event."))],
    )
    visibilities = MultiCheckboxField(
        _l("Records the receiver may hear about"),
        choices=choices(VISIBILITY_CHOICES),
        default=DEFAULT_VISIBILITIES,
        validators=[DataRequired(message=_l("Choose at least one kind of record."))],
    )


class ActionForm(Form):
    """Buttons (switch on/off, send again): the CSRF token is all they carry."""
