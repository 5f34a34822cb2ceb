"""Turning an HTML entry form into the JSON payload the API takes.

The HTML form and the API share one validator (activities.validation): the form is converted
to the very payload a phone would send, so both give the same messages for the same mistake.
Values that cannot be converted are passed on unchanged for the validator to name the problem.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import MultiDict

from webapp.activities.models import LOCAL_ZONE

if TYPE_CHECKING:
    # Only a type here: the kind modules import these form helpers, not the other way round.
    from webapp.activities.kinds.base import Kind

COMMON_TEXT = ("visibility", "area", "place", "note")


def form_int(form: MultiDict, name: str) -> int | str | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    return _whole(raw)


def _whole(raw: str) -> int | str:
    # isascii: str.isdigit() also holds for "²" and "٣", which int() refuses or reads as 3.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else raw


def form_float(form: MultiDict, name: str) -> float | str | None:
    raw = (form.get(name) or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return raw


def form_list(form: MultiDict, name: str) -> list[str]:
    return [value for value in form.getlist(name) if value]


def form_text(form: MultiDict, name: str) -> str | None:
    value = form.get(name)
    return None if value is None else value


def details_reader(**readers: Callable[[MultiDict, str], Any]) -> Callable[[MultiDict], dict]:
    """A kind's details_from_form when each detail is one form field `details.<name>`, read by
    its reader (form_int, form_list, form_text)."""

    def details_from_form(form: MultiDict) -> dict[str, Any]:
        return {name: read(form, f"details.{name}") for name, read in readers.items()}

    return details_from_form


def local_time(form: MultiDict, name: str) -> str | None:
    """A datetime-local value ("2016-05-03T18:30") read as Swedish time, as ISO with offset."""
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_ZONE)
    return parsed.isoformat()


def payload_from_form(form: MultiDict, kind: Kind, activity_type_code: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": form.get("id") or None,
        "activity_type": activity_type_code,
        "started_at": local_time(form, "started_at"),
        # Nothing ticked: count it for the type's promises that cover the date (the default).
        "promise_ids": _ints(form, "promise_ids") or None,
        "lat": form_float(form, "lat"),
        "lon": form_float(form, "lon"),
        "accuracy_m": form_float(form, "accuracy_m"),
        "manual_position": form.get("manual_position") in ("1", "true", "on"),
        "details": kind.details_from_form(form),
    }
    if kind.asks_end_time and form.get("ended_at"):
        payload["ended_at"] = local_time(form, "ended_at")
    for name in COMMON_TEXT:
        if form.get(name):
            payload[name] = form.get(name)
    return payload


def _ints(form: MultiDict, name: str) -> list[int | str]:
    values: list[int | str] = []
    for raw in form.getlist(name):
        raw = raw.strip()
        if raw:
            values.append(_whole(raw))
    return values
