"""One validator for an activity of any kind, shared by the API and the HTML forms.

Common fields are checked here; the kind (patrol, visit...) checks its `details`. Returns cleaned
values or field messages in the user's language; it never raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext as _

from webapp.activities.kinds import get_kind
from webapp.activities.kinds.base import Kind
from webapp.activities.models import LOCAL_ZONE, Activity, ActivityType
from webapp.auth.models import User
from webapp.core.access import WRITABLE, Role
from webapp.core.fieldinput import (
    Errors,
    aware_time,
    client_uuid,
    coordinate,
    free_text,
    is_clean_text,
    is_number,
    is_whole_number,
    unknown_fields,
)
from webapp.core.inputs import record_id
from webapp.extensions import db
from webapp.geo.areas import Area

if TYPE_CHECKING:
    from webapp.promises.models import Promise

FIELDS = (
    "id", "activity_type", "started_at", "ended_at", "visibility", "promise_ids", "area",
    "lat", "lon", "accuracy_m", "manual_position", "place", "note", "details",
)  # fmt: skip
MAX_DURATION = timedelta(hours=24)
# Which roles may record an activity of each organisation (DESIGN §3).
RECORDERS = {
    "police": frozenset({Role.OFFICER, Role.COORDINATOR}),
    "municipality": frozenset({Role.STAFF, Role.COORDINATOR}),
    "joint": frozenset({Role.OFFICER, Role.STAFF, Role.COORDINATOR}),
}


@dataclass
class CleanActivity:
    id: str
    activity_type: ActivityType
    started_at: datetime
    ended_at: datetime | None
    visibility: str
    promises: list[Promise]
    # The promise ids as sent (None: the default): replays must hash the same even if the
    # type's promises change in between.
    promise_ids_sent: list[int] | None
    area: Area | None
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    manual_position: bool
    place: str
    note: str
    details: dict[str, Any]

    @property
    def kind(self) -> Kind:
        return get_kind(self.activity_type.kind)

    def canonical(self) -> dict[str, Any]:
        """The content that decides replay (same) versus conflict (different)."""
        return {
            "id": self.id,
            "activity_type": self.activity_type.code,
            "started_at": self.started_at.astimezone(UTC).isoformat(),
            "ended_at": self.ended_at.astimezone(UTC).isoformat() if self.ended_at else None,
            "visibility": self.visibility,
            "promise_ids": sorted(self.promise_ids_sent)
            if self.promise_ids_sent is not None
            else None,
            "area": self.area.code if self.area else None,
            "lat": None if self.lat is None else round(self.lat, 7),
            "lon": None if self.lon is None else round(self.lon, 7),
            "accuracy_m": None if self.accuracy_m is None else round(self.accuracy_m, 1),
            "manual_position": self.manual_position,
            "place": self.place,
            "note": self.note,
            "details": self.details,
        }


def may_record(user: User, activity_type: ActivityType) -> bool:
    return Role(user.role) in RECORDERS.get(activity_type.organisation, frozenset())


def validate_activity(
    payload: Any, user: User, *, existing: Activity | None = None
) -> tuple[CleanActivity | None, Errors]:
    """Check a new activity, or new content for `existing` (its id and type cannot change)."""
    if not isinstance(payload, dict):
        return None, {"_": _("The request body must be a JSON object.")}
    errors: Errors = {}
    unknown_fields(payload, FIELDS, errors)
    if existing is None:
        activity_id = client_uuid(payload.get("id"), errors)
        activity_type = _activity_type(payload.get("activity_type"), user, errors)
    else:
        activity_id, activity_type = existing.id, existing.activity_type
    # An edit may keep an old date; a new entry from a phone is at most a year old.
    max_age = None if existing is not None else timedelta(days=366)
    started_at = aware_time(payload.get("started_at"), "started_at", errors, max_age=max_age)
    ended_at = aware_time(
        payload.get("ended_at"), "ended_at", errors, required=False, max_age=max_age
    )
    _check_span(started_at, ended_at, errors)
    visibility = _visibility(payload.get("visibility"), user, activity_type, errors)
    promise_ids = payload.get("promise_ids")
    promises = _promises(promise_ids, activity_type, started_at, errors)
    kind = get_kind(activity_type.kind) if activity_type else None
    area = _area(payload.get("area"), kind, errors)
    lat, lon, accuracy = _position(payload, kind, errors)
    manual = payload.get("manual_position", False)
    if not isinstance(manual, bool):
        errors["manual_position"] = _("Must be true or false.")
    place = free_text(payload.get("place"), "place", errors, max_length=200)
    note = free_text(
        payload.get("note"), "note", errors, max_length=current_app.config["NOTE_MAX_LENGTH"]
    )
    details = kind.validate_details(payload.get("details"), errors) if kind else {}
    if errors:
        return None, errors
    assert activity_type is not None and started_at is not None
    return (
        CleanActivity(
            id=activity_id or "",
            activity_type=activity_type,
            started_at=started_at,
            ended_at=ended_at,
            visibility=visibility or "",
            promises=promises,
            promise_ids_sent=list(promise_ids) if promise_ids is not None else None,
            area=area,
            lat=lat,
            lon=lon,
            accuracy_m=accuracy,
            manual_position=bool(manual) and lat is not None,
            place=place,
            note=note,
            details=details,
        ),
        {},
    )


def _activity_type(value: Any, user: User, errors: Errors) -> ActivityType | None:
    activity_type = None
    if isinstance(value, str) and 0 < len(value) <= 40 and is_clean_text(value):
        activity_type = db.session.execute(
            db.select(ActivityType).filter_by(code=value)
        ).scalar_one_or_none()
    elif not isinstance(value, str) and (type_id := record_id(value)) is not None:
        activity_type = db.session.get(ActivityType, type_id)
    if activity_type is None or not activity_type.active:
        errors["activity_type"] = _("Unknown activity type.")
        return None
    if not may_record(user, activity_type):
        errors["activity_type"] = _("Your role does not record this activity.")
        return None
    return activity_type


def _check_span(started_at: datetime | None, ended_at: datetime | None, errors: Errors) -> None:
    if started_at is None or ended_at is None:
        return
    if ended_at < started_at:
        errors["ended_at"] = _("The end lies before the start.")
    elif ended_at - started_at > MAX_DURATION:
        errors["ended_at"] = _("An activity lasts at most 24 hours: log each day on its own.")


def _visibility(
    value: Any, user: User, activity_type: ActivityType | None, errors: Errors
) -> str | None:
    options = [v.value for v in WRITABLE.get(Role(user.role), ())]
    if value is None:
        # Police work stays with the police, joint work is shared, unless the author says else.
        wanted = activity_type.default_visibility() if activity_type else None
        return wanted if wanted in options else (options[0] if options else None)
    if value not in options:
        errors["visibility"] = _("You cannot choose that visibility.")
        return None
    return value


def _promises(
    value: Any, activity_type: ActivityType | None, started_at: datetime | None, errors: Errors
) -> list[Promise]:
    if activity_type is None:
        return []
    if value is None:
        if started_at is None:
            return []
        return activity_type.promises_covering(started_at.astimezone(LOCAL_ZONE).date())
    if not isinstance(value, list) or not all(is_whole_number(v) for v in value):
        errors["promise_ids"] = _("Must be a list of promise ids.")
        return []
    served = {promise.id: promise for promise in activity_type.promises}
    if any(v not in served for v in value):
        errors["promise_ids"] = _("This activity does not serve that promise.")
        return []
    return [served[v] for v in sorted(set(value))]


def _area(value: Any, kind: Kind | None, errors: Errors) -> Area | None:
    if value is None:
        default = kind.default_area if kind else None
        if default is None:
            return None
        # A default the database lacks (areas not seeded) is no fault of the sender.
        return db.session.execute(db.select(Area).filter_by(code=default)).scalar_one_or_none()
    area = None
    if isinstance(value, str) and len(value) <= 40 and is_clean_text(value):
        area = db.session.execute(db.select(Area).filter_by(code=value)).scalar_one_or_none()
    if area is None:
        errors["area"] = _("Unknown area.")
    return area


def _position(
    payload: dict[str, Any], kind: Kind | None, errors: Errors
) -> tuple[float | None, float | None, float | None]:
    raw_lat, raw_lon = payload.get("lat"), payload.get("lon")
    if raw_lat is None and raw_lon is None:
        if kind is not None and kind.requires_position:
            errors["lat"] = _("Take the position from the phone or pick it on the map.")
        return None, None, None
    lat = coordinate(raw_lat, "lat", 90, errors)
    lon = coordinate(raw_lon, "lon", 180, errors)
    accuracy = payload.get("accuracy_m")
    if accuracy is not None and (not is_number(accuracy) or not 0 <= accuracy <= 100_000):
        errors["accuracy_m"] = _("Must be a number of metres between 0 and 100000.")
        accuracy = None
    return lat, lon, None if accuracy is None else float(accuracy)
