"""Activity pages: the log, choosing what to record, entry forms per kind, detail and edit."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from werkzeug.wrappers import Response

from webapp.activities.forms import payload_from_form
from webapp.activities.history import activity_history
from webapp.activities.kinds import get_kind
from webapp.activities.loaders import (
    audit_list,
    audit_read,
    get_activity_or_404,
    get_follow_up_or_404,
    may_edit,
    readable_activities,
)
from webapp.activities.models import LOCAL_ZONE, Activity, ActivityType, FollowUp, promise_class
from webapp.activities.service import (
    set_follow_up_done,
    snapshot,
    store_activity,
    tatort_geometry,
    update_activity,
)
from webapp.activities.validation import may_record, validate_activity
from webapp.auth.session import roles_required
from webapp.core.access import WRITABLE, Role
from webapp.core.errors import ApiProblem
from webapp.core.fieldinput import is_clean_text
from webapp.core.idempotency import ConflictError
from webapp.core.inputs import one_page, page_number, record_id
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.geo import point_in_geometry
from webapp.geo.areas import Area

bp = Blueprint("activities", __name__, url_prefix="/activities")
FIELD = (Role.OFFICER, Role.STAFF, Role.COORDINATOR)
PAGE_SIZE = 50  # a page of the list; older ones a tap on "Older" away


@bp.app_template_filter("local_input")
def local_input(value: str | datetime | None) -> str:
    """A time as the value of an <input type="datetime-local"> in Swedish time."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value  # shown back as typed, next to its error message
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_ZONE)
    return value.astimezone(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M")


@bp.app_template_filter("duration")
def duration(value: timedelta | None) -> str:
    """1 h 25 min, 2 h, 45 min (Babel's format_timedelta would round 90 minutes to "2 hours")."""
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@bp.app_template_global("pick")
def pick(values: Any, path: str, default: Any = None) -> Any:
    """values["details"]["reached"]["under_15"] as pick(values, "details.reached.under_15")."""
    for part in path.split("."):
        if isinstance(values, dict):
            values = values.get(part)
        elif isinstance(values, list) and part.isdigit() and int(part) < len(values):
            values = values[int(part)]
        else:
            return default
    return default if values is None else values


@bp.get("/")
@roles_required(*FIELD)
def index() -> str:
    from webapp.activities.patrols.service import close_stale_patrols

    close_stale_patrols()
    query = readable_activities(current_user)
    type_code = request.args.get("type", "")
    promise_id = record_id(request.args.get("promise"))
    # "Mine": what this user recorded, among everyone's the list shows (an officer's own visit
    # was hard to find between the colleagues' ones).
    mine = request.args.get("mine") == "1"
    if type_code:
        query = query.where(ActivityType.code == type_code)
    if promise_id:
        query = query.where(Activity.promises.any(id=promise_id))
    if mine:
        query = query.where(Activity.author_id == current_user.id)
    page = page_number()
    activities, has_more = one_page(query, page, PAGE_SIZE)
    audit_list(activities)
    filters = {"type": type_code, "promise": promise_id, "mine": "1" if mine else ""}
    return render_template(
        "activities/index.html",
        activities=activities,
        places=places_of(activities),
        types=readable_types(type_code if is_clean_text(type_code) else ""),
        promises=promises_newest_first(),
        type_code=type_code,
        promise_id=promise_id,
        mine=mine,
        page=page,
        has_more=has_more,
        # The filters the pager's links keep (the empty ones left out of the address).
        filters={k: v for k, v in filters.items() if v},
    )


def readable_types(chosen: str) -> list[ActivityType]:
    """The types the list can show this user: those of entries they may read, those they
    record, and the one chosen (staff were offered police-only types they never see)."""
    readable = readable_activities(current_user).with_only_columns(Activity.activity_type_id)
    types = db.session.execute(
        db.select(ActivityType)
        .where(or_(ActivityType.id.in_(readable), ActivityType.code == chosen))
        .order_by(ActivityType.name)
    ).scalars()
    recordable = db.session.execute(db.select(ActivityType).filter_by(active=True)).scalars()
    shown = {t.id: t for t in types}
    shown.update({t.id: t for t in recordable if may_record(current_user, t)})
    return sorted(shown.values(), key=lambda t: t.name)


# The most telling area first where a position lies in several.
AREA_ORDER = {"centrum": 0, "patrol": 1, "tatort": 2, "kommun": 3}


def places_of(activities: list[Activity]) -> dict[str, str]:
    """What tells each entry apart in the list: the business visited (a visit), the place
    typed, the area chosen, else the area its position lies in. Places and businesses only:
    no kind keeps names of people in these fields."""
    areas: list[Area] | None = None
    places = {}
    for activity in activities:
        parts = [get_kind(activity.activity_type.kind).list_name(activity.details or {})]
        where = activity.place or (activity.area.name if activity.area else "")
        if not where and activity.lat is not None and activity.lon is not None:
            if areas is None:
                areas = sorted(
                    db.session.execute(db.select(Area)).scalars(),
                    key=lambda a: AREA_ORDER.get(a.kind, len(AREA_ORDER)),
                )
            where = next(
                (
                    a.name
                    for a in areas
                    if point_in_geometry(activity.lon, activity.lat, a.geometry)
                ),
                "",
            )
        parts.append(where)
        places[activity.id] = " · ".join(p for p in parts if p)
    return places


def promises_newest_first() -> list[Any]:
    promise = promise_class()
    return list(db.session.scalars(db.select(promise).order_by(promise.starts_on.desc())))


@bp.get("/new")
@roles_required(*FIELD)
def choose() -> str:
    types = db.session.execute(
        db.select(ActivityType).filter_by(active=True).order_by(ActivityType.name)
    ).scalars()
    return render_template(
        "activities/choose.html", types=[t for t in types if may_record(current_user, t)]
    )


def _recordable_type(code: str) -> ActivityType:
    # Codes are short clean text; anything else (a NUL byte breaks PostgreSQL) is unknown.
    activity_type = (
        db.session.execute(
            db.select(ActivityType).filter_by(code=code, active=True)
        ).scalar_one_or_none()
        if len(code) <= 40 and is_clean_text(code)
        else None
    )
    if activity_type is None or not may_record(current_user, activity_type):
        raise ApiProblem("not_found")
    return activity_type


@bp.route("/new/<code>", methods=["GET", "POST"])
@roles_required(*FIELD)
def new(code: str) -> Response | str | tuple[str, int]:
    activity_type = _recordable_type(code)
    kind = get_kind(activity_type.kind)
    if kind.code == "patrol":
        return redirect(url_for("patrols.index"))
    if request.method == "GET":
        now = datetime.now(UTC).replace(second=0, microsecond=0).isoformat()
        values = {"id": str(uuid.uuid4()), "started_at": now, "details": {}}
        return render_template("activities/form.html", **form_context(activity_type, values, {}))
    payload = payload_from_form(request.form, kind, activity_type.code)
    clean, errors = validate_activity(payload, current_user)
    if clean is None:
        return render_template(
            "activities/form.html", **form_context(activity_type, payload, errors)
        ), 422
    try:
        activity, _created = store_activity(clean, current_user)
    except ConflictError:
        flash(_("An entry with this id already exists with other content."), "error")
        return redirect(url_for("activities.index"))
    flash(_("Saved."), "success")
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.get("/<activity_id>")
@roles_required(*FIELD)
def detail(activity_id: str) -> Response | str:
    activity = get_activity_or_404(activity_id)
    if activity.activity_type.kind == "patrol":
        return redirect(url_for("patrols.detail", activity_id=activity.id))
    if request.args.get("saved") == "1":
        return said_and_shown(_("Saved."), "activities.detail", activity.id)
    return render_template(
        "activities/detail.html",
        activity=activity,
        kind=get_kind(activity.activity_type.kind),
        may_edit=may_edit(current_user, activity),
        history=activity_history(activity),
        today=local_today(),
    )


def said_and_shown(message: str, endpoint: str, activity_id: str) -> Response:
    """The entry form saved through the API (offline-capable) and then opened the record with
    `?saved=1`: say so as the form without script does, on the record's own address, so a
    reload does not say it again."""
    flash(message, "success")
    return redirect(url_for(endpoint, activity_id=activity_id))


@bp.route("/<activity_id>/edit", methods=["GET", "POST"])
@roles_required(*FIELD)
def edit(activity_id: str) -> Response | str | tuple[str, int]:
    activity = get_activity_or_404(activity_id, write=True)
    kind = get_kind(activity.activity_type.kind)
    if request.method == "GET":
        audit_read(activity)
        return render_template(
            "activities/form.html",
            **form_context(activity.activity_type, values_of(activity), {}, activity=activity),
        )
    payload = payload_from_form(request.form, kind, activity.activity_type.code)
    payload.pop("id", None)
    _keep_seconds(payload, activity)
    clean, errors = validate_activity(payload, current_user, existing=activity)
    if clean is None:
        context = form_context(activity.activity_type, payload, errors, activity=activity)
        return render_template("activities/form.html", **context), 422
    changed = update_activity(activity, clean, current_user)
    flash(_("Saved.") if changed else _("Nothing was changed."), "success")
    target = "patrols.detail" if kind.code == "patrol" else "activities.detail"
    return redirect(url_for(target, activity_id=activity.id))


@bp.post("/<activity_id>/follow-ups/<int:follow_up_id>")
@roles_required(*FIELD)
def follow_up_done(activity_id: str, follow_up_id: int) -> Response:
    follow_up = get_follow_up_or_404(activity_id, follow_up_id)
    done = request.form.get("done") == "1"
    set_follow_up_done(follow_up, done, local_today())
    flash(_("Marked as done.") if done else _("Opened again."), "success")
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.get("/follow-ups")
@roles_required(*FIELD)
def follow_ups() -> str:
    """Agreed follow-ups still open, overdue first: what the council asks about."""
    rows = list(
        db.session.execute(
            db.select(FollowUp)
            .join(Activity)
            .where(
                Activity.id.in_(readable_activities(current_user).with_only_columns(Activity.id))
            )
            .where(FollowUp.done_on.is_(None))
            .order_by(FollowUp.due_on)
        ).scalars()
    )
    audit_list([row.activity for row in rows])
    return render_template(
        "activities/follow_ups.html",
        follow_ups=rows,
        owners=get_kind("meeting").options["organisations"],
        today=local_today(),
    )


def _keep_seconds(payload: dict[str, Any], activity: Activity) -> None:
    """The form shows whole minutes: an untouched time keeps the seconds the phone recorded."""
    for name in ("started_at", "ended_at"):
        stored = getattr(activity, name)
        try:
            sent = datetime.fromisoformat(payload.get(name) or "")
        except ValueError:
            continue
        if stored is not None and sent == stored.replace(second=0, microsecond=0):
            payload[name] = stored.isoformat()


def values_of(activity: Activity) -> dict[str, Any]:
    """The stored activity as the payload its form would send."""
    values = snapshot(activity)
    values["details"] = {**values["details"], "follow_ups": values.pop("follow_ups")}
    values["id"] = activity.id
    if not activity.promises_chosen:
        # Nothing was ticked: the form shows none ticked, so saving keeps the derived default.
        values["promise_ids"] = []
    return values


def form_context(
    activity_type: ActivityType,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    activity: Activity | None = None,
) -> dict[str, Any]:
    kind = get_kind(activity_type.kind)
    return {
        "activity_type": activity_type,
        "activity": activity,
        "kind": kind,
        "values": values,
        # In the form's order, as the list of errors above it reads.
        "errors": dict(sorted(errors.items(), key=lambda item: form_position(item[0]))),
        "area_options": area_options(),
        "visibilities": [v.value for v in WRITABLE[Role(current_user.role)]],
        "default_visibility": activity_type.default_visibility(),
        "accuracy_limit_m": current_app.config["GPS_ACCURACY_LIMIT_M"],
        "note_max_length": current_app.config["NOTE_MAX_LENGTH"],
        "promise_choices": promise_choices(activity_type, values),
        "tatort": tatort_geometry() if kind.warns_inside_tatort else None,
    }


# Where each field stands in the entry form (form.html); a kind's details keep the order its
# validator names them in, which is their order in its form.
FORM_ORDER = (
    "started_at", "ended_at", "details", "place", "lat", "lon", "accuracy_m", "area", "note",
    "promise_ids", "visibility",
)  # fmt: skip


def form_position(name: str) -> int:
    head = name.split(".")[0]
    return FORM_ORDER.index(head) if head in FORM_ORDER else len(FORM_ORDER)


def promise_choices(activity_type: ActivityType, values: dict[str, Any]) -> tuple[list, list]:
    """The type's promises for the form: (valid on the entry's date or ticked, the others).

    The others (ended, or not begun) stay tickable for a deliberate choice but apart, folded
    away: listed side by side with the current ones, the 2016 promise was ticked by mistake.
    """
    day = _local_day(values.get("started_at")) or datetime.now(LOCAL_ZONE).date()
    ticked = {str(v) for v in values.get("promise_ids") or []}
    current, other = [], []
    for promise in activity_type.promises:
        (current if promise.covers(day) or str(promise.id) in ticked else other).append(promise)
    return current, other


def _local_day(value: Any) -> date | None:
    """The Swedish calendar day of a start time as the form holds it (ISO text or a datetime)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_ZONE)
    return value.astimezone(LOCAL_ZONE).date()


def area_options() -> dict[str, str]:
    areas = db.session.execute(db.select(Area).order_by(Area.name)).scalars()
    return {area.code: area.name for area in areas}
