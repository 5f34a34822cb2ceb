"""What a patrol records besides time and area: how many took part and from which organisations."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from webapp.activities.forms import details_reader, form_int, form_list
from webapp.activities.kinds.base import Kind, details_object
from webapp.activities.patrols.service import close_superseded
from webapp.core.fieldinput import Errors, choices, count

ORGANISATIONS = {
    "police": _l("Police"),
    "municipality": _l("Municipality"),
    "volunteers": _l("Volunteers (e.g. night walkers)"),
    "security": _l("Security company"),
    "other": lazy_pgettext("organisation", "Other"),  # "Annan" in Swedish, not "Annat"
}
MAX_PARTICIPANTS = 100


def validate_details(value: Any, errors: Errors) -> dict[str, Any]:
    details = details_object(value, errors, ("participants_count", "organisations"))
    if details is None:
        return {}
    participants = count(
        details.get("participants_count"),
        "details.participants_count",
        errors,
        maximum=MAX_PARTICIPANTS,
        default=1,
    )
    if participants == 0:
        errors["details.participants_count"] = _("At least one person takes part.")
    organisations = choices(
        details.get("organisations"), "details.organisations", ORGANISATIONS, errors, at_least=1
    )
    return {"participants_count": participants, "organisations": organisations}


KIND = Kind(
    code="patrol",
    label=_l("Foot patrol"),
    validate_details=validate_details,
    details_from_form=details_reader(participants_count=form_int, organisations=form_list),
    fields_template="activities/patrols/_fields.html",
    detail_template="activities/patrols/_detail.html",
    default_area="sunne-centrum",
    after_create=close_superseded,
    options={"organisations": ORGANISATIONS},
    detail_fields={
        "participants_count": (_l("How many took part"), None),
        "organisations": (_l("From which organisations"), ORGANISATIONS),
    },
)
