"""OpenAPI part of the observation API (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from webapp.core.openapi import (
    ERROR,
    error_responses,
    geojson_response,
    json_body,
    json_ref,
    json_response,
    stored_responses,
    uuid_path_params,
)
from webapp.observations.models import CATEGORY_JSON

VISIBILITY = {"type": "string", "enum": ["police", "municipality", "shared"]}
PHOTO_KINDS = ("image/jpeg", "image/png", "image/webp")


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
            "visibility": VISIBILITY,
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
        "visibility": VISIBILITY,
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
    "properties": {name: {"type": "string"} for name in CATEGORY_JSON},
}


def observation_schemas(note_max_length: int) -> dict[str, Any]:
    """Components of this part; the note's limit is the app's NOTE_MAX_LENGTH."""
    return {
        "ObservationIn": _observation_in(note_max_length),
        "Observation": OBSERVATION,
        "Photo": PHOTO,
        "Category": CATEGORY,
    }


def _query(name: str, schema: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description is not None:
        param["description"] = description
    return param


GEOJSON_FILTERS = [
    _query(
        "since",
        {"type": "string", "format": "date-time"},
        "ISO 8601; without an offset, Swedish local time.",
    ),
    _query("until", {"type": "string", "format": "date-time"}),
    _query("category", {"type": "string"}, "Comma-separated category codes."),
    _query("status", {"type": "string"}, "Comma-separated statuses."),
    _query("bbox", {"type": "string"}, "minlon,minlat,maxlon,maxlat (RFC 7946 order)."),
    _query("mine", {"type": "string", "enum": ["1", "0", "true", "false"]}),
    _query("visibility", VISIBILITY),
    _query(
        "activity_type",
        {"type": "integer", "minimum": 1},
        "Only records made during an activity of this type.",
    ),
    _query(
        "promise",
        {"type": "integer", "minimum": 1},
        "Only records made during activities serving this promise.",
    ),
]


def _categories() -> dict[str, Any]:
    listing = {
        "type": "object",
        "properties": {
            "categories": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}}
        },
    }
    return {
        "get": {
            "summary": "Observation categories with Swedish and English labels",
            "security": [],
            "responses": {"200": json_response("Categories", listing)},
        }
    }


def _photo_upload() -> dict[str, Any]:
    return {
        "put": {
            "summary": "Upload a photo (idempotent on observation + photo UUID)",
            "description": "Stored re-encoded as JPEG, without EXIF or other metadata.",
            "parameters": uuid_path_params("observation_id", "photo_id"),
            "requestBody": {
                "required": True,
                "content": {
                    kind: {"schema": {"type": "string", "contentMediaType": kind}}
                    for kind in PHOTO_KINDS
                },
            },
            "responses": stored_responses(
                "Stored",
                "Replay of the same bytes",
                (400, 401, 403, 404, 409, 413, 422),
                content=json_ref("Photo"),
            ),
        }
    }


def _photo_file() -> dict[str, Any]:
    jpeg = {"image/jpeg": {"schema": {"type": "string", "contentMediaType": "image/jpeg"}}}
    return {
        "get": {
            "summary": "A stored photo, if the caller may see its observation",
            "parameters": uuid_path_params("photo_id"),
            "responses": {
                "200": {"description": "JPEG", "content": jpeg},
                **error_responses(401, 403, 404),
            },
        }
    }


BATCH_RESULT: dict[str, Any] = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "integer", "enum": [200, 201, 409, 422]},
        "observation": {"$ref": "#/components/schemas/Observation"},
        "error": ERROR["properties"]["error"],
    },
}


def _batch() -> dict[str, Any]:
    body = {
        "type": "object",
        "required": ["items"],
        "additionalProperties": False,
        "properties": {
            "items": {
                "type": "array",
                "minItems": 1,
                "maxItems": 100,
                "items": {"$ref": "#/components/schemas/ObservationIn"},
            }
        },
    }
    results = {
        "type": "object",
        "properties": {"results": {"type": "array", "items": BATCH_RESULT}},
    }
    return {
        "post": {
            "summary": "Create many observations without photos (each idempotent on its UUID)",
            "description": "Each item is answered on its own, in order: 201 created, 200 replay "
            "of the same content, 409 the id holds other content, 422 invalid (with fields). "
            "At most OBSERVATION_BATCH_MAX items (100 by default). Photos: PUT one by one.",
            "requestBody": json_body(body),
            "responses": {
                "200": json_response("One result per item, in the order sent", results),
                **error_responses(400, 401, 403, 413, 415, 422),
            },
        }
    }


def observation_paths() -> dict[str, Any]:
    return {
        "/categories": _categories(),
        "/observations": {
            "post": {
                "summary": "Create an observation (idempotent on the client UUID)",
                "requestBody": {"required": True, "content": json_ref("ObservationIn")},
                "responses": stored_responses(
                    "Created: the stored record",
                    "Replay of the same content: the stored record",
                    (400, 401, 403, 409, 413, 415, 422),
                    content=json_ref("Observation"),
                ),
            }
        },
        "/observations/batch": _batch(),
        "/observations/{observation_id}": {
            "get": {
                "summary": "One observation",
                "parameters": uuid_path_params("observation_id"),
                "responses": {
                    "200": {"description": "Observation", "content": json_ref("Observation")},
                    **error_responses(401, 403, 404),
                },
            }
        },
        "/observations.geojson": {
            "get": {
                "summary": "Observations the caller may see, as an RFC 7946 FeatureCollection",
                "description": "Newest first: by observed_at, then by id.",
                "parameters": [
                    *GEOJSON_FILTERS,
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": 10000},
                        "Only the newest that many (the list below the map, a page of My "
                        "records). The answer then carries the foreign member `next_before`: "
                        "the cursor of the next page, null after the last one.",
                    ),
                    _query(
                        "before",
                        {"type": "string"},
                        "Only what comes after this cursor (a `next_before`), newest first: "
                        "the next page. Pages neither skip nor repeat a record.",
                    ),
                ],
                "responses": {
                    "200": geojson_response("FeatureCollection of Point features"),
                    **error_responses(401, 403, 422),
                },
            }
        },
        "/observations/{observation_id}/photos/{photo_id}": _photo_upload(),
        "/photos/{photo_id}.jpg": _photo_file(),
    }
