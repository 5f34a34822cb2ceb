"""Input of the Open311 interface: GET filters and the POST form, turned into clean values or
an Open311Error (400/403/404, never 422)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _


class Open311Error(Exception):
    def __init__(self, status: int, description: str, code: int | str | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.code = status, description, code or status


_W3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...] = ()  # service_request_id overrides every other filter
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # empty = both
    start: datetime | None = None
    end: datetime | None = None
    limit: int = MAX_RESULTS


def _csv(args: Mapping[str, Any], name: str) -> tuple[str, ...]:
    getlist = getattr(args, "getlist", None)  # werkzeug MultiDict: "can be declared multiple times"
    raw = getlist(name) if getlist else [args.get(name) or ""]
    return tuple(dict.fromkeys(p.strip() for v in raw for p in str(v).split(",") if p.strip()))


def _moment(args: Mapping[str, Any], name: str) -> datetime | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None  # "optional": empty equals absent
    if not _W3.match(value):
        message = _(
            "%(name)s must be a w3 date and time with a timezone, e.g. 2026-12-01T00:00:00+01:00.",
            name=name,
        )
        raise Open311Error(400, message, f"invalid_{name}")
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_request_query(args: Mapping[str, Any], now: datetime) -> RequestQuery:
    """Filters of GET requests.{fmt}. Default: the last 90 days, at most 1000 requests."""
    ids = _csv(args, "service_request_id")
    if ids:
        if len(ids) > MAX_RESULTS:
            raise Open311Error(400, _("At most 1000 service_request_id values."), "too_many_ids")
        return RequestQuery(ids=ids)
    statuses = _csv(args, "status")
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, _("status must be open, closed or both."), "invalid_status")
    start, end = _moment(args, "start_date"), _moment(args, "end_date")
    if start and end and start > end:
        raise Open311Error(400, _("start_date is after end_date."), "invalid_range")
    if start is None and end is None:
        end, start = now, now - MAX_SPAN
    elif start is None:
        start = end - MAX_SPAN  # type: ignore[operator]
    elif end is None:
        end = min(now, start + MAX_SPAN)
    if end - start > MAX_SPAN:  # type: ignore[operator]
        message = _("start_date and end_date may not span more than 90 days.")
        raise Open311Error(400, message, "range_too_long")
    return RequestQuery(
        service_codes=_csv(args, "service_code"), statuses=statuses, start=start, end=end
    )


@dataclass(frozen=True)
class NewRequest:
    service_code: str
    lat: float
    lon: float
    description: str
    contact: str  # email, else phone, else "" (names, device_id, account_id are never stored)


# Fields of the spec's POST we accept; others are ignored as the spec allows extensions, but
# attribute[...] is refused because our services have no definitions (metadata false).
POST_FIELDS = {"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
               "address_id", "email", "device_id", "account_id", "first_name", "last_name",
               "phone", "description", "media_url"}  # fmt: skip


def parse_new_request(
    form: Mapping[str, Any], service_codes: Iterable[str], text_max: int
) -> NewRequest:
    """The form of POST requests.{fmt} (application/x-www-form-urlencoded) -> a new report.

    Validation beyond the shape (inside Sunne kommun, contact format, free_text rules) is the
    same code as the resident's form: citizen.public.reports.validate_report() is called with
    the dict this returns, so both doors admit exactly the same reports.
    """
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided."), "missing_service_code")
    if code not in set(service_codes):
        raise Open311Error(404, _("service_code was not found."), "unknown_service_code")
    if any(k.startswith("attribute[") for k in form):
        raise Open311Error(400, _("This service has no attributes."), "unknown_attribute")
    lat_raw, lon_raw = (form.get("lat") or "").strip(), (form.get("long") or "").strip()
    if not lat_raw or not lon_raw:
        # address_string / address_id would need a geocoder: we take positions only.
        message = _("lat and long are required (address_string and address_id are not supported).")
        raise Open311Error(400, message, "missing_location")
    try:
        lat, lon = float(lat_raw), float(lon_raw)
    except ValueError:
        message = _("lat and long must be WGS 84 decimal degrees.")
        raise Open311Error(400, message, "invalid_location") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
        raise Open311Error(
            400, _("lat and long must be WGS 84 decimal degrees."), "invalid_location"
        )
    description = form.get("description") or ""
    if len(description) > text_max:
        message = _("description is longer than %(n)s characters.", n=text_max)
        raise Open311Error(400, message, "description_too_long")
    if (form.get("media_url") or "").strip():
        # We never fetch a URL a caller names (SSRF), and residents' reports carry no photos.
        raise Open311Error(400, _("media_url is not accepted."), "media_not_supported")
    contact = (form.get("email") or "").strip() or (form.get("phone") or "").strip()
    return NewRequest(code, lat, lon, description, contact)
