"""Pages for walk participants, who have no account: join with the code, then the walk page.

Joining is rate limited per address, counting only failed attempts (unknown, revoked or expired
codes): a class on one school Wi-Fi joining together is fine, guessing codes is not. Refused,
the code page comes back with the code and the wait in words, as Retry-After states it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth import throttle
from webapp.core.access import can_read
from webapp.core.i18n import tile_attribution
from webapp.core.offline import is_offline_copy
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Category
from webapp.walks import joincode, participant
from webapp.walks import labels as walk_labels
from webapp.walks.forms import JoinCodeForm, JoinForm
from webapp.walks.labels import CHECK_ANSWER, FACTOR, FACTOR_HINT, SCALE
from webapp.walks.models import FACTORS, SafetyWalk, WalkRating, WalkSpot
from webapp.walks.pages import protocol_context
from webapp.walks.records import spot_json
from webapp.walks.views import CLOSED_MESSAGES as WALK_PAGE_CLOSED_MESSAGES

bp = Blueprint("walk_participant", __name__, url_prefix="/walk")
bp.context_processor(lambda: {"walk_labels": walk_labels})

CLOSED_MESSAGES = {
    "revoked": lambda: _(
        "This join code has been withdrawn by the walk leader. Ask for the new code."
    ),
    "expired": lambda: _(
        "The walk is over, so its join code no longer works. Thank you for taking part!"
    ),
    "no_code": lambda: _("This walk cannot be joined with a code right now. Ask the walk leader."),
    "published": lambda: _(
        "The walk is over and its protocol is published, so its join code no longer works. "
        "Thank you for taking part!"
    ),
}


def _join_refused(wait_text: str, code: str | None = None) -> str:
    """Too many failed joins from this address: the code page, with the code as typed (or as
    the link carried it) and the wait, which Retry-After states too (throttle.limited). Never
    the walk's own page: whether a code is right is what a guesser must not learn."""
    form = JoinCodeForm()
    if code is not None and not form.code.data:
        form.code.data = code
    flash(f"{_('Too many attempts.')} {wait_text}", "error")
    return render_template("walks/join_code.html", form=form)


_JOIN_METHODS = ("GET", "POST")


@bp.route("/join", methods=["GET", "POST"])
@throttle.limited(
    participant.join_limit, _join_refused, counts=participant.failed, methods=_JOIN_METHODS
)
def join() -> Response | tuple[str, int] | str:
    form = JoinCodeForm()
    if not form.validate_on_submit():
        return render_template(
            "walks/join_code.html", form=form
        ), 422 if form.is_submitted() else 200
    code = joincode.normalise(form.code.data or "")
    if code is None:
        form.code.errors = [_("A join code has 8 letters and digits, e.g. ABCD-2345.")]
        return render_template("walks/join_code.html", form=form), 404
    return redirect(url_for("walk_participant.join_code", code=code))


@bp.route("/join/<code>", methods=["GET", "POST"])
@throttle.limited(
    participant.join_limit, _join_refused, counts=participant.failed, methods=_JOIN_METHODS
)
def join_code(code: str) -> Response | tuple[str, int] | str:
    normalised = joincode.normalise(code)
    walk = (
        db.session.execute(
            db.select(SafetyWalk).filter_by(join_code=normalised)
        ).scalar_one_or_none()
        if normalised
        else None
    )
    if walk is None:
        message = _("No walk has this join code. Check the code and try again.")
        return render_template("walks/join_closed.html", message=message, form=JoinCodeForm()), 404
    state = participant.join_state(walk)
    if state != "open":
        return render_template(
            "walks/join_closed.html",
            message=CLOSED_MESSAGES[state](),
            form=JoinCodeForm(),
            protocol_walk=walk if walk.has_public_protocol else None,
        ), 410
    if participant.session_participant(walk) is not None:
        return redirect(url_for("walk_participant.walk_page", walk_id=walk.id))
    form = JoinForm()
    if not form.validate_on_submit():
        return render_template(
            "walks/join.html", walk=walk, form=form, code=joincode.display(walk.join_code)
        )
    participant.join(
        walk, group=form.group.data, gender=form.gender.data, age_band=form.age_band.data
    )
    return redirect(url_for("walk_participant.walk_page", walk_id=walk.id))


@bp.get("/<int:walk_id>")
def walk_page(walk_id: int) -> Response | str:
    current = participant.current_participant()
    if current is None:
        return _not_on_the_walk(walk_id)
    if current.walk_id != walk_id:
        abort(404)
    walk = current.walk
    page_data = _page_data(walk, current)
    if is_offline_copy():
        # The copy the service worker keeps for this participant (sw.js, warmWalk): the walk's
        # route, stops and forms and the participant's own spots, no one else's.
        page_data["spots"] = [spot for spot in page_data["spots"] if spot["mine"]]
    return render_template(
        "walks/participant.html",
        walk=walk,
        page_data=page_data,
        own_spots=_own_spots(page_data),
        factors=FACTORS,
        factor_labels=FACTOR,
        factor_hints=FACTOR_HINT,
        scale=SCALE,
        check_answers=CHECK_ANSWER,
        outbox_scope=f"walk-{current.id}",
    )


def _not_on_the_walk(walk_id: int) -> Response:
    """Where a visitor without a valid participant session on this walk is sent, and why:
    officers and staff to the walk's page (see _back_to_the_walk_page), everyone else to the
    code page, told whether to join again or for the first time."""
    ended = participant.ended_on(walk_id)
    back = _back_to_the_walk_page(walk_id)
    if back is not None:
        return back
    walk = db.session.get(SafetyWalk, walk_id)
    if walk is not None and walk.has_public_protocol:
        # After the walk the way back leads to what came of it (public anyway).
        flash(_("The walk is over. Here is its protocol."), "info")
        return redirect(url_for("walk_participant.public_protocol", walk_id=walk_id))
    if ended:
        flash(
            _("Your session on this walk has ended. Join again with the walk's code or link."),
            "info",
        )
    else:
        flash(
            _(
                "Join the walk with its code or link first. If you joined from the walk's page "
                "in the app, log in first."
            ),
            "info",
        )
    return redirect(url_for("walk_participant.join"))


