"""One validator for an observation, shared by the API and the HTML form.

Returns cleaned values or field messages in the user's language; it never raises on bad input.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ..access import WRITABLE, Role, can_read
from ..auth.models import User
from ..extensions import db
from ..privacy import contains_personal_identity_number
from ..promises.models import Activity
from ..walks.models import SafetyWalk
from .models import Category

ALLOWED_FIELDS = {
    "id", "lat", "lon", "accuracy_m", "observed_at", "category", "note", "rating",
    "activity_id", "walk_id", "visibility", "manual_position",
}  # fmt: skip
CLOCK_SKEW = timedelta(minutes=10)
MAX_AGE = timedelta(days=366)


@dataclass
class CleanObservation:
    id: str
    lat: float
    lon: float
    accuracy_m: float | None
    observed_at: datetime
    utc_offset_min: int
    category_code: str
    note: str
    rating: int | None
    activity_id: str | None
    walk_id: int | None
    visibility: str
    manual_position: bool

    def canonical(self) -> dict[str, Any]:
        """The content that decides replay (same) versus conflict (different)."""
        return {
            "id": self.id,
            "lat": round(self.lat, 7),
            "lon": round(self.lon, 7),
            "accuracy_m": None if self.accuracy_m is None else round(self.accuracy_m, 1),
            "observed_at": self.observed_at.astimezone(UTC).isoformat(),
            "category": self.category_code,
            "note": self.note,
            "rating": self.rating,
            "activity_id": self.activity_id,
            "walk_id": self.walk_id,
            "visibility": self.visibility,
            "manual_position": self.manual_position,
        }


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validate_observation(
    payload: Any, user: User
) -> tuple[CleanObservation | None, dict[str, str]]:
    if not isinstance(payload, dict):
        return None, {"_": _("The request body must be a JSON object.")}
    errors: dict[str, str] = {}
    for key in sorted(set(payload) - ALLOWED_FIELDS):
        errors[key] = _("Unknown field.")
    obs_id = _uuid(payload.get("id"), errors)
    lat = _coordinate(payload.get("lat"), "lat", 90, errors)
    lon = _coordinate(payload.get("lon"), "lon", 180, errors)
    accuracy = _accuracy(payload.get("accuracy_m"), errors)
    observed_at = _observed_at(payload.get("observed_at"), errors)
    category = _category(payload.get("category"), errors)
    note = _note(payload.get("note", ""), errors)
    rating = _rating(payload.get("rating"), errors)
    activity_id = _activity(payload.get("activity_id"), user, errors)
    walk_id = _walk(payload.get("walk_id"), user, errors)
    visibility = _visibility(payload.get("visibility"), user, errors)
    manual = payload.get("manual_position", False)
    if not isinstance(manual, bool):
        errors["manual_position"] = _("Must be true or false.")
    if errors:
        return None, errors
    assert observed_at is not None and lat is not None and lon is not None
    offset = observed_at.utcoffset() or timedelta(0)
    return (
        CleanObservation(
            id=obs_id or "",
            lat=lat,
            lon=lon,
            accuracy_m=accuracy,
            observed_at=observed_at,
            utc_offset_min=int(offset.total_seconds() // 60),
            category_code=category or "",
            note=note,
            rating=rating,
            activity_id=activity_id,
            walk_id=walk_id,
            visibility=visibility or "",
            manual_position=bool(manual),
        ),
        {},
    )


def _uuid(value: Any, errors: dict[str, str]) -> str | None:
    if not isinstance(value, str):
        errors["id"] = _("A UUID made on the device is required.")
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        errors["id"] = _("Not a valid UUID.")
        return None


def _coordinate(value: Any, field: str, limit: int, errors: dict[str, str]) -> float | None:
    # Decimal degrees only: geopy would turn "59 50 12 N" into a wrong number silently.
    if value is None:
        errors[field] = _("A position is required.")
    elif not _is_number(value):
        errors[field] = _("Must be a number in decimal degrees.")
    elif not -limit <= value <= limit:
        errors[field] = _("Must be between %(low)s and %(high)s.", low=-limit, high=limit)
    else:
        return float(value)
    return None


def _accuracy(value: Any, errors: dict[str, str]) -> float | None:
    if value is None:
        return None
    if not _is_number(value) or value < 0 or value > 100_000:
        errors["accuracy_m"] = _("Must be a number of metres between 0 and 100000.")
        return None
    return float(value)


def _observed_at(value: Any, errors: dict[str, str]) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        errors["observed_at"] = _("A time in ISO 8601 with a time zone offset is required.")
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        errors["observed_at"] = _("Not a valid ISO 8601 time.")
        return None
    if parsed.tzinfo is None:
        errors["observed_at"] = _("The time needs a time zone offset, e.g. +01:00.")
        return None
    now = datetime.now(UTC)
    if parsed - now > CLOCK_SKEW:
        errors["observed_at"] = _("The time lies in the future.")
    elif now - parsed > MAX_AGE:
        errors["observed_at"] = _("The time is more than a year ago.")
    else:
        return parsed
    return None


def _category(value: Any, errors: dict[str, str]) -> str | None:
    if not isinstance(value, str) or not value:
        errors["category"] = _("Choose a category.")
        return None
    category = db.session.get(Category, value) if len(value) <= 40 else None
    if category is None or not category.active:
        errors["category"] = _("Unknown category.")
        return None
    return category.code


def _note(value: Any, errors: dict[str, str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors["note"] = _("Must be text.")
        return ""
    limit = current_app.config["NOTE_MAX_LENGTH"]
    if len(value) > limit:
        errors["note"] = _("At most %(n)s characters.", n=limit)
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


def _activity(value: Any, user: User, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    activity = db.session.get(Activity, value) if isinstance(value, str) and len(value) <= 36 else None
    # An activity the user may not read is reported exactly like one that does not exist.
    if activity is None or not can_read(user, activity.visibility, activity.author_id):
        errors["activity_id"] = _("Unknown activity.")
        return None
    return activity.id


def _walk(value: Any, user: User, errors: dict[str, str]) -> int | None:
    if value is None:
        return None
    walk = db.session.get(SafetyWalk, value) if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31 else None
    if walk is None or not can_read(user, walk.visibility, walk.created_by_id):
        errors["walk_id"] = _("Unknown safety walk.")
        return None
    return walk.id


def _visibility(value: Any, user: User, errors: dict[str, str]) -> str | None:
    options = [v.value for v in WRITABLE.get(Role(user.role), ())]
    if value is None:
        return options[0] if options else None
    if value not in options:
        errors["visibility"] = _("You cannot choose that visibility.")
        return None
    return value
