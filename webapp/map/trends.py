"""Counts of observations per area per local week, for the trend charts beside the review map.

Read from the stored membership (webapp/observations/areas.py), never by point in polygon at
read time. The filters are the map's own (parse_filters); a bounding box makes no sense for a
trend per area and is ignored. Every area in the table appears, including any added later, plus
"Landsbygd": records in the municipality (an area of kind "kommun") but in no town (kind "tatort"),
stored on write like the others (RURAL_AREA_ID), so it costs what any area costs.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, exists, func, select

from webapp.activities.models import Activity
from webapp.auth.models import User
from webapp.core.access import require_field_user, visibility_filter
from webapp.core.errors import ApiProblem
from webapp.core.fieldinput import is_clean_text
from webapp.core.storage import read_snapshot
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.map.geojson import FILTER_PARAMETERS, Filters, counted_answer, parse_filters
from webapp.observations.areas import (
    MUNICIPALITY_KIND,
    RURAL_AREA_ID,
    TOWN_KIND,
    observation_areas,
    week_index,
    week_start,
)
from webapp.observations.models import Observation
from webapp.promises.models import promise_activity_types

DEFAULT_WEEKS = 52
MAX_WEEKS = 260  # five years of weeks: a chart, not a data export
RURAL_CODE = "landsbygd"
TREND_PARAMETERS = (*FILTER_PARAMETERS, "visibility", "activity_type", "promise", "area")


def _area_codes(value: str | None) -> list[str] | None:
    if not value:
        return None
    codes = [code for code in value.split(",") if code]
    if len(codes) > 50 or not all(len(code) <= 40 and is_clean_text(code) for code in codes):
        raise ApiProblem("validation_failed", fields={"area": _("Unknown area.")})
    known = set(db.session.scalars(db.select(Area.code).where(Area.code.in_(codes))))
    if set(codes) - known - {RURAL_CODE}:
        raise ApiProblem("validation_failed", fields={"area": _("Unknown area.")})
    return codes


def _conditions(filters: Filters, user: User, oa: Any) -> list[Any]:
    conditions = [visibility_filter(user, oa.c.visibility, oa.c.author_id)]
    if filters.since:
        conditions.append(oa.c.observed_at >= filters.since)
    if filters.until:
        conditions.append(oa.c.observed_at < filters.until)
    if filters.categories:
        conditions.append(oa.c.category_code.in_(filters.categories))
    if filters.statuses:
        conditions.append(oa.c.status.in_(filters.statuses))
    if filters.mine:
        conditions.append(oa.c.author_id == user.id)
    if filters.visibility:
        conditions.append(oa.c.visibility == filters.visibility)
    if filters.activity_type_id or filters.promise_id:
        # Records made during an activity count for its type and for the promises it serves.
        during = (
            select(Observation.id)
            .join(Activity, Activity.id == Observation.activity_id)
            .where(Observation.id == oa.c.observation_id)
        )
        if filters.activity_type_id:
            during = during.where(Activity.activity_type_id == filters.activity_type_id)
        if filters.promise_id:
            served = select(promise_activity_types.c.activity_type_id).where(
                promise_activity_types.c.promise_id == filters.promise_id
            )
            during = during.where(Activity.activity_type_id.in_(served))
        conditions.append(exists(during))
    return conditions


def default_since(until: datetime, tz: str) -> datetime:
    """Monday 00:00 of the week DEFAULT_WEEKS - 1 before the week of `until`: "the last 52
    weeks" are 52 calendar weeks, this one included (52 weeks back from now began within a
    53rd week, and the cards said "på 53 veckor" under a caption saying 52)."""
    first = week_index(until - timedelta(microseconds=1), tz) - (DEFAULT_WEEKS - 1)
    return datetime.combine(week_start(first), time(), ZoneInfo(tz))


def area_trends(filters: Filters, area_codes: list[str] | None, user: User) -> tuple[dict, int]:
    """The answer of GET /api/v1/map/trends, and how many police records it counted."""
    tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    asked = (filters.since, filters.until)
    until = filters.until or datetime.now(UTC)
    since = filters.since or default_since(until, tz)
    first, last = week_index(since, tz), week_index(until - timedelta(microseconds=1), tz)
    if last < first:  # an empty period (since == until) still names its week
        last = first
    if last - first + 1 > MAX_WEEKS:
        raise ApiProblem("validation_failed", fields={"since": _("At most five years at a time.")})
    # The chart's period is the one asked for, or the default one: counts outside it do not show.
    filters.since, filters.until = since, until
    all_areas = list(
        db.session.execute(db.select(Area.id, Area.code, Area.name, Area.kind).order_by(Area.id))
    )
    areas = [a for a in all_areas if not area_codes or a.code in area_codes]
    oa = observation_areas
    police = func.sum(case((oa.c.visibility == "police", 1), else_=0))
    base = [oa.c.week.between(first, last), *_conditions(filters, user, oa)]
    weeks = last - first + 1
    kinds = {a.kind for a in all_areas}
    rural = (
        MUNICIPALITY_KIND in kinds
        and TOWN_KIND in kinds
        and (not area_codes or RURAL_CODE in area_codes)
    )
    ids = [a.id for a in areas] + ([RURAL_AREA_ID] if rural else [])
    counts: dict[int, list[int]] = {area_id: [0] * weeks for area_id in ids}
    police_total = 0
    if ids:
        query = (
            select(oa.c.area_id, oa.c.week, func.count(), police)
            .where(oa.c.area_id.in_(ids), *base)
            .group_by(oa.c.area_id, oa.c.week)
        )
        for area_id, week, n, p in db.session.execute(query):
            counts[area_id][week - first] = n
            police_total += int(p or 0)
    answer_areas = [
        {"code": a.code, "name": a.name, "kind": a.kind, "counts": counts[a.id]} for a in areas
    ]
    if rural:
        answer_areas.append(
            {
                "code": RURAL_CODE,
                "name": _("Rural areas"),
                "kind": RURAL_CODE,
                "counts": counts[RURAL_AREA_ID],
            }
        )
    # Police records counted in the answer (a record counts once per area it lies in).
    return {"weeks": _weeks(first, last, *asked, tz), "areas": answer_areas}, police_total


def _weeks(
    first: int, last: int, since: datetime | None, until: datetime | None, tz: str
) -> list[dict[str, Any]]:
    """Each week with the local days it counts: a week cut by the period asked for counts only
    its days inside it (`from`, `to`, both included), as the map's week slider does."""
    zone = ZoneInfo(tz)
    low = since.astimezone(zone).date() if since else None
    high = (until - timedelta(microseconds=1)).astimezone(zone).date() if until else None
    weeks = []
    for w in range(first, last + 1):
        start = week_start(w)
        end = start + timedelta(days=6)
        weeks.append({
            "week": w, "starts": start.isoformat(),
            "from": max(start, low).isoformat() if low else start.isoformat(),
            "to": min(end, high).isoformat() if high else end.isoformat(),
        })  # fmt: skip
    return weeks


def map_trends():  # type: ignore[no-untyped-def]
    require_field_user()
    filters = parse_filters(request.args)
    codes = _area_codes(request.args.get("area"))
    with read_snapshot():
        body, police = area_trends(filters, codes, current_user)
    return counted_answer(body, "observation.trend", police, TREND_PARAMETERS)
