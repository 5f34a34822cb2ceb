"""The coordinator's moderation of public reports: a queue per state and one page per report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.session import roles_required
from webapp.citizen import labels as citizen_labels
from webapp.citizen.models import REPORT_STATUSES, PublicReport
from webapp.citizen.moderation import service as moderation
from webapp.core.access import Role
from webapp.core.i18n import tile_attribution
from webapp.core.inputs import record_id
from webapp.measures.loaders import get_measure_or_404
from webapp.observations.loaders import get_observation_or_404

bp = Blueprint("moderation", __name__, url_prefix="/citizen/reports")
bp.context_processor(lambda: {"citizen_labels": citizen_labels})


@bp.get("/")
@roles_required(Role.COORDINATOR)
def queue() -> str:
    status = request.args.get("status", "pending")
    status = status if status in REPORT_STATUSES else "pending"
    return render_template(
        "citizen/moderation/queue.html",
        reports=moderation.reports_with_status(status),
        status=status,
        statuses=REPORT_STATUSES,
        counts=moderation.status_counts(),
    )


@bp.get("/<report_id>")
@roles_required(Role.COORDINATOR)
def detail(report_id: str) -> str:
    return _detail_page(moderation.get_report_or_404(report_id, reading=True))


def _detail_page(report: PublicReport, hide_form: dict[str, Any] | None = None) -> str:
    """The report's page; `hide_form`: a refused hide, its reason, note and messages kept."""
    nearby = moderation.nearby_observations(report, current_user)
    measures = moderation.linkable_measures(report, current_user)
    return render_template(
        "citizen/moderation/detail.html",
        report=report,
        hide_form=hide_form or {"reason": "", "note": "", "errors": {}},
        note_max_length=moderation.HIDE_NOTE_MAX_LENGTH,
        nearby=nearby,
        # Nearest first: the distance says why an older record comes before a newer one.
        metres={o.id: round(moderation.distance_to(report, o.lat, o.lon)) for o in nearby},
        measures=measures,
        measure_metres={
            m.id: round(moderation.distance_to(report, m.lat, m.lon))
            for m in measures
            if m.lat is not None and m.lon is not None
        },
        map_data=_map_data(report, nearby, measures),
    )


@bp.post("/<report_id>/publish")
@roles_required(Role.COORDINATOR)
def publish(report_id: str) -> Response:
    report = moderation.get_report_or_404(report_id)
    try:
        moderation.publish(report, request.form.get("public_text", ""), current_user)
    except moderation.ModerationError as problem:
        flash(str(problem), "error")
        return _back(report.id)
    return _done(_("The report is published."))


@bp.post("/<report_id>/hide")
@roles_required(Role.COORDINATOR)
def hide(report_id: str) -> Response | tuple[str, int]:
    report = moderation.get_report_or_404(report_id)
    reason, note = request.form.get("reason", ""), request.form.get("note", "")
    try:
        moderation.hide(report, reason, current_user, note)
    except moderation.HideRefused as refused:
        # The page again, as read (its contact details audited as the GET does), with the
        # choice and the words kept and each message at its field.
        report = moderation.get_report_or_404(report_id, reading=True)
        form = {"reason": reason, "note": note, "errors": refused.fields}
        return _detail_page(report, form), 422
    return _done(_("The report is hidden."))


@bp.post("/<report_id>/merge")
@roles_required(Role.COORDINATOR)
def merge(report_id: str) -> Response:
    """Link the report to an existing observation or measure (whichever button was pressed)."""
    report = moderation.get_report_or_404(report_id)
    target = request.form.get("target")
    if target == "observation" and request.form.get("observation_id"):
        observation = get_observation_or_404(request.form["observation_id"])
        moderation.merge_with_observation(report, observation, current_user)
    elif target == "measure" and record_id(request.form.get("measure_id")):
        measure = get_measure_or_404(record_id(request.form.get("measure_id")) or 0)
        moderation.merge_with_measure(report, measure, current_user)
    else:
        flash(_("Choose what to merge the report with."), "error")
        return _back(report.id)
    return _done(_("The report is merged."))


@bp.post("/<report_id>/convert")
@roles_required(Role.COORDINATOR)
def convert(report_id: str) -> Response:
    report = moderation.get_report_or_404(report_id)
    try:
        observation = moderation.convert_to_review_item(report, current_user)
    except moderation.ModerationError as problem:
        flash(str(problem), "error")
        return _back(report.id)
    flash(_("The report is now in the review queue."), "success")
    return redirect(url_for("review.detail", observation_id=observation.id))


@bp.post("/<report_id>/erase-contact")
@roles_required(Role.COORDINATOR)
def erase_contact(report_id: str) -> Response:
    report = moderation.get_report_or_404(report_id)
    moderation.erase_contact(report, current_user)
    flash(_("The contact details are deleted."), "success")
    return _back(report.id)


def _map_data(report, nearby, measures) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The report and what lies near it, for citizen-moderation.js (data, never HTML)."""
    config = current_app.config
    return {
        "report": {"lat": report.lat, "lon": report.lon, "label": report.category.label()},
        "observations": [
            {
                "lat": o.lat,
                "lon": o.lon,
                "color": o.category.color,
                "lines": [o.category.label(), o.note],
            }
            for o in nearby
        ],
        "measures": [
            {"lat": m.lat, "lon": m.lon, "lines": [m.title]} for m in measures if m.lat is not None
        ][:20],
        "map": {
            "tile_url": config["TILE_URL"],
            "attribution": tile_attribution(),
            "center": [report.lat, report.lon],
        },
    }


def _back(report_id: str) -> Response:
    return redirect(url_for("moderation.detail", report_id=report_id))


def _done(message: str) -> Response:
    """The decision is made: say so, and go on with the reports still waiting."""
    flash(message, "success")
    return _next_pending()


def _next_pending() -> Response:
    return redirect(url_for("moderation.queue", status="pending"))
