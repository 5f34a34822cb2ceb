"""/api/v1/activities: idempotent create by client UUID, and reading one activity."""

from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user

from webapp.activities.loaders import get_activity_or_404
from webapp.activities.service import activity_json, store_activity
from webapp.activities.validation import validate_activity
from webapp.core.access import require_field_user
from webapp.core.apiwrite import store_or_problem, stored_response, valid_or_problem
from webapp.core.jsonbody import json_body
from webapp.core.routes import RouteTable

routes = RouteTable()
register = routes.register


@routes.post("/activities")
def create_activity():  # type: ignore[no-untyped-def]
    """201 first time, 200 for a replay with the same content, 409 for other content."""
    require_field_user()
    clean = valid_or_problem(validate_activity(json_body(), current_user))
    activity, created = store_or_problem(store_activity, clean, current_user)
    location = url_for("api.get_activity", activity_id=activity.id) if created else None
    return stored_response(activity_json(activity, current_user), created, location)


@routes.get("/activities/<activity_id>")
def get_activity(activity_id: str):  # type: ignore[no-untyped-def]
    require_field_user()
    return jsonify(activity_json(get_activity_or_404(activity_id), current_user))
