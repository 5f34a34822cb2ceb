"""Measures: list (overdue first), create from observations, status changes with history."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.session import roles_required
from webapp.core.access import Role, can_read
from webapp.core.audit.service import record as audit
from webapp.core.labels import MEASURE_OWNER
from webapp.core.localtime import local_today
from webapp.core.redirects import safe_next
from webapp.extensions import db
from webapp.measures import history
from webapp.measures.events import emit_measure
from webapp.measures.forms import MeasureForm, StatusForm, visibility_of
from webapp.measures.linked import measures_of, refuse_unconfirmed_move
from webapp.measures.loaders import get_measure_or_404, readable_measures
from webapp.measures.models import OPEN_STATUSES, Measure
from webapp.measures.owners import owners_of_role, status_choices, who_changes_status
from webapp.measures.sources import sources_of
from webapp.observations import review as review
from webapp.observations.models import Observation

bp = Blueprint("measures", __name__, url_prefix="/measures")
bp.add_app_template_filter(history.worded, "history_comment")
VIEW_ROLES = (Role.OFFICER, Role.STAFF, Role.COORDINATOR)
EDITABLE = ("title", "description", "internal_note", "owner", "owner_detail", "deadline",
            "recheck_on", "priority", "visibility")  # fmt: skip


@bp.get("/")
@roles_required(*VIEW_ROLES)
def index() -> str:
    owner = request.args.get("owner", "")
    owners = _owner_filter(owner)
    measures = readable_measures(
        owners,
        Measure.deadline.is_(None),
        Measure.deadline,
        Measure.created_at.desc(),
    )
    today = local_today()
    open_ = [m for m in measures if m.status in OPEN_STATUSES]
    closed = [m for m in measures if m.status not in OPEN_STATUSES]
    # "Is it still a problem?": measures whose recheck day has come, open or closed.
    rechecks = sorted((m for m in measures if m.recheck_due(today)), key=lambda m: m.recheck_on)
    return render_template(
        "measures/index.html",
        open_measures=open_,
        closed_measures=closed,
        rechecks=rechecks,
        today=today,
        owner=owner if owners is not None else "",
        owns_measures=bool(owners_of_role(current_user.role)),
    )


def _owner_filter(owner: str) -> tuple[str, ...] | None:
    """The owner codes the list shows: "mine" is the user's organisation (police or the
    municipality's departments), a code is that owner; anything else (or nothing) is all."""
    if owner == "mine":
        return owners_of_role(current_user.role) or None
    return (owner,) if owner in MEASURE_OWNER else None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new() -> Response | str | tuple[str, int]:
    form = MeasureForm()
    if request.method == "GET":
        form.observation_ids.data = ",".join(request.args.getlist("observation"))
    observations = review.readable_observations(
        (form.observation_ids.data or "").split(","), current_user
    )
    # The measure starts as restricted as its records (webapp.measures.forms.visibility_of).
    visibility = visibility_of(observations)
    if visibility is None:
        form.ask_visibility()
    if request.method == "GET":
        form.visibility.data = visibility or ""
    valid = form.validate_on_submit()
    if valid and refuse_unconfirmed_move(form, observations):
        valid = False
    if not valid:
        status = 422 if request.method == "POST" else 200
        return render_template(
            "measures/new.html",
            form=form,
            observations=observations,
            linked=measures_of(observations),
            visibility_from=visibility,
            back=_queue_return(),
        ), status
    measure = Measure(created_by_id=current_user.id)
    for name in EDITABLE:
        setattr(measure, name, getattr(form, name).data)
    if observations:
        measure.lat, measure.lon = observations[0].lat, observations[0].lon
    measure.change_status("proposed", by=current_user.id, comment=history.CREATED)
    db.session.add(measure)
    db.session.flush()
    audit("measure.create", measure)
    emit_measure("measure.created", measure)
    if observations:
        review.link_to_measure(observations, measure, current_user)
    db.session.commit()
    flash(_("Measure created."), "success")
    return redirect(_detail_url(measure))


@bp.get("/<int:measure_id>")
@roles_required(*VIEW_ROLES)
def detail(measure_id: int) -> str:
    measure = get_measure_or_404(measure_id)
    allowed = status_choices(current_user, measure)
    return _detail_page(measure, StatusForm(status=measure.status, allowed=allowed))


