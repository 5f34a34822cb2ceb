"""OpenAPI paths of the residents' API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from .guard import HONEYPOT_FIELD, TOKEN_FIELD
from .models import FEELINGS, TIMES_OF_DAY

ERROR = {"$ref": "#/components/schemas/Error"}
REPORT_IN = {
    "type": "object",
    "required": ["id", "lat", "lon", "feeling", "category"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "Made on the phone."},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "feeling": {"enum": list(FEELINGS)},
        "category": {"type": "string", "description": "A code from /categories."},
        "text": {"type": ["string", "null"], "description": "Places and situations, no names."},
        "time_of_day": {"enum": [*TIMES_OF_DAY, None]},
        "contact": {
            "type": ["string", "null"],
            "description": "Optional e-mail or phone; only the coordinator ever sees it.",
        },
        TOKEN_FIELD: {"type": "string", "description": "From the report page (fill time)."},
        HONEYPOT_FIELD: {"type": "string", "description": "Must stay empty."},
    },
}


def _errors(*codes: int) -> dict[str, Any]:
    return {
        str(code): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
        for code in codes
    }


def citizen_paths() -> dict[str, Any]:
    return {
        "/public/session": {
            "get": {
                "summary": "A fresh CSRF token for a resident's outbox (no account)",
                "security": [],
                "responses": {"200": {"description": "{csrf_token, authenticated, outbox_scope}"}},
            }
        },
        "/public/reports": {
            "post": {
                "summary": "A resident reports a place (anonymous, waits for moderation)",
                "description": (
                    "Idempotent on `id`. A filled honeypot or a missing, forged or foreign "
                    "`form_token` gets the same 201 receipt and is not stored. A report sent "
                    "sooner after its page than the minimum fill time gets 429: send the same "
                    "item again later (the outbox does), it is then stored."
                ),
                "security": [{"csrf": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": REPORT_IN}},
                },
                "responses": {
                    "201": {"description": "Received: {id, status}"},
                    "200": {"description": "Replay of the same content"},
                    **_errors(400, 409, 413, 415, 422, 429),
                },
            }
        },
        "/public/reports.geojson": {
            "get": {
                "summary": "Published reports with the coordinator's public text",
                "security": [],
                "responses": {"200": {"description": "GeoJSON FeatureCollection"}},
            }
        },
    }