def _back_to_the_walk_page(walk_id: int) -> Response | None:
    """Officers and staff may have joined with the walk page's button and never had a code: if
    they may read the walk, back to that page, whose button checks the join rules again (no
    joining on a GET). None for everyone else."""
    if not (current_user.is_authenticated and current_user.has_role(*participant.JOIN_ROLES)):
        return None
    walk = db.session.get(SafetyWalk, walk_id)
    if walk is None or not can_read(current_user, walk.visibility, walk.created_by_id):
        return None
    state = participant.join_state(walk)
    if state == "open":
        message = _("Your session on this walk has ended. Tap “Join the walk” to take part again.")
    else:
        message = WALK_PAGE_CLOSED_MESSAGES[state]()
    flash(message, "info")
    return redirect(url_for("walks.detail", walk_id=walk_id))


@bp.get("/<int:walk_id>/protocol")
def public_protocol(walk_id: int) -> str:
    """The published public protocol, for anyone without a login: the same facts and the same
    template as the coordinator's public version (walks/_protocol_body.html), nothing more.
    Unpublished or not shared: 404, like a walk that does not exist."""
    walk = db.session.get(SafetyWalk, walk_id)
    if walk is None or not walk.has_public_protocol:
        abort(404)
    return render_template(
        "walks/public_protocol.html", **protocol_context(walk, None, public=True)
    )


@bp.app_template_global()
def published_walk_protocols(limit: int = 20) -> list[SafetyWalk]:
    """The latest walks with a public protocol, for the public page "What has been done"."""
    return list(
        db.session.execute(
            db.select(SafetyWalk)
            .where(SafetyWalk.protocol_published_at.is_not(None))
            .where(SafetyWalk.visibility == "shared")
            .order_by(SafetyWalk.starts_at.desc())
            .limit(limit)
        ).scalars()
    )


@bp.post("/leave")
def leave() -> Response:
    participant.leave()
    flash(_("You have left the walk on this phone."), "info")
    return redirect(url_for("walk_participant.join"))


def _page_data(walk: SafetyWalk, current) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What the participant's page shows, embedded as JSON (read by walk-participant.js)."""
    config = current_app.config
    categories = db.session.execute(
        db.select(Category).filter_by(active=True).order_by(Category.sort_order)
    ).scalars()
    spots = db.session.execute(db.select(WalkSpot).filter_by(walk_id=walk.id)).scalars()
    # Stops this participant has rated keep their ✓ after a reload; rating again stays possible
    # (the latest rating counts, webapp.walks.stats.latest_ratings).
    rated = db.session.execute(
        db.select(WalkRating.stop_id).filter_by(participant_id=current.id).distinct()
    ).scalars()
    return {
        "walk_id": walk.id,
        "route": walk.route,
        "stops": [
            {"id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon, "position": s.position}
            for s in walk.stops
        ],
        "categories": [{"code": c.code, "label": c.label(), "color": c.color} for c in categories],
        "spots": [spot_json(s, current) for s in spots if s.status != "duplicate"],
        "rated_stops": sorted(rated),
        "measures": [_measure_json(m) for m in follow_up_measures(walk)],
        "map": {
            "tile_url": config["TILE_URL"],
            "attribution": tile_attribution(),
            "center": [walk.lat, walk.lon] if walk.lat is not None else list(config["MAP_CENTER"]),
            "accuracy_limit_m": config["GPS_ACCURACY_LIMIT_M"],
        },
        # Until when this walk can be joined again (epoch seconds; None once its protocol is
        # published): whether a phone whose session ended can still send what waits on it.
        "joinable_until": int(walk.join_closes_at(participant.hours_after()).timestamp())
        if walk.takes_records
        else None,
        # The phone builds /spots, /stops/<id>/ratings, /measures/<id>/checks under `api`.
        "urls": {
            "session": url_for("api.walk_session"),
            "api": url_for("api.walk_detail", walk_id=walk.id),
        },
    }


def _own_spots(page_data: dict[str, Any]) -> list[dict[str, Any]]:
    """This participant's spots with their category's name, listed once the walk is published
    and its forms are gone."""
    names = {c["code"]: c["label"] for c in page_data["categories"]}
    return [
        {**spot, "label": names.get(spot["category"], spot["category"])}
        for spot in page_data["spots"]
        if spot["mine"]
    ]


def follow_up_measures(walk: SafetyWalk) -> list[Measure]:
    """On a follow-up walk: the earlier walk's measures that may be shown to residents."""
    if walk.follow_up_of_id is None:
        return []
    return list(
        db.session.execute(
            db.select(Measure)
            .filter_by(walk_id=walk.follow_up_of_id, visibility="shared")
            .order_by(Measure.id)
        ).scalars()
    )


def _measure_json(measure: Measure) -> dict[str, Any]:
    """A measure as residents may see it: no internal note, no author, no history comments."""
    from webapp.core.labels import MEASURE_OWNER, MEASURE_STATUS, label

    return {
        "id": measure.id,
        "title": measure.title,
        "description": measure.description,
        "owner": label(MEASURE_OWNER, measure.owner),
        "status": label(MEASURE_STATUS, measure.status),
        "deadline": measure.deadline.isoformat() if measure.deadline else None,
        "lat": measure.lat,
        "lon": measure.lon,
    }
