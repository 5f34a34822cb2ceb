"""Patrol pages: the phone page (start, running, stop), the list and one patrol on a map."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from webapp.activities.forms import payload_from_form
from webapp.activities.history import activity_history
from webapp.activities.kinds import get_kind
from webapp.activities.kinds import patrol as details
from webapp.activities.loaders import audit_list, get_activity_or_404, may_edit, readable_activities
from webapp.activities.models import Activity, ActivityType
from webapp.activities.patrols.service import KIND, close_stale_patrols, open_patrol_for, stop_now
from webapp.activities.service import activity_json, store_activity
from webapp.activities.validation import RECORDERS, may_record, validate_activity
from webapp.activities.views import area_options, said_and_shown
from webapp.auth.session import roles_required
from webapp.core.access import FIELD_ROLES, WRITABLE, Role, visibility_filter
from webapp.core.audit.service import record as audit
from webapp.core.errors import ApiProblem
from webapp.core.i18n import tile_attribution
from webapp.core.idempotency import ConflictError
from webapp.core.inputs import one_page, page_number
from webapp.core.nav import register_check
from webapp.core.offline import is_offline_copy
from webapp.extensions import db
from webapp.observations.models import Observation

bp = Blueprint("patrols", __name__, url_prefix="/patrols")
PAGE_SIZE = 25  # a page of earlier patrols under the start form


@bp.app_context_processor
def open_patrol_context() -> dict[str, Any]:
    """`open_patrol_id` on every page, so the field form can attach observations to it."""
    if not current_user.is_authenticated or Role(current_user.role) not in FIELD_ROLES:
        return {}
    if is_offline_copy():
        # A copy kept for offline use would name a patrol long stopped; patrol.js keeps the
        # phone's own running patrol in localStorage instead.
        return {}
    try:
        patrol = open_patrol_for(current_user)
    except SQLAlchemyError:
        # The error page after a database failure must still render.
        db.session.rollback()
        return {}
    return {"open_patrol_id": patrol.id if patrol else None}


def role_records_patrols(role: Role) -> bool:
    """Whether `role` records some active patrol activity: staff do not while every patrol
    type is police work, and then the menu, the start page and the activity list do not offer
    a patrol page that would only say so."""
    cached = g.setdefault("patrol_recorders", {})
    if role not in cached:
        try:
            organisations = db.session.execute(
                db.select(ActivityType.organisation).filter_by(kind=KIND, active=True)
            ).scalars()
            cached[role] = any(role in RECORDERS.get(o, frozenset()) for o in organisations)
        except SQLAlchemyError:
            # The error page after a database failure must still render (with the item).
            db.session.rollback()
            return True
    return cached[role]


register_check("records_patrols", role_records_patrols)


@bp.app_template_global("records_patrols")
def user_records_patrols() -> bool:
    return current_user.is_authenticated and role_records_patrols(Role(current_user.role))


def patrol_types() -> list[ActivityType]:
    types = db.session.execute(
        db.select(ActivityType).filter_by(kind=KIND, active=True).order_by(ActivityType.name)
    ).scalars()
    return [t for t in types if may_record(current_user, t)]


@bp.get("/")
@roles_required(Role.OFFICER, Role.STAFF, Role.COORDINATOR)
def index() -> str:
    if is_offline_copy():
        # The copy the phone keeps for offline use: the start form only, no records.
        context = start_form_context({}, {})
        context.update(open_patrol=None, open_patrol_json=None)
        return render_template("activities/patrols/index.html", patrols=None, **context)
    close_stale_patrols()
    return render_template(
        "activities/patrols/index.html",
        **earlier_patrols(page_number()),
        **start_form_context({}, {}),
    )


def earlier_patrols(page: int) -> dict[str, Any]:
    """One page of the patrols the user may read, newest first, for the list under the form."""
    patrols, has_more = one_page(
        readable_activities(current_user).where(ActivityType.kind == KIND), page, PAGE_SIZE
    )
    audit_list(patrols)
    return {"patrols": patrols, "page": page, "has_more": has_more}


def start_form_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    open_patrol = open_patrol_for(current_user)
    defaults = {
        "id": str(uuid.uuid4()),
        "area": "sunne-centrum",
        "details": {
            "participants_count": 1,
            "organisations": [current_user.organisation]
            if current_user.organisation in details.ORGANISATIONS
            else [],
        },
    }
    types = patrol_types()
    if types:
        defaults["visibility"] = types[0].default_visibility()
    return {
        "open_patrol": open_patrol,
        "open_patrol_json": activity_json(open_patrol, current_user) if open_patrol else None,
        "types": types,
        "type_options": {t.code: t.name for t in types},
        "area_options": area_options(),
        "visibilities": [v.value for v in WRITABLE[Role(current_user.role)]],
        "organisations": details.ORGANISATIONS,
        "values": {**defaults, **values},
        "errors": errors,
        "accuracy_limit_m": current_app.config["GPS_ACCURACY_LIMIT_M"],
    }


@bp.post("/start")
@roles_required(Role.OFFICER, Role.STAFF, Role.COORDINATOR)
def start() -> Response | tuple[str, int]:
    """Start without JavaScript (the phone page queues the same payload through the outbox)."""
    type_code = request.form.get("activity_type", "")
    payload = payload_from_form(request.form, get_kind(KIND), type_code)
    payload["started_at"] = (
        payload.get("started_at") or datetime.now(UTC).replace(microsecond=0).isoformat()
    )
    clean, errors = validate_activity(payload, current_user)
    if clean is not None and clean.activity_type.kind != KIND:
        clean, errors = None, {"activity_type": _("Unknown activity type.")}
    if clean is None:
        close_stale_patrols()
        return render_template(
            "activities/patrols/index.html",
            **earlier_patrols(1),
            **start_form_context(payload, errors),
        ), 422
    try:
        store_activity(clean, current_user)
    except ConflictError:
        flash(_("This patrol was already saved with other content."), "error")
        return redirect(url_for("patrols.index"))
    flash(_("Patrol started."), "success")
    return redirect(url_for("patrols.index"))


@bp.post("/<activity_id>/stop")
@roles_required(Role.OFFICER, Role.STAFF, Role.COORDINATOR)
def stop(activity_id: str) -> Response:
    patrol = get_activity_or_404(activity_id, write=True, lock=True)
    if patrol.activity_type.kind != KIND:
        raise ApiProblem("not_found")
    if patrol.ended_at is not None and not patrol.auto_closed:
        flash(_("The patrol was already stopped."), "info")
    else:
        stop_now(patrol, current_user)
        flash(_("Patrol stopped."), "success")
    return redirect(url_for("patrols.detail", activity_id=patrol.id))


@bp.get("/<activity_id>")
@roles_required(Role.OFFICER, Role.STAFF, Role.COORDINATOR)
def detail(activity_id: str) -> Response | str:
    patrol = get_activity_or_404(activity_id)
    if patrol.activity_type.kind != KIND:
        raise ApiProblem("not_found")
    if request.args.get("stopped") == "1" and patrol.ended_at is not None:
        return said_and_shown(_("Patrol stopped."), "patrols.detail", patrol.id)
    observations = attached_observations(patrol)
    return render_template(
        "activities/patrols/detail.html",
        activity=patrol,
        observations=observations,
        map_data=map_data(patrol, observations),
        organisations=details.ORGANISATIONS,
        may_edit=may_edit(current_user, patrol),
        history=activity_history(patrol),
    )


def attached_observations(patrol: Activity) -> list[Observation]:
    """The observations made on the patrol that the reader may see (police ones audited)."""
    observations = list(
        db.session.execute(
            db.select(Observation)
            .where(Observation.activity_id == patrol.id)
            .where(visibility_filter(current_user, Observation.visibility, Observation.author_id))
            .order_by(Observation.observed_at)
        ).scalars()
    )
    police = sum(o.visibility == "police" for o in observations)
    if police:
        audit(
            "observation.list",
            target_type="observations",
            police_records=police,
            activity_id=patrol.id,
        )
        db.session.commit()
    return observations


def map_data(patrol: Activity, observations: list[Observation]) -> dict[str, Any]:
    """Everything the patrol map draws, as data: the script puts text in with textContent."""
    config = current_app.config
    return {
        "center": list(config["MAP_CENTER"]),
        "tile_url": config["TILE_URL"],
        "attribution": tile_attribution(),
        "route": patrol.route,
        "area": patrol.area.geometry if patrol.area else None,
        "area_name": patrol.area.name if patrol.area else None,
        "observations": [
            {
                "lat": o.lat,
                "lon": o.lon,
                "label": o.category.label(),
                "color": o.category.color,  # as everywhere else; the list says each category
                "note": o.note,
                "url": url_for("review.detail", observation_id=o.id),
            }
            for o in observations
        ],
    }
