"""Patrol endpoints: stop (idempotent) and the caller's open patrol."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from webapp.activities.loaders import audit_read, get_activity_or_404
from webapp.activities.patrols.service import KIND, open_patrol_for, stop_patrol, validate_stop
from webapp.activities.service import activity_json
from webapp.core.access import require_field_user
from webapp.core.errors import ApiProblem
from webapp.core.idempotency import ConflictError
from webapp.core.jsonbody import json_body
from webapp.core.routes import RouteTable

routes = RouteTable()
register = routes.register


@routes.post("/activities/<activity_id>/stop")
def stop(activity_id: str):  # type: ignore[no-untyped-def]
    """200 when stopped now or when the same stop is replayed; 409 for a different stop."""
    require_field_user()
    patrol = get_activity_or_404(activity_id, write=True, lock=True)
    if patrol.activity_type.kind != KIND:
        raise ApiProblem(
            "validation_failed", fields={"id": _("Only patrols are started and stopped.")}
        )
    clean, errors = validate_stop(json_body(), patrol)
    if clean is None:
        raise ApiProblem("validation_failed", fields=errors)
    try:
        stop_patrol(patrol, clean, current_user)
    except ConflictError:
        raise ApiProblem(
            "conflict", message=_("This patrol was already stopped at another time.")
        ) from None
    return jsonify(activity_json(patrol, current_user))


@routes.get("/patrols/open")
def open_patrol():  # type: ignore[no-untyped-def]
    require_field_user()
    patrol = open_patrol_for(current_user)
    if patrol is not None:
        audit_read(patrol)
    return jsonify(patrol=activity_json(patrol, current_user) if patrol else None)
