"""GeoJSON layers for the map besides observations: areas and measures."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, current_app
from flask_login import current_user

from ..access import visibility_filter
from ..areas.models import Area
from ..extensions import db
from ..labels import MEASURE_STATUS, label
from ..measures.models import Measure
from ..observations.loaders import require_field_user


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/areas.geojson", view_func=areas_geojson, methods=["GET"])
    bp.add_url_rule("/measures.geojson", view_func=measures_geojson, methods=["GET"])


def _geojson(features: list[dict]) -> object:
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return current_app.response_class(body, mimetype="application/geo+json")


def areas_geojson():  # type: ignore[no-untyped-def]
    require_field_user()
    rows = db.session.execute(db.select(Area).order_by(Area.id)).scalars()
    return _geojson(
        [
            {
                "type": "Feature",
                "id": area.code,
                "geometry": area.geometry,
                "properties": {"code": area.code, "name": area.name, "kind": area.kind, "approximate": area.approximate},
            }
            for area in rows
        ]
    )


def measures_geojson():  # type: ignore[no-untyped-def]
    require_field_user()
    today = date.today()
    rows = db.session.execute(
        db.select(Measure)
        .where(Measure.lat.is_not(None))
        .where(visibility_filter(current_user, Measure.visibility, Measure.created_by_id))
    ).scalars()
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
                    "deadline": measure.deadline.isoformat() if measure.deadline else None,
                    "overdue": measure.is_overdue(today),
                    "url": f"/measures/{measure.id}",
                },
            }
            for measure in rows
        ]
    )
