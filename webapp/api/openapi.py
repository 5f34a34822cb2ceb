"""The OpenAPI 3.1 description of /api/v1, kept beside the code it describes."""

from __future__ import annotations

from typing import Any

from flask import current_app

from webapp.citizen.openapi import citizen_paths
from webapp.walks.openapi import walk_paths

ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict[str, Any]:
    return {
        str(code): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
        for code in codes
    }


def _path_params(*names: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
        }
        for name in names
    ]


def _observation_in(note_max_length: int) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "lat", "lon", "observed_at", "category"],
        "additionalProperties": False,
        "properties": {
            "id": {
                "type": "string",
                "format": "uuid",
                "description": "Made on the device when the entry is made.",
            },
            "lat": {
                "type": "number",
                "minimum": -90,
                "maximum": 90,
                "description": "WGS 84, decimal degrees.",
            },
            "lon": {
                "type": "number",
                "minimum": -180,
                "maximum": 180,
                "description": "WGS 84, decimal degrees.",
            },
            "accuracy_m": {"type": ["number", "null"], "minimum": 0, "maximum": 100000},
            "observed_at": {
                "type": "string",
                "format": "date-time",
                "description": "ISO 8601 with an offset in whole minutes; echoed with it.",
            },
            "category": {
                "type": "string",
                "maxLength": 40,
                "description": "A code from /categories.",
            },
            "note": {
                "type": ["string", "null"],
                "maxLength": note_max_length,
                "description": "Places and situations, not people (no personal identity numbers).",
            },
            "rating": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
            "activity_id": {"type": ["string", "null"], "format": "uuid"},
            "walk_id": {"type": ["integer", "null"], "minimum": 1},
            "visibility": {"type": "string", "enum": ["police", "municipality", "shared"]},
            "manual_position": {"type": "boolean"},
            "imprecise_position": {
                "type": "boolean",
                "description": "Saved although the GPS fix was worse than the accuracy limit "
                "(the user chose 'save anyway'). Set by the server too when accuracy_m exceeds "
                "the limit and the position was not placed by hand.",
            },
        },
    }


OBSERVATION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "lat": {"type": "number"},
        "lon": {"type": "number"},
        "accuracy_m": {"type": ["number", "null"]},
        "manual_position": {"type": "boolean"},
        "imprecise_position": {"type": "boolean"},
        "observed_at": {"type": "string", "format": "date-time"},
        "category": {"type": "string"},
        "note": {"type": "string"},
        "rating": {"type": ["integer", "null"]},
        "visibility": {"type": "string", "enum": ["police", "municipality", "shared"]},
        "status": {"type": "string"},
        "activity_id": {"type": ["string", "null"]},
        "walk_id": {"type": ["integer", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "photos": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "url": {"type": "string"}},
            },
        },
    },
}

PHOTO: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "observation_id": {"type": "string", "format": "uuid"},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "sha256": {"type": "string"},
        "url": {"type": "string"},
    },
}

CATEGORY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "label_sv": {"type": "string"},
        "label_en": {"type": "string"},
        "color": {"type": "string"},
        "icon": {"type": "string"},
    },
}

FEATURE_COLLECTION: dict[str, Any] = {
    "type": "object",
    "description": "RFC 7946 FeatureCollection; coordinates are [longitude, latitude].",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {"type": "object"}},
    },
}


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

PATROL_STOP_IN: dict[str, Any] = {
    "type": "object",
    "required": ["ended_at"],
    "additionalProperties": False,
    "properties": {
        "ended_at": {"type": "string", "format": "date-time"},
        "route": {"type": ["array", "null"], "description": "Route points from the phone."},
    },
}


def _json(schema_name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}


def _geojson(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}
        },
    }


def _period_params() -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "query", "required": False,
         "schema": {"type": "string", "format": "date-time"}}
        for name in ("since", "until")
    ]  # fmt: skip


