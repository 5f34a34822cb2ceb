"""An ANDT intervention in numbers: what was done, how many young people, which substances.

Counts and categories only: no names or identity numbers of young people, anywhere.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from webapp.activities.forms import form_int, form_list, form_text
from webapp.activities.kinds.base import Kind, details_object
from webapp.core.fieldinput import Errors, choice, choices, count, free_text, unknown_fields

INTERVENTIONS = {
    "kontroll": _l("Check (kontroll)"),
    "samtal": _l("Talk (samtal)"),
    "beslag": _l("Seizure (beslag)"),
    "orosanmalan": _l("Report of concern (orosanmälan)"),
    "annat": _l("Other"),
}
AGE_BANDS = {
    "under_15": _l("under 15"),
    "age_15_17": _l("15–17"),
    "age_18_20": _l("18–20"),
}
SUBSTANCES = {
    "alkohol": _l("Alcohol"),
    "narkotika": _l("Narcotics"),
    "doping": _l("Doping"),
    "tobak": _l("Tobacco"),
}
MAX_PER_BAND = 500


def reached(value: Any, errors: Errors) -> dict[str, int]:
    field = "details.reached"
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors[field] = _("Must be an object with a count per age band.")
        return {}
    unknown_fields(value, AGE_BANDS, errors, prefix=field + ".")
    counts = {
        band: count(value.get(band), f"{field}.{band}", errors, maximum=MAX_PER_BAND, default=0)
        for band in AGE_BANDS
    }
    return {band: n for band, n in counts.items() if n is not None}


def validate_details(value: Any, errors: Errors) -> dict[str, Any]:
    details = details_object(value, errors, ("intervention", "reached", "substances", "actions"))
    if details is None:
        return {}
    return {
        "intervention": choice(
            details.get("intervention"), "details.intervention", INTERVENTIONS, errors
        ),
        "reached": reached(details.get("reached"), errors),
        "substances": choices(
            details.get("substances"), "details.substances", SUBSTANCES, errors, at_least=1
        ),
        "actions": free_text(details.get("actions"), "details.actions", errors, max_length=2000),
    }


def details_from_form(form: MultiDict) -> dict[str, Any]:
    return {
        "intervention": form.get("details.intervention") or None,
        "reached": {band: form_int(form, f"details.reached.{band}") for band in AGE_BANDS},
        "substances": form_list(form, "details.substances"),
        "actions": form_text(form, "details.actions"),
    }


def total_reached(details: dict[str, Any]) -> int:
    return sum((details.get("reached") or {}).values())


KIND = Kind(
    code="andt",
    label=_l("ANDT intervention"),
    validate_details=validate_details,
    details_from_form=details_from_form,
    fields_template="activities/kinds/andt/_fields.html",
    asks_position=True,
    counts_only=True,
    detail_template="activities/kinds/andt/_detail.html",
    options={"interventions": INTERVENTIONS, "age_bands": AGE_BANDS, "substances": SUBSTANCES},
    detail_fields={
        "intervention": (_l("Kind of intervention"), INTERVENTIONS),
        "reached": (_l("Young people reached, by age"), AGE_BANDS),
        "substances": (_l("Substances and themes"), SUBSTANCES),
        "actions": (_l("Actions taken"), None),
    },
)
