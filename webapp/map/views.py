"""Map of Sunne centrum, review queue and the review page of one observation."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from webapp.activities.models import ActivityType
from webapp.auth.session import roles_required
from webapp.core.access import Role, require_field_user, visibility_filter
from webapp.core.audit.service import record as audit
from webapp.core.audit.service import record_police_reads
from webapp.core.fieldinput import canonical_uuid
from webapp.core.i18n import tile_attribution
from webapp.core.inputs import MAX_PAGE, page_number, record_id
from webapp.core.redirects import safe_next
from webapp.extensions import db
from webapp.map.skeleton import build_map_parts
from webapp.measures.loaders import get_measure_or_404
from webapp.measures.models import Measure
from webapp.observations import review as service
from webapp.observations.duplicates import duplicate_suggestions
from webapp.observations.models import STATUSES, Category, Observation
from webapp.promises.models import Promise

bp = Blueprint("review", __name__, url_prefix="/review")
bp.context_processor(lambda: {"format_timedelta": format_timedelta})  # "2 dagar" apart
QUEUE_PAGE_SIZE = 50


@bp.get("/map")
@login_required
def map_page() -> str:
    require_field_user()
    config = current_app.config
    parts = build_map_parts(
        center=tuple(config["MAP_CENTER"]),
        zoom=15,
        tile_url=config["TILE_URL"],
        attribution=tile_attribution(),
        nonce=request.csp_nonce,  # set per request by Flask-Talisman
    )
    categories = _categories()
    return render_template(
        "map/map.html",
        map=parts,
        categories=categories,
        # For the cluster discs' colours and titles (static/js/cluster-layer.js).
        category_list=[{"code": c.code, "color": c.color, "label": c.label()} for c in categories],
        statuses=STATUSES,
        activity_types=db.session.execute(db.select(ActivityType).order_by(ActivityType.name))
        .scalars()
        .all(),
        promises=db.session.execute(db.select(Promise).order_by(Promise.starts_on.desc()))
        .scalars()
        .all(),
    )


def _categories() -> list[Category]:
    return list(db.session.execute(db.select(Category).order_by(Category.sort_order)).scalars())


@bp.get("/")
@roles_required(Role.COORDINATOR)
def queue() -> str:
    status = request.args.get("status", "new")
    status = status if status in STATUSES else "new"
    page = page_number()
    query = (
        db.select(Observation)
        .where(Observation.status == status)
        .where(visibility_filter(current_user, Observation.visibility, Observation.author_id))
        .order_by(Observation.observed_at.desc())
        .limit(QUEUE_PAGE_SIZE + 1)
        .offset((page - 1) * QUEUE_PAGE_SIZE)
    )
    rows = list(db.session.execute(query).scalars())
    counts, police_counted = _status_counts()
    listed = rows[:QUEUE_PAGE_SIZE]
    # One entry for the page: the police records listed, and those its tab counts are made of.
    police_listed = sum(1 for o in listed if o.visibility == "police")
    if police_listed or police_counted:
        audit(
            "observation.list",
            target_type="observations",
            police_records=police_listed,
            police_records_counted=police_counted,
        )
        db.session.commit()
    measures = _open_measures()
    return render_template(
        "map/queue.html",
        observations=listed,
        has_more=len(rows) > QUEUE_PAGE_SIZE,
        page=page,
        status=status,
        statuses=STATUSES,
        counts=counts,
        measures=measures,
        # Each record's link carries this tab and page, so its page can lead back here.
        place={"status": status, **({"page": page} if page > 1 else {})},
    )


def _status_counts() -> tuple[dict[str, int], int]:
    """How many records the reader may see in each review status (for the tabs: the size of
    the pile to triage), and how many of them are police records (for the audit entry)."""
    rows = db.session.execute(
        db.select(Observation.status, Observation.visibility, db.func.count())
        .where(visibility_filter(current_user, Observation.visibility, Observation.author_id))
        .group_by(Observation.status, Observation.visibility)
    ).all()
    counts: dict[str, int] = {}
    police = 0
    for status, visibility, n in rows:
        counts[status] = counts.get(status, 0) + n
        police += n if visibility == "police" else 0
    return counts, police


def _queue_place(
    args: MultiDict[str, str], default_status: str | None = None
) -> dict[str, str | int]:
    """The queue tab and page a review page was opened from, as `url_for` arguments.

    Only a known status and a page number in range pass; anything else is dropped rather than
    refused (the record's page must open however its link was mangled), so the back link can
    only ever lead to a page of the queue. Without a status, `default_status` (if any) stands in.
    """
    status = args.get("status")
    status = status if status in STATUSES else default_status
    place: dict[str, str | int] = {"status": status} if status else {}
    raw = args.get("page", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 < int(raw) <= MAX_PAGE:
        place["page"] = int(raw)
    return place


def _open_measures() -> list[Measure]:
    measures = list(
        db.session.execute(
            db.select(Measure)
            .where(visibility_filter(current_user, Measure.visibility, Measure.created_by_id))
            .where(Measure.status.in_(("proposed", "decided", "in_progress")))
            .order_by(Measure.created_at.desc())
            .limit(200)
        ).scalars()
    )
    record_police_reads("measure.list", "measures", (m.visibility for m in measures))
    return measures


@bp.post("/bulk")
@roles_required(Role.COORDINATOR)
def bulk() -> Response:
    """Apply one action to the ticked records: a status, or a link to a measure."""
    observations = service.readable_observations(request.form.getlist("ids"), current_user)
    back = safe_next(request.form.get("next")) or url_for(
        "review.queue", status=request.form.get("from_status", "new")
    )
    if not observations:
        flash(_("Tick at least one record."), "error")
        return redirect(back)
    action = request.form.get("action", "")
    if action == "new_measure":
        return redirect(_new_measure_url(observations))
    if action.startswith("status:"):
        try:
            count = service.set_status(observations, action.removeprefix("status:"), current_user)
        except service.ReviewError:
            abort(400)
    elif action == "link":
        measure_id = record_id(request.form.get("measure_id"))
        if not measure_id:
            flash(_("Choose a measure to link to."), "error")
            return redirect(back)
        count = service.link_to_measure(observations, get_measure_or_404(measure_id), current_user)
    else:
        abort(400)
    flash(ngettext("%(num)s record updated.", "%(num)s records updated.", count), "success")
    return redirect(back)


def _new_measure_url(observations: list[Observation]) -> str:
    """The measure form for the ticked records, carrying the queue page they were ticked on
    (or the record's page was opened from): the measure's page leads back there."""
    back = safe_next(request.form.get("queue"))
    return url_for(
        "measures.new",
        observation=[o.id for o in observations],
        **({"back": back} if back else {}),
    )


@bp.get("/observations/<observation_id>")
@login_required
def detail(observation_id: str) -> str:
    require_field_user()
    from webapp.observations.loaders import get_observation_or_404

    return _detail_page(get_observation_or_404(observation_id))


def _detail_page(observation: Observation, link_error: str | None = None) -> str:
    """A record's review page; `link_error`: why "Link to measure" was refused (at its field)."""
    from webapp.observations.correct import may_correct
    from webapp.observations.service import visible_links

    coordinator = current_user.has_role(Role.COORDINATOR)
    suggestions = (
        duplicate_suggestions(observation, current_user)
        if coordinator and observation.status != "duplicate"
        else []
    )
    config = current_app.config
    links = visible_links(observation, current_user)
    return render_template(
        "map/detail.html",
        observation=observation,
        links=links,
        measure=_linked_measure(links["measure_id"]),
        statuses=STATUSES,
        measures=_open_measures() if coordinator else [],
        link_error=link_error,
        suggestions=suggestions,
        duplicate_radius_m=config["DUPLICATE_RADIUS_M"],
        duplicate_window_days=config["DUPLICATE_WINDOW_DAYS"],
        # The queue is the coordinator's: only they get the way back to it.
        place=_queue_place(request.args, observation.status) if coordinator else None,
        tile_url=config["TILE_URL"],
        tile_attribution=tile_attribution(),
        correct_url=(
            url_for("review.correct", observation_id=observation.id, **_opened_from())
            if may_correct(current_user, observation)
            else None
        ),
    )


def _linked_measure(measure_id: int | None) -> Measure | None:
    """The measure the record led to, when its reader may read it (visible_links checked): its
    title and status say what came of the record. Showing a police measure is reading it."""
    measure = db.session.get(Measure, measure_id) if measure_id is not None else None
    if measure is not None and measure.visibility == "police":
        audit("measure.read", measure)
        db.session.commit()
    return measure


@bp.route("/observations/<observation_id>/link", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def link(observation_id: str) -> Response | tuple[str, int]:
    """Link one record to an open measure. The select starts on "Choose a measure…": a tap on
    the button without a choice is refused at the field, and nothing is linked."""
    from webapp.observations.loaders import get_observation_or_404

    if request.method == "GET":  # the refused form's address, opened again: the record's page
        return redirect(_detail_url(get_observation_or_404(observation_id, write=True)))
    measure_id = record_id(request.form.get("measure_id"))
    if not measure_id:  # the page again, as read (audited as its GET is)
        page = _detail_page(get_observation_or_404(observation_id), _("Choose a measure first."))
        return page, 422
    # The link is audited itself (review.link_to_measure): not also as a read.
    observation = get_observation_or_404(observation_id, write=True)
    service.link_to_measure([observation], get_measure_or_404(measure_id), current_user)
    flash(_("The record is linked to the measure."), "success")
    # To the top, where the message and the record's new status are (not the form's anchor).
    return redirect(_detail_url(observation) + "#main")


@bp.route("/observations/<observation_id>/correct", methods=["GET", "POST"])
@login_required
def correct(observation_id: str) -> Response | str | tuple[str, int]:
    """The author (until the record is reviewed) or the coordinator corrects the note, the
    category or the photos: a name or a face that should not be there can be taken out."""
    require_field_user()
    from webapp.observations import correct as correction
    from webapp.observations.loaders import get_observation_or_404

    observation = get_observation_or_404(observation_id, write=True)
    allowed = correction.may_correct(current_user, observation)
    values: dict[str, object] = {"category": observation.category_code,
                                 "note": observation.note or "", "remove_photos": []}  # fmt: skip
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not allowed:
            abort(403)
        values, errors = correction.clean_correction(observation, request.form)
        if not errors:
            changed = correction.apply_correction(observation, values, current_user)
            flash(_("The observation is corrected.") if changed else _("Nothing was changed."),
                  "success")  # fmt: skip
            return redirect(_detail_url(observation))
    if observation.visibility == "police":
        # The form shows the record (the write loader does not audit reads): as its page does.
        audit("observation.read", observation)
        db.session.commit()
    page = render_template(
        "map/correct.html",
        observation=observation,
        allowed=allowed,
        values=values,
        errors=errors,
        # Active ones, and the one it has even if retired since (keeping it is no new choice).
        category_options={
            c.code: c.label()
            for c in _categories()
            if c.active or c.code == observation.category_code
        },
        back=_detail_url(observation),
    )
    return (page, 422) if errors else page


@bp.post("/observations/<observation_id>/duplicate")
@roles_required(Role.COORDINATOR)
def duplicate(observation_id: str) -> Response:
    from webapp.observations.loaders import get_observation_or_404

    observation = get_observation_or_404(observation_id)
    originals = service.readable_observations(
        [_record_id_in(request.form.get("original_id") or "")], current_user
    )
    if not originals or originals[0].id == observation.id:
        flash(_("Give the address or id of another record you can see."), "error")
    else:
        service.mark_duplicate(observation, originals[0], current_user)
        flash(_("Marked as a duplicate."), "success")
    return redirect(_detail_url(observation))


def _record_id_in(text: str) -> str:
    """The record id in what was pasted: the id itself, or the other record's address (which
    is what a coordinator can copy: no page shows an id on its own)."""
    for part in reversed(re.split(r"[/?#&=\s]+", text)):
        if (found := canonical_uuid(part)) is not None:
            return found
    return text.strip()


@bp.post("/observations/<observation_id>/merge")
@roles_required(Role.COORDINATOR)
def merge(observation_id: str) -> Response:
    """Merge two records of one thing: the earlier stays, the later becomes its duplicate."""
    from webapp.observations.loaders import get_observation_or_404

    observation = get_observation_or_404(observation_id)
    others = service.readable_observations([request.form.get("other_id", "")], current_user)
    if not others or others[0].id == observation.id:
        flash(_("Give the id of another record you can see."), "error")
        return redirect(_detail_url(observation))
    try:
        original = service.merge(observation, others[0], current_user)
    except service.ReviewError:
        flash(_("These records are already merged the other way round."), "error")
        return redirect(_detail_url(observation))
    flash(_("Merged: the later record is marked as a duplicate of the earlier one."), "success")
    return redirect(_detail_url(original))


def _opened_from() -> dict[str, str | int]:
    """Where a record's page was opened from: a queue place, or My records."""
    place = _queue_place(request.args)
    if request.args.get("from") == "mine":
        place = {**place, "from": "mine"}
    return place


def _detail_url(observation: Observation) -> str:
    """A record's review page, keeping where it was opened from (the form was posted there)."""
    return url_for("review.detail", observation_id=observation.id, **_opened_from())
