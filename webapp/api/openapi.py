"""The OpenAPI 3.1 description of /api/v1, kept beside the code it describes."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict[str, Any]:
    return {
        str(code): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
        for code in codes
    }


OBSERVATION_IN: dict[str, Any] = {
    "type": "object",
    "required": ["id", "lat", "lon", "observed_at", "category"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "accuracy_m": {"type": ["number", "null"], "minimum": 0, "maximum": 100000},
        "observed_at": {"type": "string", "format": "date-time"},
        "category": {"type": "string", "maxLength": 40},
        "note": {"type": ["string", "null"], "maxLength": 2000},
        "rating": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
        "activity_id": {"type": ["string", "null"], "format": "uuid"},
        "walk_id": {"type": ["integer", "null"], "minimum": 1},
        "visibility": {"type": "string", "enum": ["police", "municipality", "shared"]},
        "manual_position": {"type": "boolean"},
    },
}


def build_openapi() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Trygg Sunne API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "trygg_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                            },
                        }
                    },
                },
                "ObservationIn": OBSERVATION_IN,
            },
        },
        "security": [{"session": [], "csrf": []}],
        "paths": {
            "/csrf-token": {"get": {"summary": "A fresh CSRF token", "security": [], "responses": {"200": {"description": "Token"}}}},
            "/me": {"get": {"summary": "The logged-in user", "responses": {"200": {"description": "User"}, **_error_responses(401)}}},
            "/categories": {"get": {"summary": "Observation categories with Swedish and English labels", "security": [], "responses": {"200": {"description": "Categories"}}}},
            "/observations": {
                "post": {
                    "summary": "Create an observation (idempotent on the client UUID)",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ObservationIn"}}}},
                    "responses": {
                        "201": {"description": "Created"},
                        "200": {"description": "Replay of the same content: the stored record"},
                        **_error_responses(400, 401, 403, 409, 413, 415, 422),
                    },
                }
            },
            "/observations/{id}": {
                "get": {
                    "summary": "One observation",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "Observation"}, **_error_responses(401, 403, 404)},
                }
            },
            "/observations.geojson": {
                "get": {
                    "summary": "Observations the caller may see, as an RFC 7946 FeatureCollection",
                    "parameters": [
                        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
                        for name in ("since", "until", "category", "status", "bbox", "mine")
                    ],
                    "responses": {"200": {"description": "FeatureCollection", "content": {"application/geo+json": {}}}, **_error_responses(401, 403, 422)},
                }
            },
            "/observations/{id}/photos/{photo_id}": {
                "put": {
                    "summary": "Upload a photo (idempotent on observation UUID + photo UUID)",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "photo_id", "in": "path", "required": True, "schema": {"type": "string"}},
                    ],
                    "requestBody": {"required": True, "content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}},
                    "responses": {"201": {"description": "Stored"}, "200": {"description": "Replay"}, **_error_responses(401, 403, 404, 409, 413, 422)},
                }
            },
        },
    }
