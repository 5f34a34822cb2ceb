"""What became of one report, for whoever holds its UUID (the resident's phone made it).

The UUID is the capability (models.PublicReport), so the page behind it says only what the
resident may learn and nothing a stranger who found the address could use:

- the state in plain words: waiting, published, kept (hidden) or taken up (merged, converted);
- once reviewed, the category and the feeling the resident chose, and the local day it came
  in. Not for a published report: its UUID is on the open map and in Open311, where a report's
  arrival is never shown (interop/open311/mapping.py gives the publication day instead);
- why a kept report is not shown, as one of a fixed list of reasons (never words a coordinator
  typed);
- the measure taken on it, only if that measure is shared with residents (the rule of
  public_report_json and Open311's report_request): a police or municipal measure's existence
  stays hidden.

Never the resident's text or contact details, the time of day, or anything a coordinator wrote.
A pending report and a UUID we do not have (malformed, never sent, or a report the API dropped
quietly as a script's while answering "received") give the same answer, WAITING: a script
cannot learn from this page which of its reports were dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from webapp.citizen.labels import FEELING, HIDE_REASON_FOR_RESIDENT
from webapp.citizen.models import PublicReport
from webapp.citizen.public.feedback import DONE
from webapp.citizen.public.reports import what_became_of
from webapp.core.fieldinput import canonical_uuid
from webapp.core.labels import MEASURE_STATUS, label
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.measures.models import Measure

# The resident's words for the moderation states; a state not named here reads as waiting.
STATES = {
    "published": "published",
    "hidden": "kept",
    "merged": "taken_up",
    "converted": "taken_up",
}


@dataclass(frozen=True)
class SharedMeasure:
    """A measure shared with residents, in the fields /feedback shows for it."""

    title: str
    status_label: str
    deadline: date | None  # None once it is done: the date no longer says anything
    overdue: bool


@dataclass(frozen=True)
class FollowUp:
    state: str  # waiting | published | kept | taken_up
    received: date | None = None
    category_label: str = ""
    feeling_label: str = ""
    measure: SharedMeasure | None = None
    reason: str = ""  # why a kept report is not shown, in the resident's words


WAITING = FollowUp("waiting")


def follow_up(report_id: str, today: date | None = None) -> FollowUp:
    """What the holder of `report_id` may see of it; WAITING for anything we cannot tell."""
    canonical = canonical_uuid(report_id)
    report = db.session.get(PublicReport, canonical) if canonical else None
    if report is None or report.status not in STATES:
        return WAITING
    state = STATES[report.status]
    return FollowUp(
        state=state,
        received=None if state == "published" else local_today(report.received_at),
        category_label=report.category.label(),
        feeling_label=str(FEELING.get(report.feeling, "")),
        measure=shared_measure(what_became_of(report), today or local_today()),
        reason=_kept_reason(report) if state == "kept" else "",
    )


def _kept_reason(report: PublicReport) -> str:
    # Reports hidden before a reason was asked for have none: the page then gives none.
    # "Another reason" is said in the coordinator's words, written for the resident to read.
    if report.hidden_reason == "other" and report.hidden_note:
        return report.hidden_note
    return str(HIDE_REASON_FOR_RESIDENT.get(report.hidden_reason or "", ""))


def shared_measure(measure: Measure | None, today: date) -> SharedMeasure | None:
    if measure is None or measure.visibility != "shared":
        return None
    return SharedMeasure(
        title=measure.title,
        status_label=label(MEASURE_STATUS, measure.status),
        deadline=None if measure.status in DONE else measure.deadline,
        overdue=measure.is_overdue(today),
    )