def _detail_page(measure: Measure, form: StatusForm) -> str:
    may_change = bool(status_choices(current_user, measure))
    return render_template(
        "measures/detail.html",
        measure=measure,
        back=_queue_return(),
        sources=sources_of(measure, current_user),
        form=form,
        today=local_today(),
        may_change_status=may_change,
        as_owner=may_change and not current_user.has_role(Role.COORDINATOR),
        who_changes_status=None if may_change else who_changes_status(measure),
    )


@bp.route("/<int:measure_id>/status", methods=["GET", "POST"])
@roles_required(*VIEW_ROLES)
def change_status(measure_id: int) -> Response | tuple[str, int]:
    """The coordinator sets any status; the owner's organisation reports progress
    (webapp.measures.owners). Both land in the same history and audit trail."""
    if request.method == "GET":  # a reload of the refused form's page: the measure itself
        measure = get_measure_or_404(measure_id)
        return redirect(_detail_url(measure))
    measure = get_measure_or_404(measure_id, report=True)
    form = StatusForm(allowed=status_choices(current_user, measure))
    if not form.validate_on_submit():
        return _detail_page(measure, form), 422
    old = measure.status
    measure.change_status(form.status.data, by=current_user.id, comment=form.comment.data or "")
    # as_owner: allowed by the owner rule, not as the coordinator (webapp.measures.owners).
    as_owner = not current_user.has_role(Role.COORDINATOR)
    audit(
        "measure.status_change",
        measure,
        from_status=old,
        to_status=measure.status,
        as_owner=as_owner,
    )
    moved: list[Observation] = []
    if old != measure.status:
        emit_measure("measure.status_changed", measure)
        moved = review.follow_measure(measure, old, current_user)
    db.session.commit()
    flash(_("Status changed."), "success")
    _flash_moved(moved, measure)
    # To the top, where the message and the new status are: the form's own anchor (kept for a
    # refused change) would otherwise carry over and land a phone on the form below them.
    return redirect(_detail_url(measure) + "#main")


def _flash_moved(moved: list[Observation], measure: Measure) -> None:
    """Say what became of the observations the measure was made from: only those the reader
    may read are counted (a count of police records is police information)."""
    count = sum(1 for o in moved if can_read(current_user, o.visibility, o.author_id))
    if not count:
        return
    if review.linked_status(measure) == "closed":
        text = ngettext(
            "%(num)s observation behind the measure is now closed.",
            "%(num)s observations behind the measure are now closed.",
            count,
        )
    else:
        text = ngettext(
            "%(num)s observation behind the measure is linked to it again, no longer closed.",
            "%(num)s observations behind the measure are linked to it again, no longer closed.",
            count,
        )
    flash(text, "info")


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit(measure_id: int) -> Response | tuple[str, int] | str:
    """Change owner, deadline, priority...: each change is kept in the history with who and when."""
    measure = get_measure_or_404(measure_id)
    form = MeasureForm(obj=measure, saved=measure)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(
            "measures/edit.html", measure=measure, form=form, back=_queue_return()
        ), status
    changed = []
    for name in EDITABLE:
        new_value = getattr(form, name).data
        if getattr(measure, name) != new_value:
            changed.append(name)
            setattr(measure, name, new_value)
    if changed:
        measure.note_change(by=current_user.id, comment=history.changed(changed))
        audit("measure.update", measure, changed=changed)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(_detail_url(measure))


def _queue_return() -> str | None:
    """The review queue page (tab and page) a measure made from the review leads back to.

    The address rides along in `back` from the queue through the new measure's form to its
    page and that page's own forms, so a coordinator working through the queue never loses
    their place. Only the coordinator's (the queue is theirs), only a path on this site
    (webapp.core.redirects) and only the queue itself: the link says "back to the review
    queue", whatever a crafted address says.
    """
    target = safe_next(request.args.get("back"))
    if target is None or not current_user.has_role(Role.COORDINATOR):
        return None
    return target if urlsplit(target).path == url_for("review.queue") else None


def _detail_url(measure: Measure) -> str:
    """A measure's page, still leading back to the queue if the form was posted on the way."""
    back = _queue_return()
    return url_for("measures.detail", measure_id=measure.id, **({"back": back} if back else {}))
