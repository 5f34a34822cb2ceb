"""One validator for an observation, shared by the API and the HTML form.

Returns cleaned values or field messages in the user's language; it never raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from webapp.auth.models import User
from webapp.core.access import WRITABLE, Role, can_read
from webapp.core.fieldinput import (
    aware_time,
    client_uuid,
    coordinate,
    is_clean_text,
    is_number,
)
from webapp.core.idempotency import located
from webapp.core.privacy import contains_personal_identity_number
from webapp.extensions import db
from webapp.observations import categories
from webapp.observations.links import registered_link

ALLOWED_FIELDS = {
    "id", "lat", "lon", "accuracy_m", "observed_at", "category", "note", "rating",
    "activity_id", "walk_id", "visibility", "manual_position", "imprecise_position",
}  # fmt: skip


@dataclass
class CleanPoint:
    """What every entry marked on the map from the field carries (an observation, a walk spot)."""

    id: str
    lat: float
    lon: float
    accuracy_m: float | None
    observed_at: datetime
    utc_offset_min: int
    category_code: str
    note: str
    manual_position: bool

    def canonical(self) -> dict[str, Any]:
        """The content that decides replay (same) versus conflict (different)."""
        return {
            **located(self.id, self.lat, self.lon),
            "accuracy_m": None if self.accuracy_m is None else round(self.accuracy_m, 1),
            "observed_at": self.observed_at.astimezone(UTC).isoformat(),
            "category": self.category_code,
            "note": self.note,
            "manual_position": self.manual_position,
        }

    def columns(self) -> dict[str, Any]:
        """The columns a stored record takes from this entry: its fields (an observation's extras
        too), the time in UTC, the offset in a column of its own."""
        columns = {f.name: getattr(self, f.name) for f in fields(self)}
        columns["observed_at"] = self.observed_at.astimezone(UTC)
        columns["observed_utc_offset_min"] = columns.pop("utc_offset_min")
        return columns


@dataclass
class CleanObservation(CleanPoint):
    rating: int | None
    activity_id: str | None
    walk_id: int | None
    visibility: str
    # Saved with a GPS fix worse than GPS_ACCURACY_LIMIT_M (the user chose "save anyway").
    imprecise_position: bool = False

    def canonical(self) -> dict[str, Any]:
        return {
            **super().canonical(),
            "rating": self.rating,
            "activity_id": self.activity_id,
            "walk_id": self.walk_id,
            "visibility": self.visibility,
            # Only when set: entries stored before the flag existed keep their content hash.
            **({"imprecise_position": True} if self.imprecise_position else {}),
        }


def validate_observation(
    payload: Any, user: User
) -> tuple[CleanObservation | None, dict[str, str]]:
    if not isinstance(payload, dict):
        return None, {"_": _("The request body must be a JSON object.")}
    errors: dict[str, str] = {}
    for key in sorted(set(payload) - ALLOWED_FIELDS):
        errors[key] = _("Unknown field.")
    point = point_fields(payload, errors)
    note = note_text(payload.get("note", ""), errors)
    rating = _rating(payload.get("rating"), errors)
    activity_id = linked_record("activity_id", payload.get("activity_id"), user, errors)
    walk_id = linked_record("walk_id", payload.get("walk_id"), user, errors)
    visibility = _visibility(payload.get("visibility"), user, errors)
    imprecise = true_or_false(payload, "imprecise_position", errors)
    if errors:
        return None, errors
    return (
        CleanObservation(
            **point,
            note=note,
            rating=rating,
            activity_id=activity_id,
            walk_id=walk_id,
            visibility=visibility or "",
            imprecise_position=_imprecise(imprecise, point["accuracy_m"], point["manual_position"]),
        ),
        {},
    )


def point_fields(payload: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The fields of a CleanPoint but the note, checked (an observation, a walk spot).

    Meaningful only when `errors` stays empty; each field's message is added to it.
    """
    point_id = client_uuid(payload.get("id"), errors)
    lat = coordinate(payload.get("lat"), "lat", 90, errors)
    lon = coordinate(payload.get("lon"), "lon", 180, errors)
    accuracy = accuracy_metres(payload.get("accuracy_m"), errors)
    observed_at = aware_time(payload.get("observed_at"), "observed_at", errors)
    return {
        "id": point_id,
        "lat": lat,
        "lon": lon,
        "accuracy_m": accuracy,
        "observed_at": observed_at,
        "utc_offset_min": utc_offset_minutes(observed_at) if observed_at else 0,
        "category_code": active_category(payload.get("category"), errors),
        "manual_position": true_or_false(payload, "manual_position", errors),
    }


