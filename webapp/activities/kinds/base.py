"""What a kind of activity is (`Kind`) and the helpers every kind module shares.

The kind modules (patrol, visit, andt, meeting) import this module only; the registry in
kinds/__init__.py imports them. Nothing here imports a kind, so there is no cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
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
    # The promise is about places outside Sunne tätort (business visits): the form says so when
    # the position lies inside it, offline too (the outline travels with the form).
    warns_inside_tatort: bool = False
    default_area: str | None = None
    # Records about young people: counts and categories only, the form says so first.
    counts_only: bool = False
    # Entries of this kind mostly happen at one moment (a visit), not over a span (a patrol).
    asks_end_time: bool = True
    # Called once a new entry of this kind is stored (same transaction).
    after_create: Callable[[Any], None] | None = None
    # Option lists (code -> label) its templates show, e.g. {"topics": TOPICS}.
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What in its details tells one entry from another in lists (the business a visit was
    # to): a place or an organisation, never a person.
    list_name: Callable[[dict[str, Any]], str] = field(default=lambda details: "")
    # Its details as a reader names them (the entry's history): per key, the form's label and
    # the option list its codes are read from (None: a number or text, shown as it is).
    detail_fields: dict[str, tuple[Any, dict[str, Any] | None]] = field(default_factory=dict)


def details_object(value: Any, errors: Errors, allowed: tuple[str, ...]) -> dict[str, Any] | None:
    """The details as a dict with only known keys, or None after noting what is wrong."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors["details"] = _("Must be an object.")
        return None
    unknown_fields(value, allowed, errors, prefix="details.")
    return value


def no_details(value: Any, errors: Errors) -> dict[str, Any]:
    """For kinds without details: only an empty object (or nothing) is accepted."""
    details_object(value, errors, ())
    return {}


def no_form_details(form: MultiDict) -> dict[str, Any]:
    return {}
