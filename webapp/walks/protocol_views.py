"""After the walk: go through the marked spots, merge near-duplicates, decide measures, and
print or download the protocol (internal or public)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.session import roles_required
from webapp.core.audit.service import record as audit
from webapp.core.blobs import blob_response, store
from webapp.core.fieldinput import canonical_uuid
from webapp.core.forms import require_valid
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures import history
from webapp.measures.events import emit_measure
from webapp.measures.forms import WalkMeasureForm
from webapp.measures.linked import measures_of, refuse_unconfirmed_move
from webapp.measures.models import Measure
from webapp.walks import service
from webapp.walks.blueprint import READ_ROLES, bp
from webapp.walks.forms import ActionForm
from webapp.walks.loaders import coordinator_walk, get_spot_or_404, get_walk_or_404
from webapp.walks.models import SafetyWalk, WalkSpot, WalkSpotPhoto
from webapp.walks.pages import confirm_page, protocol_context, public_url
from webapp.walks.pdf import render_pdf
from webapp.walks.protocol import build_protocol
from webapp.walks.stats import duplicate_suggestions, open_spots, walk_spots


@bp.get("/<int:walk_id>/review")
@coordinator_walk
def review(walk: SafetyWalk) -> str:
    spots = walk_spots(walk)
    suggestions = duplicate_suggestions(
        open_spots(walk), float(current_app.config["WALK_DUPLICATE_DISTANCE_M"])
    )
    measures = list(
        db.session.execute(
            db.select(Measure).filter_by(walk_id=walk.id).order_by(Measure.id)
        ).scalars()
    )
    return render_template(
        "walks/review.html",
        walk=walk,
        spots=spots,
        suggestions=suggestions,
        distance_m=current_app.config["WALK_DUPLICATE_DISTANCE_M"],
        measures=measures,
        # A spot's status names its measure, always one of this walk's (new_measure, merge).
        measure_titles={m.id: m.title for m in measures},
        action_form=ActionForm(),
        today=local_today(),
    )


@bp.post("/<int:walk_id>/spots/<spot_id>/merge")
@coordinator_walk
def merge_spot(walk: SafetyWalk, spot_id: str) -> Response:
    """Mark `spot_id` as the same problem as the spot `into` (both of this walk)."""
    spot = get_spot_or_404(walk, spot_id)
    into = get_spot_or_404(walk, request.form.get("into", ""))
    if not ActionForm().validate_on_submit() or into.id == spot.id or into.status == "duplicate":
        abort(400)
    spot.status = "duplicate"
    spot.duplicate_of_id = into.id
    if into.measure_id is None and spot.measure_id is not None:
        into.measure_id, into.status = spot.measure_id, "measure"
    spot.measure_id = into.measure_id
    audit("walk_spot.merge", spot, into=into.id)
    db.session.commit()
    flash(_("Merged."), "success")
    return redirect(url_for("walks.review", walk_id=walk.id))


@bp.post("/<int:walk_id>/spots/<spot_id>/status")
@coordinator_walk
def spot_status(walk: SafetyWalk, spot_id: str) -> Response:
    """ "No measure" (not a problem to act on) or back to "to decide" (undoes a merge too)."""
    spot = get_spot_or_404(walk, spot_id)
    status = request.form.get("status")
    if not ActionForm().validate_on_submit() or status not in ("new", "dismissed"):
        abort(400)
    audit("walk_spot.review", spot, from_status=spot.status, to_status=status)
    spot.status, spot.duplicate_of_id, spot.measure_id = status, None, None
    db.session.commit()
    return redirect(url_for("walks.review", walk_id=walk.id))


@bp.route("/<int:walk_id>/measures/new", methods=["GET", "POST"])
@coordinator_walk
def new_measure(walk: SafetyWalk) -> Response | tuple[str, int] | str:
    form = WalkMeasureForm()
    if request.method == "GET":
        form.observation_ids.data = ",".join(request.args.getlist("spot"))
        form.visibility.data = walk.visibility
    spots = _walk_spots(walk, (form.observation_ids.data or "").split(","))
    if request.method == "GET" and request.args.get("chosen") and not spots:
        # "One measure for the chosen spots" with none ticked: back to the list, not a measure
        # about nothing.
        flash(_("Tick at least one spot in the list first."), "error")
        return redirect(url_for("walks.review", walk_id=walk.id))
    if request.method == "GET" and spots and not form.title.data:
        form.title.data = spots[0].category.label()
        form.description.data = "\n".join(s.note for s in spots if s.note)[:4000]
    valid = form.validate_on_submit()
    if valid and refuse_unconfirmed_move(form, spots):
        valid = False
    if not valid:
        status = 422 if request.method == "POST" else 200
        page = render_template(
            "walks/measure_new.html",
            walk=walk,
            form=form,
            spots=spots,
            linked=measures_of(spots),
        )
        return page, status
    measure = Measure(created_by_id=current_user.id, walk_id=walk.id)
    for name in ("title", "description", "internal_note", "owner", "owner_detail", "deadline",
                 "recheck_on", "priority", "visibility"):  # fmt: skip
        setattr(measure, name, getattr(form, name).data)
    if spots:
        measure.lat, measure.lon = spots[0].lat, spots[0].lon
    measure.change_status(
        form.initial_status.data,
        by=current_user.id,
        comment=history.WALK_PROTOCOL,
    )
    db.session.add(measure)
    db.session.flush()
    audit("measure.create", measure, walk_id=walk.id, spots=[s.id for s in spots])
    emit_measure("measure.created", measure)
    for spot in spots:
        spot.status, spot.measure_id = "measure", measure.id
        for duplicate in db.session.execute(
            db.select(WalkSpot).filter_by(duplicate_of_id=spot.id)
        ).scalars():
            duplicate.measure_id = measure.id
    db.session.commit()
    flash(_("Measure created."), "success")
    return redirect(url_for("walks.review", walk_id=walk.id))


def _walk_spots(walk, ids: list[str]) -> list[WalkSpot]:  # type: ignore[no-untyped-def]
    ids = [key for i in ids[:200] if (key := canonical_uuid(i))]
    if not ids:
        return []
    rows = db.session.execute(
        db.select(WalkSpot).where(WalkSpot.id.in_(ids)).filter_by(walk_id=walk.id)
    )
    return list(rows.scalars())


# ---- the protocol -----------------------------------------------------------------------------


def _version() -> bool:
    """True for the public version; anything but ?version=public is the internal one."""
    return request.args.get("version") == "public"


@bp.get("/<int:walk_id>/protocol")
@roles_required(*READ_ROLES)
def protocol(walk_id: int) -> str:
    walk = get_walk_or_404(walk_id)
    public = _version()
    return render_template(
        "walks/protocol.html",
        **protocol_context(walk, current_user, public=public),
        action_form=ActionForm(),
        public_address=public_protocol_url(walk) if walk.has_public_protocol else None,
    )


def public_protocol_url(walk: SafetyWalk) -> str:
    return public_url("walk_participant.public_protocol", walk_id=walk.id)


@bp.route("/<int:walk_id>/protocol/publish", methods=["GET", "POST"])
@coordinator_walk
def publish_protocol(walk: SafetyWalk) -> Response | str:
    """Publish the public protocol (once), after a page that says what publishing means (GET;
    works without script). Residents read it at public_protocol_url; other systems hear of it
    through webhooks."""
    back = redirect(url_for("walks.protocol", walk_id=walk.id, version="public"))
    if walk.visibility != "shared":
        flash(_("Only a walk visible to everyone (shared) can have a public protocol."), "error")
        return back
    if request.method == "GET":
        if walk.protocol_published_at is not None:
            flash(_("The public protocol was already published."), "info")
            return back
        return confirm_page(walk, "publish")
    require_valid(ActionForm())
    if service.publish_protocol(walk, current_user):
        flash(
            _(
                "The public protocol is published. Anyone can read it at %(url)s; it is linked "
                "from the public page “What has been done” and from the participants' walk page. "
                "The walk takes no more entries from participants.",
                url=public_protocol_url(walk),
            ),
            "success",
        )
    else:
        flash(_("The public protocol was already published."), "info")
    return back


@bp.get("/<int:walk_id>/protocol.pdf")
@roles_required(*READ_ROLES)
def protocol_pdf(walk_id: int) -> Response:
    walk = get_walk_or_404(walk_id)
    public = _version()
    data = render_pdf(build_protocol(walk, current_user, public=public))
    audit("export.download", walk, kind="walk_protocol", version="public" if public else "internal")
    db.session.commit()
    suffix = "offentligt" if public else "internt"
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="protokoll-{walk.id}-{suffix}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:walk_id>/photos/<photo_id>.jpg")
@roles_required(*READ_ROLES)
def photo(walk_id: int, photo_id: str) -> Response:
    walk = get_walk_or_404(walk_id)
    key = canonical_uuid(photo_id)
    row = db.session.get(WalkSpotPhoto, key) if key else None
    if row is None or row.spot.walk_id != walk.id:
        abort(404)
    response = blob_response(store(), row.storage_name, row.sha256)
    if response is None:
        abort(404)
    return response
