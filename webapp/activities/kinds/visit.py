"""A visit to a business: who was visited, what was talked about, what came of it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.activities.forms import details_reader, form_list, form_text
from webapp.activities.kinds.base import Kind, details_object
from webapp.activities.kinds.orgnr import OrgNumberProblem, check_org_number
from webapp.core.fieldinput import Errors, choices, free_text

TOPICS = {
    "inbrott_stold": _l("Burglary/theft"),
    "bedrageri": _l("Fraud"),
    "narkotika": _l("Drugs"),
    "trygghet": _l("Safety"),
    "annat": _l("Other"),
}
FIELDS = ("business_name", "org_number", "topics", "outcome", "follow_up")


def org_number(value: Any, errors: Errors) -> str | None:
    field = "details.org_number"
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        errors[field] = _("Must be text.")
        return None
    normalised, problem = check_org_number(value)
    if problem is OrgNumberProblem.FORMAT:
        errors[field] = _("Write the organisation number as NNNNNN-NNNN (10 digits).")
    elif problem is OrgNumberProblem.CHECK_DIGIT:
        errors[field] = _("The organisation number is not valid (check digit). Check for a typo.")
    elif problem is OrgNumberProblem.PERSONAL:
        errors[field] = _(
            "This is a personal identity number (a sole trader's). Leave the field empty for "
            "sole traders."
        )
    return normalised


def validate_details(value: Any, errors: Errors) -> dict[str, Any]:
    details = details_object(value, errors, FIELDS)
    if details is None:
        return {}
    return {
        "business_name": free_text(
            details.get("business_name"),
            "details.business_name",
            errors,
            max_length=200,
            required=True,
        ),
        "org_number": org_number(details.get("org_number"), errors),
        "topics": choices(details.get("topics"), "details.topics", TOPICS, errors, at_least=1),
        "outcome": free_text(details.get("outcome"), "details.outcome", errors, max_length=2000),
        "follow_up": free_text(
            details.get("follow_up"), "details.follow_up", errors, max_length=2000
        ),
    }


KIND = Kind(
    code="business_visit",
    label=_l("Business visit"),
    validate_details=validate_details,
    details_from_form=details_reader(
        business_name=form_text,
        org_number=form_text,
        topics=form_list,
        outcome=form_text,
        follow_up=form_text,
    ),
    fields_template="activities/kinds/visit/_fields.html",
    asks_position=True,
    detail_template="activities/kinds/visit/_detail.html",
    requires_position=True,
    warns_inside_tatort=True,
    asks_end_time=False,
    options={"topics": TOPICS},
    detail_fields={
        "business_name": (_l("Business"), None),
        "org_number": (_l("Organisation number"), None),
        "topics": (_l("What was talked about"), TOPICS),
        "outcome": (_l("Outcome"), None),
        "follow_up": (_l("Follow-up"), None),
    },
    list_name=lambda details: str(details.get("business_name") or ""),
)
