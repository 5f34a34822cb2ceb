"""/api/v1/activities: idempotent create by client UUID, and reading one activity."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for
from flask_login import current_user

from webapp.activities.loaders import get_activity_or_404
from webapp.activities.service import activity_json, store_activity
from webapp.activities.validation import validate_activity
from webapp.core.access import require_field_user
from webapp.core.errors import ApiProblem
from webapp.core.idempotency import ConflictError
from webapp.core.jsonbody import json_body


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/activities", view_func=create_activity, methods=["POST"])
    bp.add_url_rule("/activities/<activity_id>", view_func=get_activity, methods=["GET"])


def create_activity():  # type: ignore[no-untyped-def]
    """201 first time, 200 for a replay with the same content, 409 for other content."""
    require_field_user()
    clean, errors = validate_activity(json_body(), current_user)
    if clean is None:
        raise ApiProblem("validation_failed", fields=errors)
    try:
        activity, created = store_activity(clean, current_user)
    except ConflictError:
        raise ApiProblem("conflict") from None
    response = jsonify(activity_json(activity, current_user))
    response.status_code = 201 if created else 200
    if created:
        response.headers["Location"] = url_for("api.get_activity", activity_id=activity.id)
    return response


def get_activity(activity_id: str):  # type: ignore[no-untyped-def]
    require_field_user()
    return jsonify(activity_json(get_activity_or_404(activity_id), current_user))
