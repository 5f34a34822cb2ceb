"""OpenAPI part of the patrol API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from webapp.core.openapi import error_responses, json_body, json_response, uuid_path_params

PATROL_STOP_IN: dict[str, Any] = {
    "type": "object",
    "required": ["ended_at"],
    "additionalProperties": False,
    "properties": {
        "ended_at": {"type": "string", "format": "date-time"},
        "route": {"type": ["array", "null"], "description": "Route points from the phone."},
    },
}

OPEN_PATROL: dict[str, Any] = {
    "type": "object",
    "properties": {"patrol": {"type": ["object", "null"]}},
}


def patrol_paths() -> dict[str, Any]:
    return {
        "/activities/{activity_id}/stop": {
            "post": {
                "summary": "Stop a patrol (idempotent: the same stop again is a 200)",
                "parameters": uuid_path_params("activity_id"),
                "requestBody": json_body(PATROL_STOP_IN),
                "responses": {
                    "200": {"description": "The stopped patrol"},
                    **error_responses(400, 401, 403, 404, 409, 413, 415, 422),
                },
            }
        },
        "/patrols/open": {
            "get": {
                "summary": "The caller's patrol that is still running, if any",
                "responses": {
                    "200": json_response("{patrol: activity or null}", OPEN_PATROL),
                    **error_responses(401, 403),
                },
            }
        },
    }
