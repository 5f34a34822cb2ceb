"""Building blocks shared by the features' OpenAPI parts (assembled in webapp.api.openapi)."""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR: dict[str, Any] = {
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

# Components every document has; a feature's part adds its own.
SCHEMAS: dict[str, Any] = {"Error": ERROR, "FeatureCollection": FEATURE_COLLECTION}


def error_responses(*codes: int) -> dict[str, Any]:
    """The error answers an operation may give, all in the common error shape."""
    return {str(code): json_response("Error", ERROR_REF) for code in codes}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """An answer with a JSON body of the schema written in place."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def stored_responses(
    created: str, replay: str, errors: tuple[int, ...], content: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The answers of an idempotent create: 201 for a new record, 200 for a replay of the same
    content (both with `content` when given), and the errors."""
    body = {} if content is None else {"content": content}
    return {
        "201": {"description": created, **body},
        "200": {"description": replay, **body},
        **error_responses(*errors),
    }


def token_path(summary: str, answer: str) -> dict[str, Any]:
    """GET of a fresh CSRF token for an outbox: open to anyone, `answer` describes the JSON."""
    return {
        "get": {"summary": summary, "security": [], "responses": {"200": {"description": answer}}}
    }


def uuid_path_params(*names: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
        }
        for name in names
    ]


def json_ref(schema_name: str) -> dict[str, Any]:
    """A JSON body whose schema is one of the document's components."""
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A required JSON request body with the schema written in place."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def geojson_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}
        },
    }


def period_params() -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "query", "required": False,
         "schema": {"type": "string", "format": "date-time"}}
        for name in ("since", "until")
    ]  # fmt: skip
