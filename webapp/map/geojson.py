"""GeoJSON (RFC 7946) of observations, filtered in the database.

Built from plain column tuples rather than ORM objects: at 10,000 points the object overhead
would dominate the response time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import Response, current_app, request
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_
from werkzeug.datastructures import MultiDict

from webapp.activities.models import Activity
from webapp.auth.models import User
from webapp.core.access import visibility_filter
from webapp.core.audit.service import record_police_count
from webapp.core.errors import ApiProblem
from webapp.core.fieldinput import canonical_uuid, is_clean_text
from webapp.core.inputs import record_id
from webapp.extensions import db
from webapp.observations.models import STATUSES, Category, Observation
from webapp.promises.models import promise_activity_types

Value = TypeVar("Value")

FILTER_PARAMETERS = ("since", "until", "category", "status", "bbox", "mine")


@dataclass
class Filters:
    since: datetime | None = None
    until: datetime | None = None
    categories: list[str] | None = None
    statuses: list[str] | None = None
    bbox: tuple[float, float, float, float] | None = None
    mine: bool = False
    visibility: str | None = None
    activity_type_id: int | None = None
    promise_id: int | None = None


# "+02:00" typed into a query string arrives as " 02:00" unless it was percent-encoded.
_OFFSET_PLUS_DECODED_AS_SPACE = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def _time(args: MultiDict, key: str, errors: dict[str, str]) -> datetime | None:
    value = args.get(key)
    if not value:
        return None
    value = _OFFSET_PLUS_DECODED_AS_SPACE.sub(r"\1+\2", value)
    try:
        parsed = datetime.fromisoformat(value)
        # A bare date or a time without offset means local time, as the user reads the map.
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
        # Year 1 or 9999 with an offset falls outside what datetime holds once moved to UTC.
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        errors[key] = _("Not a valid ISO 8601 time.")
        return None


def _bbox(value: str | None, errors: dict[str, str]) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        parts = tuple(float(p) for p in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4:
        errors["bbox"] = _("Use bbox=minlon,minlat,maxlon,maxlat.")
        return None
    min_lon, min_lat, max_lon, max_lat = parts
    # min_lon > max_lon is allowed: RFC 7946 5.2, a box crossing the antimeridian.
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        errors["bbox"] = _("The bounding box is outside the valid range.")
        return None
    return min_lon, min_lat, max_lon, max_lat


def _categories(value: str | None, errors: dict[str, str]) -> list[str] | None:
    if not value:
        return None
    codes = [code for code in value.split(",") if code]
    if len(codes) > 50 or not all(len(code) <= 40 and is_clean_text(code) for code in codes):
        errors["category"] = _("Unknown category.")
        return None
    known = set(db.session.scalars(db.select(Category.code).where(Category.code.in_(codes))))
    if set(codes) - known:
        errors["category"] = _("Unknown category.")
        return None
    return codes


def _mine(value: str | None, errors: dict[str, str]) -> bool:
    if value is None or value.lower() in ("", "0", "false"):
        return False
    if value.lower() in ("1", "true"):
        return True
    errors["mine"] = _("Must be true or false.")
    return False


def parse_filters(args: MultiDict) -> Filters:
    """Filters from the query string; any bad value is a 422 naming the parameter."""
    errors: dict[str, str] = {}
    filters = Filters(
        since=_time(args, "since", errors),
        until=_time(args, "until", errors),
        bbox=_bbox(args.get("bbox"), errors),
        mine=_mine(args.get("mine"), errors),
        categories=_categories(args.get("category"), errors),
    )
    if filters.since and filters.until and filters.until < filters.since:
        errors["until"] = _("The end lies before the start.")
    if args.get("status"):
        filters.statuses = [s for s in args["status"].split(",") if s]
        if any(s not in STATUSES for s in filters.statuses):
            errors["status"] = _("Unknown status.")
    filters.visibility = _optional(args, "visibility", _visibility, _("Unknown value."), errors)
    whole = _("Must be a whole number.")
    filters.activity_type_id = _optional(args, "activity_type", record_id, whole, errors)
    filters.promise_id = _optional(args, "promise", record_id, whole, errors)
    if errors:
        raise ApiProblem("validation_failed", fields=errors)
    return filters


VISIBILITIES = ("police", "municipality", "shared")


def _optional(
    args: MultiDict,
    key: str,
    clean: Callable[[str], Value | None],
    message: str,
    errors: dict[str, str],
) -> Value | None:
    """`?key=` as `clean` reads it: missing or empty is no filter, a value it refuses a message."""
    value = args.get(key)
    if not value:
        return None
    cleaned = clean(value)
    if cleaned is None:
        errors[key] = message
    return cleaned


def _visibility(value: str) -> str | None:
    return value if value in VISIBILITIES else None


@dataclass(frozen=True)
class Cursor:
    """Where a page of the newest-first list ends: the last record's time and id."""

    observed_at: datetime
    id: str

    @property
    def text(self) -> str:
        return f"{self.observed_at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}_{self.id}"

    @classmethod
    def parse(cls, value: str) -> Cursor | None:
        """The cursor `text` gave, or None for anything else."""
        stamp, _sep, ident = value.rpartition("_")
        canonical = canonical_uuid(ident)
        if not stamp.endswith("Z") or canonical is None:
            return None
        try:
            return cls(datetime.fromisoformat(stamp).astimezone(UTC), canonical)
        except (ValueError, OverflowError):
            return None


