"""The walked route: a GeoJSON LineString recorded on the phone while the patrol page is open."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from webapp.core.fieldinput import Errors, is_number
from webapp.geo import line_length_m


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
    clean = []
    for position in positions:
        if (
            not isinstance(position, list)
            or len(position) not in (2, 3)
            or not all(is_number(v) for v in position)
            or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90)
        ):
            errors[field] = _("Every route point must be [longitude, latitude] in decimal degrees.")
            return None
        clean.append([round(float(position[0]), 6), round(float(position[1]), 6)])
    if len(clean) < 2:
        # One fix is no route; not an error, the patrol simply has none.
        return None
    return {"type": "LineString", "coordinates": clean}


def route_length_m(route: dict[str, Any] | None) -> float | None:
    return None if route is None else line_length_m(route["coordinates"])
