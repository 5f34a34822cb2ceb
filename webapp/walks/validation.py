"""One validator per input of a safety walk, shared by the HTML forms and the JSON API.

Each returns cleaned values or field messages in the user's language and never raises on bad
input: a phone's outbox must get a 422 with field messages, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from webapp.core.fieldinput import (
    UNREADABLE,
    Errors,
    aware_time,
    choice,
    client_uuid,
    coordinate,
    free_text,
    is_whole_number,
    json_text,
    unknown_fields,
)
from webapp.core.inputs import record_id
from webapp.geo import line_positions
from webapp.observations.validation import (
    CleanPoint,
    point_fields,
)
from webapp.walks.models import CHECK_ANSWERS, FACTORS, RATING_MAX

MAX_ROUTE_POINTS = 2000
MAX_STOPS = 60
STOP_NAME_MAX = 120
RATING_NOTE_MAX = 500
# Route or stops as JSON text: 2000 points of two 12-character numbers fit with room to spare.
MAX_JSON_LENGTH = 200_000


# ---- the plan (HTML form; route and stops come from the map editor as JSON) --------------------


def parse_route(text: str | None, errors: Errors, field: str = "route") -> dict[str, Any] | None:
    """A GeoJSON LineString geometry from the map editor, or None when no route was drawn."""
    if not text or not text.strip():
        return None
    value = json_text(text, max_length=MAX_JSON_LENGTH)
    if value is UNREADABLE:
        errors[field] = _("The route could not be read. Draw it again.")
        return None
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") != "LineString":
        errors[field] = _("The route must be a line drawn on the map.")
        return None
    points = value.get("coordinates")
    if not isinstance(points, list) or not 2 <= len(points) <= MAX_ROUTE_POINTS:
        errors[field] = _("A route needs from 2 to %(n)s points.", n=MAX_ROUTE_POINTS)
        return None
    clean = line_positions(points, 7)
    if clean is None:
        errors[field] = _("The route has a point outside the map.")
        return None
    return {"type": "LineString", "coordinates": clean}


@dataclass
class CleanStop:
    id: int | None
    name: str
    lat: float
    lon: float


def parse_stops(text: str | None, errors: Errors, field: str = "stops") -> list[CleanStop]:
    """Ordered stops [{id?, name, lat, lon}] from the map editor; the list order is the order."""
    if not text or not text.strip():
        return []
    value = json_text(text, max_length=MAX_JSON_LENGTH)
    if value is UNREADABLE:
        errors[field] = _("The stops could not be read. Add them again.")
        return []
    if not isinstance(value, list) or len(value) > MAX_STOPS:
        errors[field] = _("At most %(n)s stops.", n=MAX_STOPS)
        return []
    stops: list[CleanStop] = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            errors[field] = _("Stop %(n)s could not be read.", n=index)
            return []
        item_errors: Errors = {}
        name = free_text(
            item.get("name"), "name", item_errors, max_length=STOP_NAME_MAX, required=True
        )
        lat = coordinate(item.get("lat"), "lat", 90, item_errors)
        lon = coordinate(item.get("lon"), "lon", 180, item_errors)
        stop_id = item.get("id")
        if stop_id is not None and (isinstance(stop_id, str) or record_id(stop_id) is None):
            item_errors["id"] = _("Unknown stop.")
        if item_errors:
            errors[field] = _(
                "Stop %(n)s: %(problem)s", n=index, problem=next(iter(item_errors.values()))
            )
            return []
        assert lat is not None and lon is not None
        stops.append(CleanStop(id=stop_id, name=name, lat=lat, lon=lon))
    return stops


def organisations(text: str | None) -> list[str]:
    """One invited organisation per line; blank lines and repeats dropped."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        name = line.strip()[:120]
        if name and name not in seen:
            seen.append(name)
    return seen[:40]


# ---- what participants send from their phones -------------------------------------------------

SPOT_FIELDS = {
    "id",
    "lat",
    "lon",
    "accuracy_m",
    "observed_at",
    "category",
    "note",
    "manual_position",
}
RATING_FIELDS = {"id", "rated_at", "note", *FACTORS}
CHECK_FIELDS = {"id", "answer", "note"}


class CleanSpot(CleanPoint):
    """A spot marked on a walk: the same point as an observation, without the extras."""


