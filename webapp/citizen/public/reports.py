"""Public map reports: one validator, storing each phone's UUID once, and the public shape.

What a resident sends is never shown before a coordinator publishes it, and then only the
coordinator's public text, the place, the category and the feeling: never the original text,
the contact details or the time it came in.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import gettext as _

from webapp.citizen import guard, integrity
from webapp.citizen.guard import HONEYPOT_FIELD, TOKEN_FIELD
from webapp.citizen.labels import FEELING
from webapp.citizen.models import FEELINGS, TIMES_OF_DAY, PublicReport
from webapp.citizen.public.places import inside_service_area
from webapp.citizen.settings import setting
from webapp.core.fieldinput import (
    Errors,
    choice,
    client_uuid,
    coordinate,
    free_text,
    unknown_fields,
)
from webapp.core.idempotency import content_digest, insert_once, located
from webapp.core.labels import MEASURE_STATUS, label
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.observations.models import Category

FORM_NAME = "report"
FIELDS = {"id", "lat", "lon", "feeling", "category", "text", "time_of_day", "contact"}
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{6,24}$")


@dataclass(frozen=True)
class CleanReport:
    id: str
    lat: float
    lon: float
    feeling: str
    category_code: str
    text: str
    time_of_day: str | None
    contact: str

    def canonical(self) -> dict[str, Any]:
        """The content that decides replay (same) versus conflict (different): what is stored,
        the position to 7 decimals."""
        content = asdict(self)
        content["category"] = content.pop("category_code")
        return {**content, **located(self.id, self.lat, self.lon)}


def public_categories() -> list[Category]:
    return list(
        db.session.execute(
            db.select(Category).filter_by(active=True).order_by(Category.sort_order)
        ).scalars()
    )


def validate_report(payload: Any) -> tuple[CleanReport | None, Errors]:
    if not isinstance(payload, dict):
        return None, {"_": _("The request body must be a JSON object.")}
    errors: Errors = {}
    unknown_fields(payload, FIELDS | {HONEYPOT_FIELD, TOKEN_FIELD}, errors)
    report_id = client_uuid(payload.get("id"), errors)
    lat = coordinate(payload.get("lat"), "lat", 90, errors)
    lon = coordinate(payload.get("lon"), "lon", 180, errors)
    if lat is not None and lon is not None and not inside_service_area(lat, lon):
        errors["lat"] = _("Mark a place in Sunne kommun.")
    feeling = choice(payload.get("feeling"), "feeling", FEELINGS, errors)
    category = choice(
        payload.get("category"), "category", (c.code for c in public_categories()), errors
    )
    text = free_text(
        payload.get("text"), "text", errors, max_length=int(setting("CITIZEN_TEXT_MAX_LENGTH"))
    )
    time_of_day = None
    if payload.get("time_of_day") not in (None, ""):
        time_of_day = choice(payload.get("time_of_day"), "time_of_day", TIMES_OF_DAY, errors)
    contact = contact_details(payload.get("contact"), errors)
    if errors:
        return None, errors
    assert report_id and lat is not None and lon is not None and feeling and category
    return CleanReport(report_id, lat, lon, feeling, category, text, time_of_day, contact), {}


def contact_details(value: Any, errors: Errors) -> str:
    """Optional: an e-mail address or a phone number, nothing else."""
    text = free_text(value, "contact", errors, max_length=200)
    if text and "contact" not in errors and not (_EMAIL.match(text) or _is_phone(text)):
        errors["contact"] = _("Write an e-mail address or a phone number, or leave it empty.")
    return text


def _is_phone(text: str) -> bool:
    return bool(_PHONE.match(text)) and sum(ch.isdigit() for ch in text) >= 6


class NotNow(Exception):
    """The report is kept on the phone and sent again later; `code` names the problem."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# Token refusals that a later send (with a fresh token from the outbox) gets past.
_RETRY_CODES = {guard.TOO_EARLY: "too_soon", guard.EXPIRED: "form_expired"}


def new_report(clean: CleanReport) -> PublicReport:
    """The row for a clean report, waiting for moderation (not yet added to the session)."""
    # A clean report's fields are the stored report's columns.
    return PublicReport(**asdict(clean), content_hash=content_digest(clean.canonical()))


def store_report(clean: CleanReport, verdict: guard.Verdict) -> tuple[PublicReport, bool]:
    """Insert, or recognise a replay. Raises idempotency.ConflictError for other content, and
    NotNow when a new report's token is too young, expired or used, or the address has sent
    its reports for today.

    A replay is answered whatever its token: the report is already here, and the phone only
    missed the answer. Nothing about the sender is stored and nothing is audited: the audit
    trail keeps the caller's address, and a resident's report must not carry one.
    """
    report, created = insert_once(new_report(clean))
    if not created:
        return report, False
    problem = _RETRY_CODES.get(verdict.reason or "")
    if problem is None and verdict.token is not None:
        problem = integrity.admit(verdict.token, "report", int(setting("CITIZEN_REPORT_DAILY_CAP")))
    if problem is not None or verdict.token is None:
        db.session.rollback()
        raise NotNow(problem or "form_expired")
    db.session.commit()
    return report, True


def receipt_json(report_id: str) -> dict[str, Any]:
    """What the sender gets back: the same for a stored, replayed or quietly dropped report."""
    return {"id": report_id, "status": "received"}


PUBLISHED_LIMIT = 2000


def published_reports() -> list[PublicReport]:
    """The latest published reports (a map of more would not be read)."""
    return list(
        db.session.execute(
            db.select(PublicReport)
            .filter_by(status="published")
            .order_by(PublicReport.moderated_at.desc(), PublicReport.id)
            .limit(PUBLISHED_LIMIT)
        ).scalars()
    )


def what_became_of(report: PublicReport) -> Measure | None:
    """The measure taken on the report: linked to it directly, or to the review item made of it."""
    if report.measure is not None:
        return report.measure
    observation = report.observation
    if observation is None or observation.measure_id is None:
        return None
    return db.session.get(Measure, observation.measure_id)


def public_report_json(report: PublicReport) -> dict[str, Any]:
    """A published report as anyone may see it; links only to measures shared with residents."""
    measure = what_became_of(report)
    shared_measure = measure is not None and measure.visibility == "shared"
    return {
        "id": report.id,
        "lat": report.lat,
        "lon": report.lon,
        "feeling": report.feeling,
        "feeling_label": str(FEELING[report.feeling]),
        "category": report.category_code,
        "category_label": report.category.label(),
        "color": report.category.color,
        "text": report.public_text,
        "measure": (
            {"title": measure.title, "status": label(MEASURE_STATUS, measure.status)}
            if shared_measure
            else None
        ),
    }
