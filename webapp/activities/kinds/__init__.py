"""What differs between kinds of activity: their details, their form and their pages.

An activity type (a row a coordinator edits) names one of these kinds; the kind decides which
form fits and how its details are checked. Adding a promise or an activity type of a known kind
needs no code; a new kind does: a module that builds a `Kind` (kinds.base) and a line below.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from webapp.activities.kinds.andt import KIND as ANDT
from webapp.activities.kinds.base import Kind, no_details, no_form_details
from webapp.activities.kinds.meeting import KIND as MEETING
from webapp.activities.kinds.patrol import KIND as PATROL
from webapp.activities.kinds.visit import KIND as BUSINESS_VISIT

OTHER = Kind("other", _l("Other activity"), no_details, no_form_details)
SAFETY_WALK = Kind("safety_walk", _l("Safety walk"), no_details, no_form_details)

_REGISTRY = {
    kind.code: kind for kind in (PATROL, BUSINESS_VISIT, ANDT, MEETING, SAFETY_WALK, OTHER)
}


def registry() -> dict[str, Kind]:
    return _REGISTRY


def get_kind(code: str) -> Kind:
    return _REGISTRY.get(code, OTHER)


def kind_choices() -> list[tuple[str, Any]]:
    return [(kind.code, kind.label) for kind in _REGISTRY.values()]
