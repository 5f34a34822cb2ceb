"""/api/v1/openapi.json: a valid OpenAPI 3.1 document that covers every API route."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from webapp.observations.validation import ALLOWED_FIELDS

PREFIX = "/api/v1"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def api_operations(app: Flask) -> set[tuple[str, str]]:
    """(OpenAPI path, method) for every /api/v1 rule in the URL map."""
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX) :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations.add((path, method.lower()))
    return operations


def documented_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


@pytest.fixture
def document(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def test_openapi_document_is_valid_openapi_3_1(document):
    validator = pytest.importorskip("openapi_spec_validator")
    assert document["openapi"].startswith("3.1.")
    validator.validate(document)


def test_document_basics_without_a_validator(document):
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": PREFIX}]
    for path, item in document["paths"].items():
        assert path.startswith("/")
        template_names = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            assert method in HTTP_METHODS
            assert operation["responses"], (path, method)
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == template_names, (path, method)


def test_every_api_route_is_documented(app, document):
    missing = api_operations(app) - documented_operations(document)
    assert not missing, f"API routes without OpenAPI documentation: {sorted(missing)}"


def test_nothing_is_documented_that_does_not_exist(app, document):
    stale = documented_operations(document) - api_operations(app)
    assert not stale, f"documented but not routed: {sorted(stale)}"


def test_observation_schema_matches_the_validator(app, document):
    schema = document["components"]["schemas"]["ObservationIn"]
    assert set(schema["properties"]) == ALLOWED_FIELDS
    assert schema["additionalProperties"] is False
    assert schema["properties"]["note"]["maxLength"] == app.config["NOTE_MAX_LENGTH"]


def test_documented_errors_use_the_error_schema(document):
    for item in document["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}


def test_openapi_is_public_and_json(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
