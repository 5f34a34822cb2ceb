"""Safety walks for police and municipality: plan, join code and poster, who took part.

Officers and staff read the walks they may see; the coordinator plans them (403 for others).
The protocol pages live in protocol_views.py on the same blueprint (webapp/walks/blueprint.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from webapp.auth import throttle
from webapp.auth.session import roles_required
from webapp.core.access import Role, can_read, readable_list, visibility_filter
from webapp.core.i18n import tile_attribution
from webapp.extensions import db
from webapp.observations.models import Category
from webapp.walks import (
    held,  # noqa: F401  (counts held walks for their promise)
    joincode,
    participant,
    service,
)
from webapp.walks.blueprint import READ_ROLES, bp
from webapp.walks.forms import ActionForm, FollowUpForm, WalkForm, combine, headcount_form
from webapp.walks.labels import FACTOR, follow_up_name_prefixes
from webapp.walks.loaders import coordinator_walk, get_walk_or_404
from webapp.walks.models import FACTORS, HEADCOUNT_DIMENSIONS, SafetyWalk, WalkSpot
from webapp.walks.pages import confirm_page, join_url
from webapp.walks.qr import qr_svg
from webapp.walks.stats import (
    compare_with_original,
    headcount,
    phone_counts,
    ratings_by_stop,
    review_progress,
)
from webapp.walks.validation import headcount_problems, organisations, parse_route, parse_stops


@bp.get("/")
@roles_required(*READ_ROLES)
def index() -> str:
    walks = readable_list(SafetyWalk, "walk.list", SafetyWalk.starts_at.desc())
    prefixes = follow_up_name_prefixes()
    return render_template(
        "walks/index.html",
        walks=walks,
        may_join=current_user.has_role(*participant.JOIN_ROLES),
        # Follow-ups whose name does not say so already (renamed ones) get a "follow-up" tag.
        tag_follow_up={
            w.id for w in walks if w.follow_up_of_id and not w.name.casefold().startswith(prefixes)
        },
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new() -> WerkzeugResponse | tuple[str, int] | str:
    form = WalkForm()
    values, stops, errors = _plan_values(form)
    if values is None:
        return _form_page(form, None, errors)
    try:
        walk = service.create_walk(values, stops, current_user)
    except service.PlanError as error:  # a stop id of another walk, from a stale or forged form
        db.session.rollback()
        return _form_page(form, None, {"stops": str(error)}, status=422)
    flash(
        _("The walk is planned. Print the poster with the QR code for the participants."), "success"
    )
    return redirect(url_for("walks.detail", walk_id=walk.id))


@bp.route("/<int:walk_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit(walk_id: int) -> WerkzeugResponse | tuple[str, int] | str:
    walk = get_walk_or_404(walk_id, write=True)
    form = WalkForm(saved=walk)
    if not form.is_submitted():
        form.fill_from(walk)
    values, stops, errors = _plan_values(form)
    if values is None:
        return _form_page(form, walk, errors)
    try:
        service.update_walk(walk, values, stops, current_user)
    except service.PlanError as error:
        db.session.rollback()
        return _form_page(
            form, db.session.get(SafetyWalk, walk_id), {"stops": str(error)}, status=409
        )
    flash(_("Saved."), "success")
    return redirect(url_for("walks.detail", walk_id=walk.id))


def _plan_values(form: WalkForm) -> tuple[dict[str, Any] | None, list, dict[str, str]]:
    """The plan from the form, or (None, [], errors) to show the form (again)."""
    if not form.is_submitted():
        return None, [], {}
    valid = form.validate_on_submit()
    # The drawing is checked along with the fields, so one round trip names every mistake.
    errors: dict[str, str] = {}
    route = parse_route(form.route.data, errors)
    stops = parse_stops(form.stops.data, errors)
    if not valid or errors:
        return None, [], errors
    starts_at, ends_at = form.times()
    values = {
        "name": form.name.data.strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "after_dark": form.light.data == "after_dark",
        "meeting_point": (form.meeting_point.data or "").strip(),
        "invited_organisations": organisations(form.invited.data),
        "route": route,
        "visibility": form.visibility.data,
        "status": form.status.data,
        "summary": (form.summary.data or "").strip(),
        "notes": (form.notes.data or "").strip(),
    }
    return values, stops, {}


def _form_page(
    form: WalkForm, walk: SafetyWalk | None, errors: dict[str, str], status: int | None = None
):  # type: ignore[no-untyped-def]
    if status is None:
        status = 422 if form.is_submitted() else 200
    # What the map editor starts from: the form's own fields (the stored plan on a first GET,
    # see WalkForm.fill_from, or what was just sent when the form comes back with errors).
    route_json, stops_json = form.route.data or None, form.stops.data or "[]"
    return (
        render_template(
            "walks/form.html",
            form=form,
            walk=walk,
            errors=errors,
            route_data=route_json,
            stops_data=stops_json,
            map_config=_map_config(),
        ),
        status,
    )


def _map_config() -> dict[str, Any]:
    config = current_app.config
    return {
        "tile_url": config["TILE_URL"],
        "attribution": tile_attribution(),
        "center": list(config["MAP_CENTER"]),
    }


@bp.get("/<int:walk_id>")
@roles_required(*READ_ROLES)
def detail(walk_id: int) -> str:
    walk = get_walk_or_404(walk_id)
    spots = list(db.session.execute(db.select(WalkSpot).filter_by(walk_id=walk.id)).scalars())
    follow_ups = db.session.execute(
        db.select(SafetyWalk)
        .filter_by(follow_up_of_id=walk.id)
        .where(visibility_filter(current_user, SafetyWalk.visibility, SafetyWalk.created_by_id))
    ).scalars()
    return render_template(
        "walks/detail.html",
        walk=walk,
        join_state=participant.join_state(walk),
        may_join=current_user.has_role(*participant.JOIN_ROLES),
        joined=participant.session_participant(walk) is not None,
        join_closes_at=walk.join_closes_at(participant.hours_after()),
        code=joincode.display(walk.join_code),
        counts=headcount(walk),
        ratings=ratings_by_stop(walk),
        comparison=compare_with_original(walk) if walk.follow_up_of_id else [],
        factors=FACTORS,
        factor_labels=FACTOR,
        spots=spots,
        # Once held, the coordinator's page leads with what is left to do (walks/_next_steps.html);
        # other readers see no next steps, so nothing is counted for them.
        progress=review_progress(walk, spots)
        if walk.status != "planned" and current_user.has_role(Role.COORDINATOR)
        else None,
        follow_ups=list(follow_ups),
        map_data=_map_data(walk, spots),
        map_config=_map_config(),
        action_form=ActionForm(),
        follow_up_form=FollowUpForm(),
        started=walk.has_started(datetime.now(UTC)),
        may_delete=not service.has_records(walk),
    )


def _map_data(walk: SafetyWalk, spots: list[WalkSpot]) -> dict[str, Any]:
    colors = {c.code: c.color for c in db.session.execute(db.select(Category)).scalars()}
    return {
        "map": _map_config(),
        "route": walk.route,
        "stops": [
            {"name": s.name, "lat": s.lat, "lon": s.lon, "position": s.position} for s in walk.stops
        ],
        "spots": [
            {
                "lat": s.lat,
                "lon": s.lon,
                "label": s.category.label(),
                "note": s.note,
                "color": colors.get(s.category_code, "#555555"),
            }
            for s in spots
            if s.status != "duplicate"
        ],
    }


@bp.route("/<int:walk_id>/delete", methods=["GET", "POST"])
@coordinator_walk
def delete(walk: SafetyWalk) -> WerkzeugResponse | str:
    """Delete a walk nobody took part in, after a confirmation page (GET)."""
    if request.method == "GET":
        if service.has_records(walk):
            flash(service.kept_message(), "error")
            return redirect(url_for("walks.detail", walk_id=walk.id))
        return confirm_page(walk, "delete")
    if not ActionForm().validate_on_submit():
        return _form_expired(walk)
    try:
        service.delete_walk(walk, current_user)
    except service.PlanError as error:
        flash(str(error), "error")
        return redirect(url_for("walks.detail", walk_id=walk.id))
    flash(_("The walk was deleted."), "success")
    return redirect(url_for("walks.index"))


def _form_expired(walk: SafetyWalk) -> WerkzeugResponse:
    """Back to the walk, saying why the button did nothing (a missing or stale CSRF token)."""
    flash(_("The form has expired or lacks a security token. Reload and try again."), "error")
    return redirect(url_for("walks.detail", walk_id=walk.id))


# ---- join code and poster ---------------------------------------------------------------------


# Why the walk's page could not be joined: no code is involved here, so no "ask for the code".
CLOSED_MESSAGES = {
    "revoked": lambda: _("The walk leader has closed joining for this walk."),
    "expired": lambda: _("The walk is over, so it can no longer be joined."),
    "no_code": lambda: _("This walk cannot be joined right now. Ask the walk leader."),
    "published": lambda: _("The walk is over and its protocol is published."),
}


def _join_refused(wait_text: str, walk_id: int) -> str:
    """Too many failed joins from this address: the walk's page again, with the wait, which
    Retry-After states too (throttle.limited), for whoever may read the walk and join it; for
    anyone else the error page with the wait, which tells nothing of the walk."""
    message = f"{_('Too many attempts.')} {wait_text}"
    walk = db.session.get(SafetyWalk, walk_id)
    if (
        walk is not None
        and current_user.is_authenticated
        and current_user.has_role(*participant.JOIN_ROLES)
        and can_read(current_user, walk.visibility, walk.created_by_id)
    ):
        flash(message, "error")
        return detail(walk_id)
    return render_template("core/errors/error.html", status=429, message=message)


@bp.post("/<int:walk_id>/join")
# As for codes, only failures count: 404s and 403s here are someone probing walk ids.
@throttle.limited(participant.join_limit, _join_refused, counts=participant.failed)
@roles_required(*participant.JOIN_ROLES)
def join(walk_id: int) -> WerkzeugResponse:
    """Officers and staff join from the walk's page, without the QR code (webapp/walks/
    participant.py); a page left open past the walk or the code's withdrawal says why not."""
    walk = get_walk_or_404(walk_id)
    if not ActionForm().validate_on_submit():
        return _form_expired(walk)
    state = participant.join_state(walk)
    if state != "open":
        flash(CLOSED_MESSAGES[state](), "error")
        return redirect(url_for("walks.detail", walk_id=walk.id))
    participant.join_as_user(walk, current_user)
    return redirect(url_for("walk_participant.walk_page", walk_id=walk.id))


