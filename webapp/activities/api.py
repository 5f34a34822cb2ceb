"""/api/v1/activities: idempotent create by client UUID, and reading one activity."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for
from flask_login import current_user

from webapp.activities.loaders import get_activity_or_404
from webapp.activities.service import activity_json, store_activity
from webapp.activities.validation import validate_activity
from webapp.core.access import require_field_user
from webapp.core.apiwrite import store_or_problem, stored_response, valid_or_problem
from webapp.core.jsonbody import json_body


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/activities", view_func=create_activity, methods=["POST"])
    bp.add_url_rule("/activities/<activity_id>", view_func=get_activity, methods=["GET"])


def create_activity():  # type: ignore[no-untyped-def]
    """201 first time, 200 for a replay with the same content, 409 for other content."""
    require_field_user()
    clean = valid_or_problem(validate_activity(json_body(), current_user))
    activity, created = store_or_problem(store_activity, clean, current_user)
    location = url_for("api.get_activity", activity_id=activity.id) if created else None
    return stored_response(activity_json(activity, current_user), created, location)


def get_activity(activity_id: str):  # type: ignore[no-untyped-def]
    require_field_user()
    return jsonify(activity_json(get_activity_or_404(activity_id), current_user))