def build_feature_collection(
    filters: Filters, user: User, limit: int | None = None, before: Cursor | None = None
) -> tuple[str, int]:
    """The collection as a JSON string, and how many police records it carries (for the audit).

    Newest first, ties broken by id, so pages never skip or repeat a record. `limit`: only the
    newest that many (the list below the map, a page of "My records"); the answer then carries
    `next_before`, the cursor of the next page (null after the last). `before`: only what comes
    after that cursor in this order.
    """
    query = (
        db.select(
            Observation.id,
            Observation.lon,
            Observation.lat,
            Observation.accuracy_m,
            Observation.imprecise_position,
            Observation.observed_at,
            Observation.category_code,
            Category.label_sv,
            Category.label_en,
            Category.color,
            Observation.note,
            Observation.rating,
            Observation.status,
            Observation.visibility,
            Observation.author_id,
        )
        .join(Category)
        .where(visibility_filter(user, Observation.visibility, Observation.author_id))
        .order_by(Observation.observed_at.desc(), Observation.id.desc())
    )
    query = _apply_filters(query, filters, user)
    if before:
        query = query.where(
            or_(
                Observation.observed_at < before.observed_at,
                and_(Observation.observed_at == before.observed_at, Observation.id < before.id),
            )
        )
    if limit:
        query = query.limit(limit + 1)  # one more says whether a next page exists
    rows = list(db.session.execute(query))
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    if limit:
        more, rows = len(rows) > limit, rows[:limit]
        collection["next_before"] = Cursor(rows[-1].observed_at, rows[-1].id).text if more else None
    police = 0
    for row in rows:
        police += row.visibility == "police"
        collection["features"].append(_feature(row, user))
    return json.dumps(collection, ensure_ascii=False), police


def extent(filters: Filters, user: User) -> tuple[dict[str, Any], int]:
    """How many records the filters keep and the box around them ([min lon, min lat, max lon,
    max lat], null when none): the map zooms to what a filter shows. And how many of them are
    police records, for the audit (a box around them tells where they are, as counts do)."""
    query = db.select(
        func.count(Observation.id),
        func.min(Observation.lon),
        func.min(Observation.lat),
        func.max(Observation.lon),
        func.max(Observation.lat),
        func.sum(case((Observation.visibility == "police", 1), else_=0)),
    ).where(visibility_filter(user, Observation.visibility, Observation.author_id))
    count, min_lon, min_lat, max_lon, max_lat, police = db.session.execute(
        _apply_filters(query, filters, user)
    ).one()
    box = [min_lon, min_lat, max_lon, max_lat] if count else None
    return {"count": int(count), "bbox": box}, int(police or 0)


def _apply_filters(query, filters: Filters, user: User):  # type: ignore[no-untyped-def]
    if filters.since:
        query = query.where(Observation.observed_at >= filters.since)
    if filters.until:
        query = query.where(Observation.observed_at < filters.until)
    if filters.categories:
        query = query.where(Observation.category_code.in_(filters.categories))
    if filters.statuses:
        query = query.where(Observation.status.in_(filters.statuses))
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        query = query.where(Observation.lat.between(min_lat, max_lat))
        if min_lon <= max_lon:
            query = query.where(Observation.lon.between(min_lon, max_lon))
        else:
            query = query.where(or_(Observation.lon >= min_lon, Observation.lon <= max_lon))
    if filters.mine:
        query = query.where(Observation.author_id == user.id)
    if filters.visibility:
        query = query.where(Observation.visibility == filters.visibility)
    if filters.activity_type_id or filters.promise_id:
        # Records made during an activity count for its type and for the promises it serves.
        query = query.join(Activity, Activity.id == Observation.activity_id)
        if filters.activity_type_id:
            query = query.where(Activity.activity_type_id == filters.activity_type_id)
        if filters.promise_id:
            served = db.select(promise_activity_types.c.activity_type_id).where(
                promise_activity_types.c.promise_id == filters.promise_id
            )
            query = query.where(Activity.activity_type_id.in_(served))
    return query


def _feature(row: Any, user: User) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": row.id,
        # RFC 7946: longitude first, at most ~1 cm of precision is meaningful.
        "geometry": {"type": "Point", "coordinates": [round(row.lon, 7), round(row.lat, 7)]},
        "properties": {
            "id": row.id,
            "category": row.category_code,
            "category_label": {"sv": row.label_sv, "en": row.label_en},
            "color": row.color,
            "observed_at": row.observed_at.astimezone(UTC).isoformat(),
            "accuracy_m": row.accuracy_m,
            "imprecise_position": row.imprecise_position,
            "note": row.note,
            "rating": row.rating,
            "status": row.status,
            "visibility": row.visibility,
            "mine": row.author_id == user.id,
        },
    }


def shaping(parameters: tuple[str, ...]) -> dict[str, str]:
    """The query parameters that shaped an answer, for its audit entry (the rest is noise)."""
    return {k: v for k, v in request.args.items() if k in parameters}


def counted_answer(body: Any, action: str, police: int, parameters: tuple[str, ...]) -> Response:
    """A per-viewer JSON answer that counts observations: the police ones it counted audited.

    Counting police records is reading them, as for a list: how many, not which; no entry when
    the answer counts none. The data change all the time and differ per viewer: the page keeps
    answers in memory, so no shared or disk cache may.
    """
    record_police_count(action, "observations", police, filters=shaping(parameters))
    response = current_app.json.response(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response
