"""The walked route: a GeoJSON LineString recorded on the phone while the patrol page is open."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from webapp.core.fieldinput import Errors
from webapp.geo import line_length_m, line_positions


def validate_route(value: Any, errors: Errors, field: str = "route") -> dict[str, Any] | None:
    """A LineString of [lon, lat] positions (altitude dropped), or None when none was recorded."""
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or value.get("type") != "LineString"
        or set(value) - {"type", "coordinates"}
        or not isinstance(value.get("coordinates"), list)
    ):
        errors[field] = _("The route must be a GeoJSON LineString.")
        return None
    positions = value["coordinates"]
    limit = current_app.config["PATROL_ROUTE_MAX_POINTS"]
    if len(positions) > limit:
        errors[field] = _("The route has more than %(n)s points.", n=limit)
        return None
    clean = line_positions(positions, 6)
    if clean is None:
        errors[field] = _("Every route point must be [longitude, latitude] in decimal degrees.")
        return None
    if len(clean) < 2:
        # One fix is no route; not an error, the patrol simply has none.
        return None
    return {"type": "LineString", "coordinates": clean}


def route_length_m(route: dict[str, Any] | None) -> float | None:
    return None if route is None else line_length_m(route["coordinates"])