def utc_offset_minutes(moment: datetime) -> int:
    """The offset the phone sent, in minutes east of UTC, so times show as the user saw them."""
    offset = moment.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def true_or_false(payload: dict[str, Any], field: str, errors: dict[str, str]) -> bool:
    """A flag that defaults to false; anything but a JSON boolean is a field message."""
    value = payload.get(field, False)
    if not isinstance(value, bool):
        errors[field] = _("Must be true or false.")
        return False
    return value


def _imprecise(said: bool, accuracy: float | None, manual: bool) -> bool:
    """The record keeps that its position is poor: said by the phone, or plain from the fix.

    A pin placed by hand replaces the fix, so it is never imprecise in this sense.
    """
    if manual:
        return False
    limit = current_app.config["GPS_ACCURACY_LIMIT_M"]
    return said or (accuracy is not None and accuracy > limit)


def accuracy_metres(value: Any, errors: dict[str, str]) -> float | None:
    """The GPS accuracy in metres the phone reported, or None (not sent, or bad: message)."""
    if value is None:
        return None
    if not is_number(value) or value < 0 or value > 100_000:
        errors["accuracy_m"] = _("Must be a number of metres between 0 and 100000.")
        return None
    return float(value)


def active_category(value: Any, errors: dict[str, str]) -> str | None:
    """The code of an active category, or None with a message under "category"."""
    if not isinstance(value, str) or not value:
        errors["category"] = _("Choose a category.")
        return None
    if not (len(value) <= 40 and is_clean_text(value) and categories.is_active(value)):
        errors["category"] = _("Unknown category.")
        return None
    return value


def note_text(value: Any, errors: dict[str, str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors["note"] = _("Must be text.")
        return ""
    limit = current_app.config["NOTE_MAX_LENGTH"]
    if len(value) > limit:
        errors["note"] = _("At most %(n)s characters.", n=limit)
    elif not is_clean_text(value):
        errors["note"] = _("The text contains characters that are not allowed.")
    elif contains_personal_identity_number(value):
        errors["note"] = _(
            "The note seems to contain a personal identity number. Describe the place and "
            "situation, not people."
        )
    return value.strip()


def _rating(value: Any, errors: dict[str, str]) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        errors["rating"] = _("Must be a whole number from 1 to 5.")
        return None
    return value


def linked_record(field: str, value: Any, user: User, errors: dict[str, str]) -> Any:
    """The id of the record `field` points to (an activity, a safety walk), or None.

    A record the user may not read is reported exactly like one that does not exist.
    """
    if value is None:
        return None
    link = registered_link(field)
    key = link.key(value)
    row = db.session.get(link.model, key) if key is not None else None
    if row is None or not can_read(user, row.visibility, getattr(row, link.author_attr)):
        assert link.unknown_message is not None
        errors[field] = link.unknown_message()
        return None
    return row.id


def _visibility(value: Any, user: User, errors: dict[str, str]) -> str | None:
    options = [v.value for v in WRITABLE.get(Role(user.role), ())]
    if value is None:
        return options[0] if options else None
    if value not in options:
        errors["visibility"] = _("You cannot choose that visibility.")
        return None
    return value