def _body(payload: Any, allowed: set[str]) -> tuple[dict[str, Any], Errors]:
    """The JSON object sent and the messages for fields it should not have; an empty body when
    it is no object or an empty one (with the message for that)."""
    if not isinstance(payload, dict) or not payload:
        return {}, {"_": _("The request body must be a JSON object.")}
    errors: Errors = {}
    unknown_fields(payload, allowed, errors)
    return payload, errors


def validate_spot(payload: Any) -> tuple[CleanSpot | None, Errors]:
    """The point fields as for an observation (one validator for both), and a note."""
    body, errors = _body(payload, SPOT_FIELDS)
    if not body:
        return None, errors
    point = point_fields(body, errors)
    note = free_text(
        body.get("note"), "note", errors, max_length=current_app.config["NOTE_MAX_LENGTH"]
    )
    if errors:
        return None, errors
    return CleanSpot(**point, note=note), {}


@dataclass
class CleanRating:
    id: str
    values: dict[str, int | None]
    note: str
    rated_at: datetime
    # Whether the phone said when; otherwise the server's clock, which must not make a replay
    # look like other content.
    time_from_client: bool = True

    def canonical(self, stop_id: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "stop_id": stop_id,
            **self.values,
            "note": self.note,
            "rated_at": self.rated_at.astimezone(UTC).isoformat()
            if self.time_from_client
            else None,
        }


def validate_rating(
    payload: Any, *, now: datetime | None = None
) -> tuple[CleanRating | None, Errors]:
    """Six factors, each a whole number 0–3 or null (not rated); at least one must be rated."""
    body, errors = _body(payload, RATING_FIELDS)
    if not body:
        return None, errors
    rating_id = client_uuid(body.get("id"), errors)
    values: dict[str, int | None] = {}
    for factor in FACTORS:
        value = body.get(factor)
        if value is not None and not (is_whole_number(value) and 0 <= value <= RATING_MAX):
            errors[factor] = _("Must be a whole number from 0 to %(n)s.", n=RATING_MAX)
        values[factor] = value
    if not errors and all(v is None for v in values.values()):
        errors["feeling"] = _("Rate at least one factor.")
    note = free_text(body.get("note"), "note", errors, max_length=RATING_NOTE_MAX)
    now = now or datetime.now(UTC)
    rated_at = (
        aware_time(body.get("rated_at"), "rated_at", errors)
        if body.get("rated_at") is not None
        else now
    )
    if errors:
        return None, errors
    assert rating_id and rated_at
    return (
        CleanRating(
            id=rating_id,
            values=values,
            note=note,
            rated_at=rated_at,
            time_from_client=body.get("rated_at") is not None,
        ),
        {},
    )


@dataclass
class CleanCheck:
    id: str
    answer: str
    note: str

    def canonical(self, measure_id: int) -> dict[str, Any]:
        return {"id": self.id, "measure_id": measure_id, "answer": self.answer, "note": self.note}


def validate_check(payload: Any) -> tuple[CleanCheck | None, Errors]:
    body, errors = _body(payload, CHECK_FIELDS)
    if not body:
        return None, errors
    check_id = client_uuid(body.get("id"), errors)
    answer = choice(body.get("answer"), "answer", CHECK_ANSWERS, errors)
    note = free_text(body.get("note"), "note", errors, max_length=RATING_NOTE_MAX)
    if errors:
        return None, errors
    assert check_id and answer
    return CleanCheck(id=check_id, answer=answer, note=note), {}


# ---- the walk leader's head count -------------------------------------------------------------


def headcount_problems(counts: dict[str, dict[str, int]], phones: dict[str, int]) -> dict[str, str]:
    """Per dimension, why its numbers cannot be right: more people by gender or by age than
    took part. Those who took part are the phones plus the walk leader's count by group
    (stats.Headcount.total); fewer by gender or age is fine, the rest are "not stated".

    `phones`: stats.phone_counts, how many joined by phone and how many of them said each."""
    from webapp.walks.labels import DIMENSION

    counted = sum(counts["group"].values())
    total = phones["joined"] + counted
    problems = {}
    for dimension in ("gender", "age_band"):
        stated = phones[dimension] + sum(counts[dimension].values())
        if stated > total:
            problems[dimension] = _(
                "%(dimension)s: %(stated)s people, but %(total)s took part (%(joined)s joined by "
                "phone, %(counted)s counted by group). Count everyone by group too, or lower "
                "these numbers.",
                dimension=DIMENSION[dimension],
                stated=stated,
                total=total,
                joined=phones["joined"],
                counted=counted,
            )
    return problems
