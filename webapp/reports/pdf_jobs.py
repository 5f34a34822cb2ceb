"""Council report PDFs of long periods, made by the worker instead of inside the request.

A period longer than REPORT_PDF_JOB_DAYS (TRYGG_REPORT_PDF_JOB_DAYS, default 92 days) is a PDF
of many pages and maps: the council page then offers "make the PDF in the background". The job
(kind "reports.pdf", registered by webapp/ops/jobs.py) is keyed by the period, the promises and
the requesting user, so asking again for the same report while it waits joins that job.

The handler builds the report exactly as the download view does, as the user who asked (their
access rules, their language), and puts the PDF in the blob store (webapp/core/blobs.py) under
`report-<token>.pdf` in the job's transaction: on the database backend the bytes and the done
mark commit together; on the folder backend a re-run after a kill writes the same file again.
(The store takes bare names, so the "report/" folder of the design is the "report-" prefix.)
Only the user who asked sees the job and downloads its PDF; the download is audited like the
direct one.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import force_locale

from webapp.auth.models import User
from webapp.core import jobs
from webapp.core.access import Role
from webapp.core.blobs import store
from webapp.core.jobs import BackgroundJob
from webapp.core.storage import read_snapshot
from webapp.extensions import db
from webapp.promises.models import Promise
from webapp.reports import measures
from webapp.reports.pdf import render_council_pdf
from webapp.reports.period import Period
from webapp.reports.service import build_council_report
from webapp.reports.walk_measures import police_measures

KIND = "reports.pdf"
RETRY_SCHEDULE = (30, 120, 600)
TOKEN = re.compile(r"[0-9a-f]{32}")
DEFAULT_JOB_DAYS = 92


def needs_job(period: Period) -> bool:
    """True when the period is too long to render inside a request."""
    return period.days > int(current_app.config.get("REPORT_PDF_JOB_DAYS", DEFAULT_JOB_DAYS))


def token_for(period: Period, promise_ids: list[int], user_id: int) -> str:
    ids = ",".join(str(i) for i in sorted(promise_ids))
    text = f"{period.first.isoformat()}|{period.last.isoformat()}|{ids}|{user_id}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def job_key(token: str) -> str:
    return f"{KIND}:{token}"


def blob_key(token: str) -> str:
    return f"report-{token}.pdf"


def load_promises(ids: list[int]) -> list[Promise]:
    """The promises in the order the view uses (start date, id); deleted ones are left out."""
    return list(
        db.session.execute(
            db.select(Promise).where(Promise.id.in_(ids)).order_by(Promise.starts_on, Promise.id)
        ).scalars()
    )


def submit_pdf_job(period: Period, promises: list[Promise], user: User, locale: str) -> str:
    """Create the job; returns its token. Asking again while it waits or runs (a second click)
    joins that job; asking again after it finished makes the PDF anew from today's data (the
    same key, so the earlier file is replaced, never kept beside it)."""
    ids = sorted(p.id for p in promises)
    token = token_for(period, ids, user.id)
    key = job_key(token)
    existing = db.session.get(BackgroundJob, key)
    if existing is not None and existing.state in (jobs.FAILED, jobs.DONE):
        db.session.delete(existing)
        db.session.commit()
    payload: dict[str, Any] = {
        "user": user.id,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "promises": ids,
        "locale": locale,
    }
    jobs.submit(key, KIND, payload)
    return token


def find_job(token: str, user: User) -> BackgroundJob | None:
    """The user's own job with this token; None for any other, as for one that does not exist
    (or no longer does: retention removes finished jobs with their PDFs)."""
    job = db.session.get(BackgroundJob, job_key(token)) if TOKEN.fullmatch(token) else None
    if job is None or job.kind != KIND or job.payload.get("user") != user.id:
        return None
    return job


def kept_days() -> int | None:
    """How long finished PDFs are kept (RETENTION "jobs"); None when they are kept for good.

    Read from the setting itself: reports may not import ops (tests/test_architecture.py), and
    ops.retention deletes these jobs' files with blob_key() from here.
    """
    days = (current_app.config.get("RETENTION") or {}).get("jobs")
    return days if isinstance(days, int) and not isinstance(days, bool) and days > 0 else None


def job_period(job: BackgroundJob) -> Period:
    return Period(date.fromisoformat(job.payload["from"]), date.fromisoformat(job.payload["to"]))


def render_pdf_job(job: BackgroundJob) -> None:
    """The job handler: render as the requesting user, store in the job's transaction."""
    payload = dict(job.payload)
    token = job.id.removeprefix(f"{KIND}:")
    period = Period(date.fromisoformat(payload["from"]), date.fromisoformat(payload["to"]))
    with read_snapshot():  # a long read: on SQLite the writer lock is not held meanwhile
        user = db.session.get(User, payload["user"])
        # The same gate as the view: a user who lost the role or was blocked gets nothing.
        if user is None or not user.is_active or not user.has_role(Role.COORDINATOR):
            raise PermissionError("the user who asked may no longer read council reports")
        with force_locale(payload.get("locale") or "sv"):
            report = build_council_report(period, load_promises(payload["promises"]), user)
            data = render_council_pdf(report, user)
    # Kept for the download's audit entry, like the direct PDF's: how many police records the
    # file names one by one.
    job.payload = {
        **payload,
        "police_walk_measures": police_measures(report.walk_measures),
        "police_measures": measures.police_measures(report.measures),
    }
    store().put(blob_key(token), data)  # same key on a re-run: overwritten, never doubled


def read_pdf(token: str) -> bytes | None:
    try:
        return b"".join(store().open(blob_key(token)))
    except KeyError:
        return None
