"""GeoJSON layers of the map: observations, areas, measures, walks and activities."""

from __future__ import annotations

import json
from datetime import datetime

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from webapp.activities.models import Activity, ActivityType
from webapp.core.access import require_field_user, visibility_filter
from webapp.core.audit.service import record as audit
from webapp.core.audit.service import record_police_count, record_police_reads
from webapp.core.errors import ApiProblem
from webapp.core.inputs import record_id
from webapp.core.labels import MEASURE_OWNER, MEASURE_STATUS, label
from webapp.core.localtime import local_today
from webapp.core.routes import RouteTable
from webapp.core.storage import read_snapshot
from webapp.extensions import db
from webapp.geo.areas import Area
from webapp.map.clusters import cluster_view, parse_tiles
from webapp.map.geojson import (
    FILTER_PARAMETERS,
    Cursor,
    build_feature_collection,
    counted_answer,
    extent,
    parse_filters,
    shaping,
)
from webapp.map.trends import map_trends
from webapp.measures.models import Measure
from webapp.walks.models import SafetyWalk
from webapp.walks.stats import ratings_by_stop

routes = RouteTable()
register = routes.register
routes.get("/map/trends")(map_trends)


def _geojson(features: list[dict]) -> object:
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return current_app.response_class(body, mimetype="application/geo+json")


@routes.get("/observations.geojson")
def observations_geojson():  # type: ignore[no-untyped-def]
    require_field_user()
    filters = parse_filters(request.args)
    limit = _limit(request.args.get("limit"))
    before = _before(request.args.get("before"))
    with read_snapshot():  # 10,000 points take a while: submits must not wait for them
        collection, police_count = build_feature_collection(filters, current_user, limit, before)
    record_police_count(
        "observation.list", "observations", police_count, filters=shaping(FILTER_PARAMETERS)
    )
    return current_app.response_class(collection, mimetype="application/geo+json")


CLUSTER_PARAMETERS = (*FILTER_PARAMETERS, "visibility", "activity_type", "promise", "zoom", "tiles")


@routes.get("/map/clusters")
def clusters_json():  # type: ignore[no-untyped-def]
    """Counts per map cell for the tiles asked for (webapp/map/clusters.py)."""
    require_field_user()
    filters = parse_filters(request.args)
    tiles = parse_tiles(request.args)
    with read_snapshot():
        body, police = cluster_view(filters, tiles, current_user)
    # The page's tile cache keeps the audit entries to one per new view.
    return counted_answer(body, "observation.aggregate", police, CLUSTER_PARAMETERS)


EXTENT_PARAMETERS = (*FILTER_PARAMETERS, "visibility", "activity_type", "promise")


@routes.get("/map/extent")
def extent_json():  # type: ignore[no-untyped-def]
    """The box around the records the filters keep: the map fits itself to them."""
    require_field_user()
    filters = parse_filters(request.args)
    with read_snapshot():
        body, police = extent(filters, current_user)
    return counted_answer(body, "observation.aggregate", police, EXTENT_PARAMETERS)


MAX_LIMIT = 10_000


def _limit(value: str | None) -> int | None:
    """`?limit=`: the newest that many records, 1 to MAX_LIMIT; anything else is a 422."""
    if value is None or value == "":
        return None
    number = record_id(value)
    if number is None or number > MAX_LIMIT:
        message = _("Must be a whole number from %(low)s to %(high)s.", low=1, high=MAX_LIMIT)
        raise ApiProblem("validation_failed", fields={"limit": message})
    return number


def _before(value: str | None) -> Cursor | None:
    """`?before=`: the `next_before` of the previous page; anything else is a 422."""
    if not value:
        return None
    cursor = Cursor.parse(value)
    if cursor is None:
        raise ApiProblem("validation_failed", fields={"before": _("Not a valid page cursor.")})
    return cursor


@routes.get("/areas.geojson")
def areas_geojson():  # type: ignore[no-untyped-def]
    require_field_user()
    rows = db.session.execute(db.select(Area).order_by(Area.id)).scalars()
    return _geojson(
        [
            {
                "type": "Feature",
                "id": area.code,
                "geometry": area.geometry,
                "properties": {
                    "code": area.code,
                    "name": area.name,
                    "kind": area.kind,
                    "approximate": area.approximate,
                },
            }
            for area in rows
        ]
    )


