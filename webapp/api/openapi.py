"""The OpenAPI 3.1 description of /api/v1, assembled from the features' parts.

Each feature with API routes describes them beside its code (`webapp/<feature>/openapi.py`);
this module adds the API's own routes and the document's frame.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from webapp.activities.openapi import activity_paths
from webapp.activities.patrols.openapi import patrol_paths
from webapp.citizen.openapi import citizen_paths
from webapp.core.openapi import SCHEMAS, error_responses, token_path
from webapp.map.openapi import map_paths
from webapp.observations.openapi import observation_paths, observation_schemas
from webapp.walks.openapi import walk_paths

INFO = {
    "title": "Trygg Sunne API",
    "version": "1",
    "description": (
        "Session cookie plus X-CSRFToken header (fetch one from /csrf-token before each "
        'outbox flush). Errors: {"error": {"code", "message", "fields"}}.'
    ),
}

SECURITY_SCHEMES = {
    "session": {"type": "apiKey", "in": "cookie", "name": "trygg_session"},
    "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
}


def api_paths() -> dict[str, Any]:
    """The routes webapp.api itself adds."""
    return {
        "/csrf-token": token_path("A fresh CSRF token", "Token"),
        "/me": {
            "get": {
                "summary": "The logged-in user",
                "responses": {"200": {"description": "User"}, **error_responses(401)},
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 document"}},
            }
        },
    }


def all_paths() -> dict[str, Any]:
    return {
        **walk_paths(),
        **citizen_paths(),
        **api_paths(),
        **observation_paths(),
        **map_paths(),
        **activity_paths(),
        **patrol_paths(),
    }


def build_openapi() -> dict[str, Any]:
    """The document; every /api/v1 route must appear here (a test walks the URL map)."""
    note_max_length = int(current_app.config.get("NOTE_MAX_LENGTH", 2000))
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": SECURITY_SCHEMES,
            "schemas": {**SCHEMAS, **observation_schemas(note_max_length)},
        },
        "security": [{"session": [], "csrf": []}],
        "paths": all_paths(),
    }
