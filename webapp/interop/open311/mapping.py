"""Our records as Open311 service requests: published residents' reports and public measures.

Nothing leaves that the public pages do not show already (citizen/public/reports.py and
feedback.py): a report's public text, place, category and feeling; a measure's title,
description, owner, status and deadline, in its zone, never at a point. Times leave cut to
the local day.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from webapp.interop.open311.serialize import STOCKHOLM, ServiceRequest

# Measures: the same states the resident's /feedback page shows (citizen/public/feedback.py).
MEASURE_PUBLIC_STATUSES = ("decided", "in_progress", "done", "partly_done")
MEASURE_OPEN = ("proposed", "decided", "in_progress")  # = measures.models.OPEN_STATUSES
# Swedish status_notes: the richer state behind open/closed (core.labels.MEASURE_STATUS in sv).
MEASURE_STATUS_SV = {
    "proposed": "föreslagen",
    "decided": "beslutad",
    "in_progress": "pågår",
    "done": "klar",
    "partly_done": "delvis klar",
    "not_feasible": "ej genomförbar",
    "other_owner": "annan ägare",
}
# agency_responsible: police / kommun / the other owner (measures.models.OWNERS).
AGENCY_SV = {
    "police": "Polisen",
    "municipality_technical": "Sunne kommun",
    "municipality_social": "Sunne kommun",
    "municipality_other": "Sunne kommun",
    "property_owner": "Fastighetsägare",
    "trafikverket": "Trafikverket",
    "other": "Annan aktör",
}
REPORT_PREFIX, MEASURE_PREFIX = "r-", "m-"
FALLBACK_SERVICE = "ovrigt"  # the reference category "Övrigt"


def measure_status(status: str) -> tuple[str, str]:
    """(open|closed, status_notes)."""
    return ("open" if status in MEASURE_OPEN else "closed"), MEASURE_STATUS_SV.get(status, status)


def day_start(moment: datetime | date, zone: ZoneInfo = STOCKHOLM) -> datetime:
    """Times leave at day precision: the public pages show dates, never times of day, and a
    report's time of arrival is never shown at all (citizen/public/reports.py)."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(zone).date()
    return datetime.combine(moment, time(0, 0), tzinfo=zone)


def deadline_moment(deadline: date, zone: ZoneInfo = STOCKHOLM) -> datetime:
    """expected_datetime from a measure's deadline (a date): the end of that local day."""
    return datetime.combine(deadline, time(23, 59, 59), tzinfo=zone)


def measure_request(m: Any, service_code: str, zone_label: str | None) -> ServiceRequest:
    """A public measure (visibility shared, status in MEASURE_PUBLIC_STATUSES).

    Public fields only, as on /feedback: title, description, owner, status, deadline. No
    internal_note, status_reason, author or history. No point: /feedback places a measure only
    in a zone (centrum / tätort / elsewhere), so `address` carries that zone and lat/long stay
    null (decision recorded in NOTES.md).
    """
    status, notes = measure_status(m.status)
    title = m.title.strip()
    description = f"{title}\n\n{m.description.strip()}" if m.description.strip() else title
    return ServiceRequest(
        id=f"{MEASURE_PREFIX}{m.id}",
        status=status,
        status_notes=notes,
        service_code=service_code,
        service_name=None,  # filled by the view from the category labels
        description=description[:4000],
        agency_responsible=AGENCY_SV.get(m.owner, "Annan aktör"),
        requested=day_start(m.created_at),
        updated=day_start(m.updated_at),
        expected=deadline_moment(m.deadline) if m.deadline else None,
        address=zone_label,
    )


def report_request(report: Any, shared_measure: Any | None, service_name: str) -> ServiceRequest:
    """A published resident's report, in the shape public_report_json gives the map.

    `shared_measure`: what_became_of(report) only if its visibility is "shared" (else None:
    a non-shared measure's existence is not public). Status: closed once that measure is in a
    closed state; open otherwise. status_notes: "publicerad", or the measure's state.
    """
    if shared_measure is not None:
        status, notes = measure_status(shared_measure.status)
        notes = f"Åtgärd: {shared_measure.title} ({notes})"
        agency = AGENCY_SV.get(shared_measure.owner, "Annan aktör")
        expected = deadline_moment(shared_measure.deadline) if shared_measure.deadline else None
        updated = max(day_start(report.moderated_at), day_start(shared_measure.updated_at))
    else:
        status, notes, agency, expected = "open", "publicerad", None, None
        updated = day_start(report.moderated_at)
    feeling = "Känns otryggt" if report.feeling == "unsafe" else "Känns tryggt"
    text = (report.public_text or "").strip()
    return ServiceRequest(
        id=f"{REPORT_PREFIX}{report.id}",
        status=status,
        status_notes=notes,
        service_code=report.category_code,
        service_name=service_name,
        description=(f"{feeling}. {text}" if text else f"{feeling}.")[:4000],
        agency_responsible=agency,
        requested=day_start(report.moderated_at),  # publication day, never the arrival time
        updated=updated,
        expected=expected,
        lat=round(report.lat, 6),
        long=round(report.lon, 6),
    )
