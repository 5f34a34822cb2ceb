"""What differs between kinds of activity: their details, their form and their pages.

An activity type (a row a coordinator edits) names one of these kinds; the kind decides which
form fits and how its details are checked. Adding a promise or an activity type of a known kind
needs no code; a new kind does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from webapp.core.fieldinput import Errors, unknown_fields


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    # details (JSON value) -> clean details; messages go to errors["details.<field>"]
    validate_details: Callable[[Any, Errors], dict[str, Any]]
    # the HTML form -> the details object the API would get
    details_from_form: Callable[[MultiDict], dict[str, Any]]
    fields_template: str | None = None
    detail_template: str | None = None
    # Offer a position (phone GPS or a pin on the map); `requires_position` makes it mandatory.
    asks_position: bool = False
    requires_position: bool = False
    default_area: str | None = None
    # Records about young people: counts and categories only, the form says so first.
    counts_only: bool = False
    # Entries of this kind mostly happen at one moment (a visit), not over a span (a patrol).
    asks_end_time: bool = True
    # Called once a new entry of this kind is stored (same transaction).
    after_create: Callable[[Any], None] | None = None
    # Option lists (code -> label) its templates show, e.g. {"topics": TOPICS}.
    options: dict[str, dict[str, Any]] = field(default_factory=dict)


def _no_details(value: Any, errors: Errors) -> dict[str, Any]:
    details_object(value, errors, ())
    return {}


def _no_form_details(form: MultiDict) -> dict[str, Any]:
    return {}


OTHER = Kind("other", _l("Other activity"), _no_details, _no_form_details)
SAFETY_WALK = Kind("safety_walk", _l("Safety walk"), _no_details, _no_form_details)


@cache
def registry() -> dict[str, Kind]:
    # Imported here: the kind packages import Kind from this module.
    from webapp.activities.kinds.andt import KIND as ANDT
    from webapp.activities.kinds.meeting import KIND as MEETING
    from webapp.activities.kinds.patrol import KIND as PATROL
    from webapp.activities.kinds.visit import KIND as BUSINESS_VISIT

    return {kind.code: kind for kind in (PATROL, BUSINESS_VISIT, ANDT, MEETING, SAFETY_WALK, OTHER)}


def get_kind(code: str) -> Kind:
    return registry().get(code, OTHER)


def kind_choices() -> list[tuple[str, Any]]:
    return [(kind.code, kind.label) for kind in registry().values()]


def details_object(value: Any, errors: Errors, allowed: tuple[str, ...]) -> dict[str, Any] | None:
    """The details as a dict with only known keys, or None after noting what is wrong."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors["details"] = _("Must be an object.")
        return None
    unknown_fields(value, allowed, errors, prefix="details.")
    return value
