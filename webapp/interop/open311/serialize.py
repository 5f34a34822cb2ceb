"""Open311 GeoReport v2 documents and their two renderings, JSON and XML (pure: no app, no
database).

- XML is required by the spec, JSON optional; we serve both. XML has no namespace, a
  declaration with encoding UTF-8, Content-Type text/xml; charset=utf-8.
- JSON is the "Spark convention" mapping of the XML: the root element disappears and a list
  becomes an array.
- Date/times are w3 ISO 8601 with a timezone.
- Errors: 404 for missing resources, 403 for a missing or wrong api_key, 400 for anything else;
  the body is the array of {code, description}.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET  # nosec B405 - only builds our own XML, never parses input
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from webapp.core.localtime import SUNNE_ZONE

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MIME = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
FORMATS = ("json", "xml")
STOCKHOLM = SUNNE_ZONE

# ---------------------------------------------------------------------------------------------
# Documents (what the views hand to render()).
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str | None = None
    group: str | None = None
    keywords: str | None = None
    metadata: bool = False  # we have no service definitions (no extra attributes)
    type: str = "realtime"  # POST answers with a service_request_id at once


@dataclass(frozen=True)
class ServiceRequest:
    id: str
    status: str  # "open" | "closed"
    service_code: str
    requested: datetime
    service_name: str | None = None
    status_notes: str | None = None
    description: str | None = None
    agency_responsible: str | None = None
    service_notice: str | None = None
    updated: datetime | None = None
    expected: datetime | None = None
    address: str | None = None
    lat: float | None = None
    long: float | None = None


@dataclass(frozen=True)
class Created:
    service_request_id: str
    service_notice: str | None = None


@dataclass(frozen=True)
class Error:
    code: int | str
    description: str


@dataclass(frozen=True)
class Endpoint:
    url: str
    changeset: str
    type: str = "production"  # or "test"
    formats: tuple[str, ...] = ("text/xml", "application/json")
    specification: str = SPECIFICATION


@dataclass(frozen=True)
class Discovery:
    changeset: str
    contact: str
    key_service: str
    endpoints: tuple[Endpoint, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# Plain structures (the JSON shape; the XML is built from the same structures).
# ---------------------------------------------------------------------------------------------


def w3(moment: datetime, zone: ZoneInfo = STOCKHOLM) -> str:
    """2026-12-01T14:05:10+01:00: local time with its offset, whole seconds (spec: w3 note)."""
    if moment.tzinfo is None:  # our UTCDateTime columns come back aware; be safe anyway
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).isoformat(timespec="seconds")


def services_doc(services: Iterable[Service]) -> list[dict[str, Any]]:
    return [
        {
            "service_code": s.code,
            "service_name": s.name,
            "description": s.description,
            "metadata": s.metadata,
            "type": s.type,
            "keywords": s.keywords,
            "group": s.group,
        }
        for s in services
    ]


def requests_doc(requests: Iterable[ServiceRequest], zone: ZoneInfo = STOCKHOLM) -> list[dict]:
    """Every field the spec lists for GET requests, null where we have nothing or may say
    nothing (address_id, zipcode, media_url are always null: we have no address register and
    never publish photos of residents' reports)."""

    def when(moment: datetime | None) -> str | None:
        return None if moment is None else w3(moment, zone)

    return [
        {
            "service_request_id": r.id,
            "status": r.status,
            "status_notes": r.status_notes,
            "service_name": r.service_name,
            "service_code": r.service_code,
            "description": r.description,
            "agency_responsible": r.agency_responsible,
            "service_notice": r.service_notice,
            "requested_datetime": w3(r.requested, zone),
            "updated_datetime": when(r.updated),
            "expected_datetime": when(r.expected),
            "address": r.address,
            "address_id": None,
            "zipcode": None,
            "lat": r.lat,
            "long": r.long,
            "media_url": None,
        }
        for r in requests
    ]


def created_doc(created: Created) -> list[dict[str, Any]]:
    return [
        {
            "service_request_id": created.service_request_id,
            "service_notice": created.service_notice,
            "account_id": None,
        }
    ]


def errors_doc(errors: Sequence[Error]) -> list[dict[str, Any]]:
    return [{"code": e.code, "description": e.description} for e in errors]


def discovery_doc(d: Discovery) -> dict[str, Any]:
    return {
        "changeset": d.changeset,
        "contact": d.contact,
        "key_service": d.key_service,
        "endpoints": [
            {
                "specification": e.specification,
                "url": e.url,
                "changeset": e.changeset,
                "type": e.type,
                "formats": list(e.formats),
            }
            for e in d.endpoints
        ],
    }


# ---------------------------------------------------------------------------------------------
# Rendering.
# ---------------------------------------------------------------------------------------------

# kind -> (XML root, XML item element). "discovery" is an object, not a list.
XML_NAMES = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "created": ("service_requests", "request"),
    "errors": ("errors", "error"),
}
# Characters XML 1.0 cannot carry at all (ElementTree would write them and make the document
# unparseable). Our free_text() already refuses most control characters; this is the last line.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _NOT_XML.sub("", str(value))


def _fill(parent: ET.Element, mapping: Mapping[str, Any]) -> None:
    """Scalars become child elements; None is left out (the XML schema makes every optional
    element minOccurs=0; an empty <lat/> would not be a decimal). Lists nest per the
    discovery document: endpoints/endpoint, formats/format."""
    for key, value in mapping.items():
        if value is None:
            continue
        child = ET.SubElement(parent, key)
        if key == "endpoints":
            for endpoint in value:
                _fill(ET.SubElement(child, "endpoint"), endpoint)
        elif key == "formats":
            for fmt in value:
                ET.SubElement(child, "format").text = _text(fmt)
        else:
            child.text = _text(value)


def to_xml(kind: str, doc: Any) -> bytes:
    if kind == "discovery":
        root = ET.Element("discovery")
        _fill(root, doc)
    else:
        root_name, item_name = XML_NAMES[kind]
        root = ET.Element(root_name)
        for item in doc:
            _fill(ET.SubElement(root, item_name), item)
    ET.indent(root, space="  ")
    # The declaration with encoding="UTF-8", double-quoted as in the spec's examples
    # (ElementTree's own declaration uses single quotes, which naive clients trip over).
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def to_json(doc: Any) -> bytes:
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    # As citizen/api.reports_geojson does: residents' text never reaches a page as markup.
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return body.encode("utf-8")


def render(kind: str, doc: Any, fmt: str) -> tuple[bytes, str]:
    """(body, Content-Type) for fmt "json" or "xml". The view wraps it in a Response."""
    if fmt == "xml":
        return to_xml(kind, doc), MIME["xml"]
    if fmt == "json":
        return to_json(doc), MIME["json"]
    raise ValueError(f"unknown format {fmt!r}")


def error_body(status: int, description: str, fmt: str, code: int | str | None = None):
    """(body, Content-Type, status) for one error. fmt falls back to XML (the required format)
    when the URL carried no usable extension."""
    fmt = fmt if fmt in FORMATS else "xml"
    body, mime = render("errors", errors_doc([Error(code or status, description)]), fmt)
    return body, mime, status
