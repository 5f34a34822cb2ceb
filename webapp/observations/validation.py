"""One validator for an observation, shared by the API and the HTML form.

Returns cleaned values or field messages in the user's language; it never raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from webapp.activities.models import Activity
from webapp.auth.models import User
from webapp.core.access import WRITABLE, Role, can_read
from webapp.core.fieldinput import (
    aware_time,
    canonical_uuid,
    client_uuid,
    coordinate,
    is_clean_text,
    is_number,
)
from webapp.core.inputs import record_id
from webapp.core.privacy import contains_personal_identity_number
from webapp.extensions import db
from webapp.observations.models import Category
from webapp.walks.models import SafetyWalk

ALLOWED_FIELDS = {
    "id", "lat", "lon", "accuracy_m", "observed_at", "category", "note", "rating",
    "activity_id", "walk_id", "visibility", "manual_position", "imprecise_position",
}  # fmt: skip


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
    # Saved with a GPS fix worse than GPS_ACCURACY_LIMIT_M (the user chose "save anyway").
    imprecise_position: bool = False

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
    obs_id = client_uuid(payload.get("id"), errors)
    lat = coordinate(payload.get("lat"), "lat", 90, errors)
    lon = coordinate(payload.get("lon"), "lon", 180, errors)
    accuracy = _accuracy(payload.get("accuracy_m"), errors)
    observed_at = aware_time(payload.get("observed_at"), "observed_at", errors)
    category = _category(payload.get("category"), errors)
    note = _note(payload.get("note", ""), errors)
    rating = _rating(payload.get("rating"), errors)
    activity_id = _activity(payload.get("activity_id"), user, errors)
    walk_id = _walk(payload.get("walk_id"), user, errors)
    visibility = _visibility(payload.get("visibility"), user, errors)
    manual = payload.get("manual_position", False)
    if not isinstance(manual, bool):
        errors["manual_position"] = _("Must be true or false.")
    imprecise = payload.get("imprecise_position", False)
    if not isinstance(imprecise, bool):
        errors["imprecise_position"] = _("Must be true or false.")
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
            imprecise_position=_imprecise(imprecise, accuracy, bool(manual)),
        ),
        {},
    )


def _imprecise(said: bool, accuracy: float | None, manual: bool) -> bool:
    """The record keeps that its position is poor: said by the phone, or plain from the fix.

    A pin placed by hand replaces the fix, so it is never imprecise in this sense.
    """
    if manual:
        return False
    limit = current_app.config["GPS_ACCURACY_LIMIT_M"]
    return said or (accuracy is not None and accuracy > limit)


def _accuracy(value: Any, errors: dict[str, str]) -> float | None:
    if value is None:
        return None
    if not is_number(value) or value < 0 or value > 100_000:
        errors["accuracy_m"] = _("Must be a number of metres between 0 and 100000.")
        return None
    return float(value)


def _category(value: Any, errors: dict[str, str]) -> str | None:
    if not isinstance(value, str) or not value:
        errors["category"] = _("Choose a category.")
        return None
    category = (
        db.session.get(Category, value) if len(value) <= 40 and is_clean_text(value) else None
    )
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


def _activity(value: Any, user: User, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    activity_id = canonical_uuid(value)
    activity = db.session.get(Activity, activity_id) if activity_id else None
    # An activity the user may not read is reported exactly like one that does not exist.
    if activity is None or not can_read(user, activity.visibility, activity.author_id):
        errors["activity_id"] = _("Unknown activity.")
        return None
    return activity.id


def _walk(value: Any, user: User, errors: dict[str, str]) -> int | None:
    if value is None:
        return None
    walk_id = record_id(value) if not isinstance(value, str) else None
    walk = db.session.get(SafetyWalk, walk_id) if walk_id is not None else None
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
