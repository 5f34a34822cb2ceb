"""Every Open311 answer checked against our GeoReport v2 schemas (tests/interop/schemas/:
JSON Schema for JSON, XSD for XML; see schemas/README.md for how they were made)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import xmlschema

SCHEMAS = Path(__file__).with_name("schemas")


@cache
def _json_validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@cache
def _xsd(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / f"{name}.xsd"))


def check(response: Any, schema: str, fmt: str) -> Any:
    """Validate the answer's body (raises on a mismatch) and return it parsed (JSON) or as
    text (XML)."""
    body = response.get_data()
    if fmt == "json":
        assert response.content_type == "application/json; charset=utf-8"
        doc = json.loads(body)
        _json_validator(schema).validate(doc)
        return doc
    assert response.content_type == "text/xml; charset=utf-8"
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    _xsd(schema).validate(body)
    return body.decode("utf-8")
