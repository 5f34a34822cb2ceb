"""OpenAPI paths of the residents' API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from webapp.citizen.guard import HONEYPOT_FIELD, TOKEN_FIELD
from webapp.citizen.models import FEELINGS, TIMES_OF_DAY
from webapp.core.openapi import error_responses, json_body, stored_responses, token_path

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
        TOKEN_FIELD: {
            "type": "string",
            "description": "Single use: from /public/form-token just before sending.",
        },
        HONEYPOT_FIELD: {"type": "string", "description": "Must stay empty."},
    },
}
FORM_TOKEN_IN = {"type": "object", "properties": {TOKEN_FIELD: {"type": "string"}}}


def citizen_paths() -> dict[str, Any]:
    return {
        "/public/session": token_path(
            "A fresh CSRF token for a resident's outbox (no account)",
            "{csrf_token, authenticated, outbox_scope}",
        ),
        "/public/form-token": {
            "post": {
                "summary": "A fresh single-use form token for a report about to be sent",
                "description": (
                    "Send the token of the report page (however old, even used); the answer "
                    "is a fresh token that keeps the time that page was served. Anything "
                    "that is not one of our tokens comes back unchanged."
                ),
                "security": [{"csrf": []}],
                "requestBody": json_body(FORM_TOKEN_IN),
                "responses": {"200": {"description": "{form_token}"}, **error_responses(400, 429)},
            }
        },
        "/public/reports": {
            "post": {
                "summary": "A resident reports a place (anonymous, waits for moderation)",
                "description": (
                    "Idempotent on `id`. A filled honeypot or a missing, forged or foreign "
                    "`form_token` gets the same 201 receipt and is not stored. A new report "
                    "sent sooner after its page than the minimum fill time (`too_soon`), with "
                    "an expired or used token (`form_expired`) or over the address's daily cap "
                    "(`daily_limit`) gets 429: send the same item again later with a fresh "
                    "token (the outbox does), it is then stored once."
                ),
                "security": [{"csrf": []}],
                "requestBody": json_body(REPORT_IN),
                "responses": stored_responses(
                    "Received: {id, status}",
                    "Replay of the same content",
                    (400, 409, 413, 415, 422, 429),
                ),
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
