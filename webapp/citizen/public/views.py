"""Pages for residents, without an account: report a place, and see what became of reports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webapp.auth import throttle
from webapp.citizen import guard
from webapp.citizen import labels as citizen_labels
from webapp.citizen.api import OUTBOX_SCOPE
from webapp.citizen.public.feedback import feedback_by_area
from webapp.citizen.public.follow import FollowUp, follow_up
from webapp.citizen.public.reports import FORM_NAME, public_categories
from webapp.citizen.settings import setting
from webapp.citizen.surveys.service import local_days, open_surveys
from webapp.core.apiwrite import no_store
from webapp.core.i18n import tile_attribution

bp = Blueprint("citizen", __name__)
bp.context_processor(lambda: {"citizen_labels": citizen_labels})


@bp.context_processor
def _public_surveys() -> dict[str, Any]:
    """The surveys open now, for the public pages' shared nav: a resident who comes to report a
    place or see what was done also finds the survey, not only someone handed its QR code."""
    return {
        "public_surveys": [
            {
                "title": survey.title,
                "url": url_for("survey.answer_page", code=survey.code),
                "last_day": local_days(survey)[1],
            }
            for survey in open_surveys()
        ]
    }


@bp.get("/report")
def report_page() -> str:
    return render_template(
        "citizen/report.html", page_data=_report_page_data(), outbox_scope=OUTBOX_SCOPE
    )


@bp.get("/feedback")
def feedback() -> str:
    return render_template("citizen/feedback.html", groups=feedback_by_area())


def _follow_page(follow: FollowUp | None) -> Response:
    """The address is the key: no cache keeps the page and no search engine lists it."""
    response = no_store(render_template("citizen/follow_report.html", follow=follow))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many_look_ups(wait_text: str, report_id: str) -> Response:
    """Over CITIZEN_FOLLOW_LIMIT from this address: the page without the report, saying how
    long to wait, as Retry-After does (throttle.limited), with a link to try again."""
    opened = _("This page has been opened many times from your network in a short time.")
    flash(f"{opened} {wait_text}", "error")
    return _follow_page(None)


@bp.get("/report/<report_id>")
@throttle.limited(guard.follow_limit, _too_many_look_ups, methods=("GET", "HEAD"))
def follow_report(report_id: str) -> Response:
    """What became of a report, for whoever holds its UUID (public/follow.py).

    Every answer is 200, an unknown UUID's the same as a pending report's.
    """
    return _follow_page(follow_up(report_id))


def _report_page_data() -> dict[str, Any]:
    """What report.js needs, embedded as JSON (never HTML)."""
    config = current_app.config
    return {
        "categories": [
            {"code": c.code, "label": c.label(), "color": c.color} for c in public_categories()
        ],
        "form_token": guard.issue_form_token(FORM_NAME),
        "min_fill_seconds": float(setting("CITIZEN_MIN_FILL_SECONDS")),
        "map": {
            "tile_url": config["TILE_URL"],
            "attribution": tile_attribution(),
            "center": list(config["MAP_CENTER"]),
        },
        "urls": {
            "create": url_for("api.citizen_create_report"),
            "token": url_for("api.citizen_form_token"),
            "published": url_for("api.citizen_reports_geojson"),
            "follow": url_for("citizen.follow_report", report_id="__ID__"),
        },
        "text_max": int(setting("CITIZEN_TEXT_MAX_LENGTH")),
    }
