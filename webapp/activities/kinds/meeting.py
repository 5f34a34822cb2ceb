"""A meeting in numbers: who came, how many cases, which themes, and what was agreed.

Cases are counted, never named. Follow-ups belong to an organisation, not to a person.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from werkzeug.datastructures import MultiDict

from webapp.activities.forms import form_int, form_list, form_text
from webapp.activities.kinds.base import Kind, details_object
from webapp.core.fieldinput import (
    Errors,
    calendar_date,
    choice,
    choices,
    count,
    free_text,
    unknown_fields,
)

ORGANISATIONS = {
    "skola": _l("School"),
    "elevhalsa": _l("Pupil health"),
    "socialtjanst": _l("Social services"),
    "polis": _l("Police"),
    "fritid": _l("Youth and leisure"),
    "annan": lazy_pgettext("organisation", "Other"),  # "Annan" in Swedish, not "Annat"
}
THEMES = {
    "andt": _l("Alcohol, drugs, doping, tobacco"),
    "skolfranvaro": _l("School absence"),
    "kriminalitet": _l("Crime"),
    "trygghet": _l("Safety"),
    "psykisk_halsa": _l("Mental health"),
    "annat": _l("Other"),
}
MAX_CASES = 500
MAX_FOLLOW_UPS = 20
# Blank rows the form offers for new follow-ups.
FORM_FOLLOW_UP_ROWS = 3


def follow_ups(value: Any, errors: Errors) -> list[dict[str, Any]]:
    field = "details.follow_ups"
    if value is None:
        return []
    if not isinstance(value, list):
        errors[field] = _("Must be a list.")
        return []
    if len(value) > MAX_FOLLOW_UPS:
        errors[field] = _("At most %(n)s follow-ups.", n=MAX_FOLLOW_UPS)
        return []
    clean = []
    for index, item in enumerate(value):
        prefix = f"{field}.{index}"
        if not isinstance(item, dict):
            errors[prefix] = _("Must be an object.")
            continue
        unknown_fields(item, ("what", "owner", "due_on"), errors, prefix=prefix + ".")
        due_on = calendar_date(item.get("due_on"), prefix + ".due_on", errors)
        clean.append(
            {
                "what": free_text(
                    item.get("what"), prefix + ".what", errors, max_length=500, required=True
                ),
                "owner": choice(item.get("owner"), prefix + ".owner", ORGANISATIONS, errors),
                "due_on": due_on.isoformat() if isinstance(due_on, date) else None,
            }
        )
    return clean


def validate_details(value: Any, errors: Errors) -> dict[str, Any]:
    details = details_object(
        value, errors, ("organisations", "cases_discussed", "themes", "follow_ups")
    )
    if details is None:
        return {}
    return {
        "organisations": choices(
            details.get("organisations"), "details.organisations", ORGANISATIONS, errors, at_least=1
        ),
        "cases_discussed": count(
            details.get("cases_discussed"),
            "details.cases_discussed",
            errors,
            maximum=MAX_CASES,
            default=None,
        ),
        "themes": choices(details.get("themes"), "details.themes", THEMES, errors),
        "follow_ups": follow_ups(details.get("follow_ups"), errors),
    }


def details_from_form(form: MultiDict) -> dict[str, Any]:
    rows = []
    index = 0
    # Rows are numbered 0, 1, 2...; blank rows (the spare ones the form offers) are skipped.
    while f"details.follow_ups.{index}.what" in form:
        row = {
            "what": form_text(form, f"details.follow_ups.{index}.what") or "",
            "owner": form.get(f"details.follow_ups.{index}.owner") or None,
            "due_on": form.get(f"details.follow_ups.{index}.due_on") or None,
        }
        if row["what"].strip() or row["due_on"]:
            rows.append(row)
        index += 1
    return {
        "organisations": form_list(form, "details.organisations"),
        "cases_discussed": form_int(form, "details.cases_discussed"),
        "themes": form_list(form, "details.themes"),
        "follow_ups": rows,
    }


KIND = Kind(
    code="meeting",
    label=_l("Meeting with school and social services"),
    validate_details=validate_details,
    details_from_form=details_from_form,
    fields_template="activities/kinds/meeting/_fields.html",
    counts_only=True,
    detail_template="activities/kinds/meeting/_detail.html",
    options={"organisations": ORGANISATIONS, "themes": THEMES},
    detail_fields={
        "organisations": (_l("Organisations present"), ORGANISATIONS),
        "cases_discussed": (_l("Number of cases discussed"), None),
        "themes": (_l("Themes"), THEMES),
    },
)
