"""OpenAPI part of the map layers' API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from webapp.core.openapi import error_responses, geojson_response, period_params

ROUTES_AND_POINTS = "FeatureCollection of LineString and Point features"


def _layer(summary: str, description: str, *, period: bool = False) -> dict[str, Any]:
    """A GET that answers with a FeatureCollection; `period`: filtered by since/until."""
    operation: dict[str, Any] = {"summary": summary}
    if period:
        operation["parameters"] = period_params()
    operation["responses"] = {
        "200": geojson_response(description),
        **error_responses(*((401, 403, 422) if period else (401, 403))),
    }
    return {"get": operation}


def map_paths() -> dict[str, Any]:
    return {
        "/areas.geojson": _layer(
            "Areas (centrum, tätort, kommun) as an RFC 7946 FeatureCollection",
            "FeatureCollection of Polygon features",
        ),
        "/measures.geojson": _layer(
            "Measures with a position the caller may see (RFC 7946)",
            "FeatureCollection of Point features",
        ),
        "/map/walks.geojson": _layer(
            "Walk routes and stops with their average feeling of safety (0-3)",
            ROUTES_AND_POINTS,
            period=True,
        ),
        "/map/activities.geojson": _layer(
            "Patrol routes and business visits the caller may see",
            ROUTES_AND_POINTS,
            period=True,
        ),
    }