@bp.get("/<int:walk_id>/poster")
@coordinator_walk
def poster(walk: SafetyWalk) -> str:
    if not walk.join_code:
        return render_template("walks/poster.html", walk=walk, code=None, url=None)
    return render_template(
        "walks/poster.html",
        walk=walk,
        code=joincode.display(walk.join_code),
        url=join_url(walk.join_code),
        join_state=participant.join_state(walk),
    )


@bp.get("/<int:walk_id>/qr.svg")
@coordinator_walk
def qr(walk: SafetyWalk) -> Response:
    if not walk.join_code:
        return Response(status=404)
    response = Response(qr_svg(join_url(walk.join_code)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:walk_id>/code/<action>")
@coordinator_walk
def code_action(walk: SafetyWalk, action: str) -> WerkzeugResponse:
    if action not in ("revoke", "renew"):
        return redirect(url_for("walks.detail", walk_id=walk.id))
    if ActionForm().validate_on_submit():
        if action == "revoke":
            service.revoke_code(walk, current_user)
            flash(
                _(
                    "The join code no longer works. "
                    "Everyone who joined with it has been signed out."
                ),
                "success",
            )
        else:
            service.renew_code(walk, current_user)
            flash(_("A new join code was made. Print the poster again."), "success")
    return redirect(url_for("walks.detail", walk_id=walk.id))


# ---- who took part, follow-up -----------------------------------------------------------------


@bp.route("/<int:walk_id>/held", methods=["GET", "POST"])
@coordinator_walk
def mark_held(walk: SafetyWalk) -> WerkzeugResponse | str:
    """The walk leader's button after the walk: a confirmation page (GET), then on to counting
    heads. Never before the walk's start: a held walk counts in the council report."""
    if not walk.has_started(datetime.now(UTC)):
        flash(
            _(
                "The walk starts %(when)s. You can mark it as held once it has started.",
                when=format_datetime(walk.starts_at, "EEEE d MMMM, HH:mm"),
            ),
            "error",
        )
        return redirect(url_for("walks.detail", walk_id=walk.id))
    if request.method == "GET":
        if walk.status != "planned":
            return redirect(url_for("walks.detail", walk_id=walk.id))
        return confirm_page(walk, "held")
    if not ActionForm().validate_on_submit():
        return _form_expired(walk)
    if walk.status == "planned":
        service.mark_held(walk, current_user)
    flash(
        _("The walk is marked as held. Count the participants who did not join by phone."),
        "success",
    )
    return redirect(url_for("walks.headcount_page", walk_id=walk.id))


@bp.route("/<int:walk_id>/headcount", methods=["GET", "POST"])
@coordinator_walk
def headcount_page(walk: SafetyWalk) -> WerkzeugResponse | tuple[str, int] | str:
    form = headcount_form(walk)
    valid = form.validate_on_submit()
    counts = {
        dimension: {
            code: value for code in codes if (value := getattr(form, f"{dimension}__{code}").data)
        }
        for dimension, codes in HEADCOUNT_DIMENSIONS.items()
    }
    problems = headcount_problems(counts, phone_counts(walk)) if valid else {}
    if not valid or problems:
        status = 422 if form.is_submitted() else 200
        return render_template(
            "walks/headcount.html",
            walk=walk,
            form=form,
            dimensions=HEADCOUNT_DIMENSIONS,
            problems=problems,
        ), status
    service.set_headcount(walk, counts, current_user)
    flash(_("Saved."), "success")
    return redirect(url_for("walks.detail", walk_id=walk.id))


@bp.post("/<int:walk_id>/follow-up")
@coordinator_walk
def follow_up(walk: SafetyWalk) -> WerkzeugResponse:
    form = FollowUpForm()
    if not form.validate_on_submit():
        # A past day has its own reason; anything else is a missing date or time.
        past = form.day.data is not None and form.day.errors
        flash(past[0] if past else _("Choose a date and time for the follow-up walk."), "error")
        return redirect(url_for("walks.detail", walk_id=walk.id))
    starts_at = combine(form.day.data, form.start_time.data) or datetime.now(UTC)
    new_walk = service.create_follow_up(walk, current_user, starts_at)
    flash(_("The follow-up walk is planned with the same stops."), "success")
    return redirect(url_for("walks.detail", walk_id=new_walk.id))


from webapp.walks import protocol_views  # noqa: E402,F401  (routes on this blueprint)
