"""OpenAPI part of the map layers' API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from webapp.core.openapi import error_responses, geojson_response, json_response, period_params
from webapp.observations.openapi import GEOJSON_FILTERS

ROUTES_AND_POINTS = "FeatureCollection of LineString and Point features"

TRENDS: dict[str, Any] = {
    "type": "object",
    "required": ["weeks", "areas"],
    "properties": {
        "weeks": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "week": {"type": "integer", "description": "Weeks since Monday 1970-01-05"},
                    "starts": {"type": "string", "format": "date"},
                    "from": {
                        "type": "string",
                        "format": "date",
                        "description": "First local day counted: later than `starts` when the "
                        "period begins within the week",
                    },
                    "to": {
                        "type": "string",
                        "format": "date",
                        "description": "Last local day counted (included): before the week's "
                        "Sunday when the period ends within it",
                    },
                },
            },
        },
        "areas": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "kind": {"type": "string"},
                    "counts": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                },
            },
        },
    },
}


def _trends() -> dict[str, Any]:
    filters = [p for p in GEOJSON_FILTERS if p["name"] != "bbox"]
    area = {
        "name": "area",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Comma-separated area codes (and 'landsbygd'); default: every area.",
    }
    return {
        "get": {
            "summary": "Records per area per local week, for the map's filters",
            "description": "The last 52 weeks unless since/until say otherwise; at most 260 "
            "weeks. Counts only what the caller may read; counting police records is audited.",
            "parameters": [*filters, area],
            "responses": {
                "200": json_response("Weeks and one count per week for each area", TRENDS),
                **error_responses(401, 403, 422),
            },
        }
    }


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
        "/map/trends": _trends(),
        "/map/clusters": {"get": _clusters()},
        "/map/extent": {"get": _extent()},
    }


def _extent() -> dict[str, Any]:
    box = {
        "type": ["array", "null"],
        "items": {"type": "number"},
        "minItems": 4,
        "maxItems": 4,
        "description": "[min lon, min lat, max lon, max lat]; null when no record matches",
    }
    return {
        "summary": "How many records the filters keep, and the box around them",
        "description": "The map zooms to the records a filter shows. Counts only what the caller "
        "may read; counting police records is audited like listing them.",
        "parameters": list(GEOJSON_FILTERS),
        "responses": {
            "200": json_response(
                "Count and bounding box",
                {
                    "type": "object",
                    "required": ["count", "bbox"],
                    "properties": {"count": {"type": "integer", "minimum": 0}, "bbox": box},
                },
            ),  # fmt: skip
            **error_responses(401, 403, 422),
        },
    }


def _clusters() -> dict[str, Any]:
    cell = {"type": "array", "description": "[x, y, lat, lon, count, [count per category]]"}
    point = {"type": "array", "description": "[id, lat, lon, category index, status, x, y]"}
    return {
        "summary": "Observations the caller may read, counted per map cell of the tiles asked",
        "description": "Cells of 64 px in web mercator at `zoom`; cells of at most 5 records "
        "come as points (no note: GET /observations/{id} has it). Counting police records is "
        "audited like listing them.",
        "parameters": [
            {
                "name": "zoom",
                "in": "query",
                "required": True,
                "schema": {"type": "integer", "minimum": 3, "maximum": 22},
            },
            {
                "name": "tiles",
                "in": "query",
                "required": True,
                "schema": {"type": "string"},
                "description": "x0,y0,x1,y1: slippy-map tiles at `zoom`, inclusive, at most 64.",
            },
            *(p for p in GEOJSON_FILTERS if p["name"] != "bbox"),
        ],  # fmt: skip
        "responses": {
            "200": {
                "description": "Cells and points",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "zoom": {"type": "integer"},
                                "cell_px": {"type": "integer"},
                                "tiles": {"type": "array", "items": {"type": "integer"}},
                                "total": {"type": "integer"},
                                "max_cell": {"type": "integer"},
                                "categories": {"type": "array", "items": {"type": "string"}},
                                "cells": {"type": "array", "items": cell},
                                "points": {"type": "array", "items": point},
                            },
                        }
                    }
                },
            },
            **error_responses(401, 403, 422),
        },
    }
