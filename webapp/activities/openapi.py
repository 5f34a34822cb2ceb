"""OpenAPI part of the activity API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from webapp.core.openapi import error_responses, json_body, stored_responses, uuid_path_params

ACTIVITY_IN: dict[str, Any] = {
    "type": "object",
    "required": ["id", "activity_type", "started_at"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "activity_type": {"type": "string", "description": "An activity type code."},
        "started_at": {"type": "string", "format": "date-time"},
        "ended_at": {"type": ["string", "null"], "format": "date-time"},
        "visibility": {"type": "string", "enum": ["police", "municipality", "shared"]},
        "promise_ids": {"type": ["array", "null"], "items": {"type": "integer"}},
        "area": {"type": ["string", "null"]},
        "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "lon": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
        "accuracy_m": {"type": ["number", "null"], "minimum": 0},
        "manual_position": {"type": "boolean"},
        "place": {"type": ["string", "null"]},
        "note": {"type": ["string", "null"]},
        "details": {"type": ["object", "null"], "description": "Per kind of activity."},
    },
}


def activity_paths() -> dict[str, Any]:
    return {
        "/activities": {
            "post": {
                "summary": "Log a promised activity (idempotent on the client UUID)",
                "description": (
                    "Common fields plus `details` checked by the activity kind (patrol, "
                    "business visit, ANDT, meeting...). Counts and categories, no names."
                ),
                "requestBody": json_body(ACTIVITY_IN),
                "responses": stored_responses(
                    "Created: the stored record",
                    "Replay of the same content: the stored record",
                    (400, 401, 403, 409, 413, 415, 422),
                ),
            }
        },
        "/activities/{activity_id}": {
            "get": {
                "summary": "One activity",
                "parameters": uuid_path_params("activity_id"),
                "responses": {
                    "200": {"description": "Activity"},
                    **error_responses(401, 403, 404),
                },
            }
        },
    }