@routes.get("/measures.geojson")
def measures_geojson():  # type: ignore[no-untyped-def]
    require_field_user()
    today = local_today()
    rows = list(
        db.session.execute(
            db.select(Measure)
            .where(Measure.lat.is_not(None))
            .where(visibility_filter(current_user, Measure.visibility, Measure.created_by_id))
        ).scalars()
    )
    record_police_reads("measure.list", "measures", (m.visibility for m in rows), layer="map")
    return _geojson(
        [
            {
                "type": "Feature",
                "id": measure.id,
                "geometry": {"type": "Point", "coordinates": [measure.lon, measure.lat]},
                "properties": {
                    "id": measure.id,
                    "title": measure.title,
                    "status": measure.status,
                    "status_label": label(MEASURE_STATUS, measure.status),
                    # Who carries it out: the organisation, and the detail typed for it (user
                    # text: the page sets it with textContent).
                    "owner_label": label(MEASURE_OWNER, measure.owner),
                    "owner_detail": measure.owner_detail or "",
                    "deadline": measure.deadline.isoformat() if measure.deadline else None,
                    "overdue": measure.is_overdue(today),
                    "url": f"/measures/{measure.id}",
                },
            }
            for measure in rows
        ]
    )


def _period() -> tuple[datetime | None, datetime | None]:
    filters = parse_filters(
        MultiDict({k: v for k, v in request.args.items() if k in ("since", "until")})
    )
    return filters.since, filters.until


@routes.get("/map/walks.geojson")
def walks_geojson():  # type: ignore[no-untyped-def]
    """Walk routes and their stops, each stop with its average "feeling of safety" (0-3)."""
    require_field_user()
    since, until = _period()
    query = db.select(SafetyWalk).where(
        visibility_filter(current_user, SafetyWalk.visibility, SafetyWalk.created_by_id)
    )
    if since:
        query = query.where(SafetyWalk.starts_at >= since)
    if until:
        query = query.where(SafetyWalk.starts_at < until)
    features: list[dict] = []
    walks = list(db.session.execute(query.order_by(SafetyWalk.starts_at)).scalars())
    record_police_reads("walk.list", "safety_walks", (w.visibility for w in walks), layer="map")
    for walk in walks:
        base = {"walk_id": walk.id, "walk": walk.name, "starts_at": walk.starts_at.isoformat(),
                "url": f"/walks/{walk.id}"}  # fmt: skip
        if walk.route:
            features.append(
                {"type": "Feature", "geometry": walk.route, "properties": {**base, "kind": "route"}}
            )
        ratings = ratings_by_stop(walk)
        for stop in walk.stops:
            stop_ratings = ratings.get(stop.id)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
                    "properties": {
                        **base,
                        "kind": "stop",
                        "name": stop.name,
                        "ratings": stop_ratings.count if stop_ratings else 0,
                        "feeling": stop_ratings.averages.get("feeling") if stop_ratings else None,
                    },
                }
            )
    return _geojson(features)


@routes.get("/map/activities.geojson")
def activities_geojson():  # type: ignore[no-untyped-def]
    """Patrol routes and business visits the caller may see, for the map's layers."""
    require_field_user()
    since, until = _period()
    query = (
        db.select(Activity)
        .join(ActivityType)
        .where(ActivityType.kind.in_(("patrol", "business_visit")))
        .where(visibility_filter(current_user, Activity.visibility, Activity.author_id))
    )
    if since:
        query = query.where(Activity.started_at >= since)
    if until:
        query = query.where(Activity.started_at < until)
    features: list[dict] = []
    police = 0
    for activity in db.session.execute(query.order_by(Activity.started_at)).scalars():
        geometry = _activity_geometry(activity)
        if geometry is None:
            continue
        police += activity.visibility == "police"
        features.append(
            {
                "type": "Feature",
                "id": activity.id,
                "geometry": geometry,
                "properties": {
                    "id": activity.id,
                    "kind": activity.kind,
                    "name": activity.activity_type.name,
                    "started_at": activity.started_at.isoformat(),
                    "place": activity.place,
                    "business": (activity.details or {}).get("business_name", "")
                    if activity.kind == "business_visit"
                    else "",
                    "outside_tatort": activity.outside_tatort,
                    "length_m": activity.length_m,
                    "url": f"/activities/{activity.id}",
                },
            }
        )
    if police:
        audit("activity.list", target_type="activities", police_records=police, layer="map")
        db.session.commit()
    return _geojson(features)


def _activity_geometry(activity: Activity) -> dict | None:
    if activity.kind == "patrol" and activity.route:
        return activity.route
    if activity.lat is not None and activity.lon is not None:
        return {"type": "Point", "coordinates": [activity.lon, activity.lat]}
    return None