def build_openapi() -> dict[str, Any]:
    """The document; every /api/v1 route must appear here (a test walks the URL map)."""
    note_max_length = int(current_app.config.get("NOTE_MAX_LENGTH", 2000))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Trygg Sunne API",
            "version": "1",
            "description": (
                "Session cookie plus X-CSRFToken header (fetch one from /csrf-token before each "
                'outbox flush). Errors: {"error": {"code", "message", "fields"}}.'
            ),
        },
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
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                            },
                        }
                    },
                },
                "ObservationIn": _observation_in(note_max_length),
                "Observation": OBSERVATION,
                "Photo": PHOTO,
                "Category": CATEGORY,
                "FeatureCollection": FEATURE_COLLECTION,
            },
        },
        "security": [{"session": [], "csrf": []}],
        "paths": {
            **walk_paths(),
            **citizen_paths(),
            "/csrf-token": {
                "get": {
                    "summary": "A fresh CSRF token",
                    "security": [],
                    "responses": {"200": {"description": "Token"}},
                }
            },
            "/me": {
                "get": {
                    "summary": "The logged-in user",
                    "responses": {"200": {"description": "User"}, **_error_responses(401)},
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1 document"}},
                }
            },
            "/categories": {
                "get": {
                    "summary": "Observation categories with Swedish and English labels",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "Categories",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "categories": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Category"},
                                            }
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/observations": {
                "post": {
                    "summary": "Create an observation (idempotent on the client UUID)",
                    "requestBody": {"required": True, "content": _json("ObservationIn")},
                    "responses": {
                        "201": {
                            "description": "Created: the stored record",
                            "content": _json("Observation"),
                        },
                        "200": {
                            "description": "Replay of the same content: the stored record",
                            "content": _json("Observation"),
                        },
                        **_error_responses(400, 401, 403, 409, 413, 415, 422),
                    },
                }
            },
            "/observations/{observation_id}": {
                "get": {
                    "summary": "One observation",
                    "parameters": _path_params("observation_id"),
                    "responses": {
                        "200": {"description": "Observation", "content": _json("Observation")},
                        **_error_responses(401, 403, 404),
                    },
                }
            },
            "/observations.geojson": {
                "get": {
                    "summary": "Observations the caller may see, as an RFC 7946 FeatureCollection",
                    "parameters": [
                        {
                            "name": "since",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date-time"},
                            "description": "ISO 8601; without an offset, Swedish local time.",
                        },
                        {
                            "name": "until",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date-time"},
                        },
                        {
                            "name": "category",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                            "description": "Comma-separated category codes.",
                        },
                        {
                            "name": "status",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                            "description": "Comma-separated statuses.",
                        },
                        {
                            "name": "bbox",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                            "description": "minlon,minlat,maxlon,maxlat (RFC 7946 order).",
                        },
                        {
                            "name": "mine",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["1", "0", "true", "false"]},
                        },
                        {
                            "name": "visibility",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "string",
                                "enum": ["police", "municipality", "shared"],
                            },
                        },
                        {
                            "name": "activity_type",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1},
                            "description": "Only records made during an activity of this type.",
                        },
                        {
                            "name": "promise",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1},
                            "description": (
                                "Only records made during activities serving this promise."
                            ),
                        },
                    ],
                    "responses": {
                        "200": _geojson("FeatureCollection of Point features"),
                        **_error_responses(401, 403, 422),
                    },
                }
            },
            "/observations/{observation_id}/photos/{photo_id}": {
                "put": {
                    "summary": "Upload a photo (idempotent on observation + photo UUID)",
                    "description": "Stored re-encoded as JPEG, without EXIF or other metadata.",
                    "parameters": _path_params("observation_id", "photo_id"),
                    "requestBody": {
                        "required": True,
                        "content": {
                            kind: {"schema": {"type": "string", "contentMediaType": kind}}
                            for kind in ("image/jpeg", "image/png", "image/webp")
                        },
                    },
                    "responses": {
                        "201": {"description": "Stored", "content": _json("Photo")},
                        "200": {
                            "description": "Replay of the same bytes",
                            "content": _json("Photo"),
                        },
                        **_error_responses(400, 401, 403, 404, 409, 413, 422),
                    },
                }
            },
            "/photos/{photo_id}.jpg": {
                "get": {
                    "summary": "A stored photo, if the caller may see its observation",
                    "parameters": _path_params("photo_id"),
                    "responses": {
                        "200": {
                            "description": "JPEG",
                            "content": {
                                "image/jpeg": {
                                    "schema": {"type": "string", "contentMediaType": "image/jpeg"}
                                }
                            },
                        },
                        **_error_responses(401, 403, 404),
                    },
                }
            },
            "/areas.geojson": {
                "get": {
                    "summary": "Areas (centrum, tätort, kommun) as an RFC 7946 FeatureCollection",
                    "responses": {
                        "200": _geojson("FeatureCollection of Polygon features"),
                        **_error_responses(401, 403),
                    },
                }
            },
            "/measures.geojson": {
                "get": {
                    "summary": "Measures with a position the caller may see (RFC 7946)",
                    "responses": {
                        "200": _geojson("FeatureCollection of Point features"),
                        **_error_responses(401, 403),
                    },
                }
            },
            "/map/walks.geojson": {
                "get": {
                    "summary": "Walk routes and stops with their average feeling of safety (0-3)",
                    "parameters": _period_params(),
                    "responses": {
                        "200": _geojson("FeatureCollection of LineString and Point features"),
                        **_error_responses(401, 403, 422),
                    },
                }
            },
            "/map/activities.geojson": {
                "get": {
                    "summary": "Patrol routes and business visits the caller may see",
                    "parameters": _period_params(),
                    "responses": {
                        "200": _geojson("FeatureCollection of LineString and Point features"),
                        **_error_responses(401, 403, 422),
                    },
                }
            },
            "/activities": {
                "post": {
                    "summary": "Log a promised activity (idempotent on the client UUID)",
                    "description": (
                        "Common fields plus `details` checked by the activity kind (patrol, "
                        "business visit, ANDT, meeting...). Counts and categories, no names."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ACTIVITY_IN}},
                    },
                    "responses": {
                        "201": {"description": "Created: the stored record"},
                        "200": {"description": "Replay of the same content: the stored record"},
                        **_error_responses(400, 401, 403, 409, 413, 415, 422),
                    },
                }
            },
            "/activities/{activity_id}": {
                "get": {
                    "summary": "One activity",
                    "parameters": _path_params("activity_id"),
                    "responses": {
                        "200": {"description": "Activity"},
                        **_error_responses(401, 403, 404),
                    },
                }
            },
            "/activities/{activity_id}/stop": {
                "post": {
                    "summary": "Stop a patrol (idempotent: the same stop again is a 200)",
                    "parameters": _path_params("activity_id"),
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": PATROL_STOP_IN}},
                    },
                    "responses": {
                        "200": {"description": "The stopped patrol"},
                        **_error_responses(400, 401, 403, 404, 409, 413, 415, 422),
                    },
                }
            },
            "/patrols/open": {
                "get": {
                    "summary": "The caller's patrol that is still running, if any",
                    "responses": {
                        "200": {
                            "description": "{patrol: activity or null}",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"patrol": {"type": ["object", "null"]}},
                                    }
                                }
                            },
                        },
                        **_error_responses(401, 403),
                    },
                }
            },
        },
    }
