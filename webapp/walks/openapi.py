"""OpenAPI paths of the walk participant API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from webapp.core.openapi import error_responses as _errors
from webapp.core.openapi import json_body, stored_responses, token_path
from webapp.walks.models import CHECK_ANSWERS, FACTORS, RATING_MAX

SECURITY = [{"session": [], "csrf": []}]


def _params(**kinds: str) -> list[dict[str, Any]]:
    schemas = {
        "int": {"type": "integer", "minimum": 0},
        "uuid": {"type": "string", "format": "uuid"},
    }
    return [
        {"name": name, "in": "path", "required": True, "schema": schemas[kind]}
        for name, kind in kinds.items()
    ]


def _create(summary: str, schema: dict[str, Any], **params: str) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "description": (
                "Walk participants only (session from the join code). Idempotent on `id`."
            ),
            "parameters": _params(**params),
            "requestBody": json_body(schema),
            "responses": stored_responses(
                "Created: the stored record",
                "Replay of the same content: the stored record",
                (400, 401, 404, 409, 413, 415, 422),
            ),
        }
    }


UUID = {
    "type": "string",
    "format": "uuid",
    "description": "Made on the phone when the entry is made.",
}
SPOT_IN = {
    "type": "object",
    "required": ["id", "lat", "lon", "observed_at", "category"],
    "additionalProperties": False,
    "properties": {
        "id": UUID,
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "accuracy_m": {"type": ["number", "null"], "minimum": 0},
        "observed_at": {"type": "string", "format": "date-time"},
        "category": {"type": "string"},
        "note": {"type": ["string", "null"], "description": "Places and situations, no names."},
        "manual_position": {"type": "boolean"},
    },
}
RATING_IN = {
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": {
        "id": UUID,
        **{f: {"type": ["integer", "null"], "minimum": 0, "maximum": RATING_MAX} for f in FACTORS},
        "note": {"type": ["string", "null"]},
        "rated_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
CHECK_IN = {
    "type": "object",
    "required": ["id", "answer"],
    "additionalProperties": False,
    "properties": {
        "id": UUID,
        "answer": {"enum": list(CHECK_ANSWERS)},
        "note": {"type": ["string", "null"]},
    },
}


READ = {"description": "OK"}

# A spot photo: the raw image is the body; re-encoded on the server.
SPOT_PHOTO = {
    "put": {
        "summary": "A photo of one's own spot (JPEG/PNG/WebP body); re-encoded, no EXIF",
        "parameters": _params(walk_id="int", spot_id="uuid", photo_id="uuid"),
        "requestBody": {
            "required": True,
            "content": {"image/jpeg": {"schema": {"type": "string"}}},
        },
        "responses": stored_responses(
            "Stored", "Replay of the same photo", (401, 404, 409, 413, 422)
        ),
    }
}


def _read(summary: str, **params: str) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": _params(**params),
            "responses": {"200": READ, **_errors(401, 404)},
        }
    }


def walk_paths() -> dict[str, Any]:
    return {
        "/walk-session": token_path(
            "A fresh CSRF token; `authenticated`: the walk session is valid",
            "{csrf_token, authenticated, walk_id, outbox_scope}",
        ),
        "/walks/{walk_id}": {
            "get": {
                "summary": "The participant's walk: name, time, route and stops",
                "parameters": _params(walk_id="int"),
                "security": SECURITY,
                "responses": {"200": READ, **_errors(401, 404)},
            }
        },
        "/walks/{walk_id}/spots": {
            "get": {
                "summary": "Spots marked on the walk (others' without their notes)",
                "parameters": _params(walk_id="int"),
                "responses": {"200": READ, **_errors(401, 404)},
            },
            **_create("Mark a spot", SPOT_IN, walk_id="int"),
        },
        "/walks/{walk_id}/spots/{spot_id}/photos/{photo_id}": SPOT_PHOTO,
        "/walks/{walk_id}/stops/{stop_id}/ratings": _create(
            "Rate a stop on six factors, 0 (bad) to 3 (good); a later rating replaces earlier ones",
            RATING_IN,
            walk_id="int",
            stop_id="int",
        ),
        "/walks/{walk_id}/measures/{measure_id}": _read(
            "A measure of the walk this follow-up walk checks (public fields)",
            walk_id="int",
            measure_id="int",
        ),
        "/walks/{walk_id}/measures/{measure_id}/checks": _create(
            "On a follow-up walk: is the problem still there?",
            CHECK_IN,
            walk_id="int",
            measure_id="int",
        ),
    }
