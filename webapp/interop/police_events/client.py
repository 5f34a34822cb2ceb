"""Fetching the police's events by the publisher's rules, counted in the database so they hold
across processes, nodes and restarts:

- HTTPS only, no redirects, a User-Agent naming the installation;
- at least POLICE_EVENTS_MIN_INTERVAL_S between calls, at most MAX_PER_HOUR an hour and
  MAX_PER_DAY a day (every call counts, failed ones too: its row is written before the call);
- a 404 is permanent: no further call to that URL;
- 429 or 503: back off for max(Retry-After, POLICE_EVENTS_BACKOFF_S).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from webapp.core.dbtypes import utcnow
from webapp.extensions import db
from webapp.interop.police_events.models import PoliceImport
from webapp.interop.police_events.settings import setting

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    row: PoliceImport
    body: bytes | None  # None: no call was made, or it failed (row.outcome says why)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def request_url() -> str:
    base = str(setting("POLICE_EVENTS_URL"))
    query = urllib.parse.urlencode(
        {"locationname": str(setting("POLICE_EVENTS_LOCATIONS"))}, quote_via=urllib.parse.quote
    )
    return f"{base}{'&' if '?' in base else '?'}{query}"


def user_agent() -> str:
    contact = str(setting("POLICE_EVENTS_CONTACT")).strip() or "no contact configured"
    return str(setting("POLICE_EVENTS_USER_AGENT")).format(contact=contact)


def _scheme_allowed(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return True
    return (
        parts.scheme == "http"
        and parts.hostname == "127.0.0.1"
        and bool(setting("POLICE_EVENTS_ALLOW_LOOPBACK_HTTP"))
    )


def why_not_now(url: str, now: datetime) -> str | None:
    """A reason not to call now, or None. Reads the log of calls."""
    calls = db.select(PoliceImport).where(
        PoliceImport.source == "api", PoliceImport.outcome != "skipped"
    )
    last = db.session.execute(
        calls.order_by(PoliceImport.started_at.desc(), PoliceImport.id.desc()).limit(1)
    ).scalar_one_or_none()
    if last is not None:
        if now - last.started_at < timedelta(seconds=int(setting("POLICE_EVENTS_MIN_INTERVAL_S"))):
            return "too soon after the last call"
        if last.outcome == "rate_limited":
            wait = max(int(last.retry_after_s or 0), int(setting("POLICE_EVENTS_BACKOFF_S")))
            if now - last.started_at < timedelta(seconds=wait):
                return f"backing off after HTTP {last.http_status} ({wait} s)"
    gone = db.session.execute(
        calls.where(PoliceImport.outcome == "gone", PoliceImport.url == url[:500]).limit(1)
    ).first()
    if gone:
        return "the URL answered 404 before (permanent): change POLICE_EVENTS_URL"
    for span, limit in (
        (timedelta(hours=1), int(setting("POLICE_EVENTS_MAX_PER_HOUR"))),
        (timedelta(days=1), int(setting("POLICE_EVENTS_MAX_PER_DAY"))),
    ):
        count = db.session.execute(
            db.select(db.func.count())
            .select_from(PoliceImport)
            .where(
                PoliceImport.source == "api",
                PoliceImport.outcome != "skipped",
                PoliceImport.started_at > now - span,
            )
        ).scalar_one()
        if count >= limit:
            return f"{count} calls in the last {span}: the limit is {limit}"
    return None


def fetch(now: datetime | None = None) -> Fetched:
    """One call, if the rules allow it now. The row is committed before the call."""
    now = now or utcnow()
    url = request_url()
    # One caller at a time: lock the newest row (PostgreSQL); SQLite has one writer anyway.
    db.session.execute(
        db.select(PoliceImport.id).order_by(PoliceImport.id.desc()).limit(1).with_for_update()
    )
    reason = None if _scheme_allowed(url) else "only https URLs are fetched"
    if (
        not reason
        and current_app.config.get("ENV_NAME") == "production"
        and not str(setting("POLICE_EVENTS_CONTACT")).strip()
    ):
        reason = "set POLICE_EVENTS_CONTACT: the publisher asks callers to name a contact"
    reason = reason or why_not_now(url, now)
    row = PoliceImport(source="api", url=url[:500], started_at=now)
    db.session.add(row)
    if reason:
        row.outcome, row.message, row.finished_at = "skipped", reason[:300], now
        db.session.commit()
        return Fetched(row, None)
    db.session.commit()
    opener = urllib.request.build_opener(_NoRedirect)
    # The scheme was checked above (_scheme_allowed): https, or http to 127.0.0.1 in tests.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": user_agent(), "Accept": "application/json"}
    )
    try:
        with opener.open(request, timeout=float(setting("POLICE_EVENTS_TIMEOUT_S"))) as answer:
            row.http_status = answer.status
            body = answer.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        row.http_status = error.code
        if error.code == 404:
            row.outcome = "gone"
        elif error.code in (429, 503):
            row.outcome = "rate_limited"
            retry = (error.headers.get("Retry-After") or "").strip()
            row.retry_after_s = int(retry) if retry.isdigit() else None
        else:
            row.outcome = "http_error"
        row.message = f"HTTP {error.code}"
        body = None
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        row.outcome, row.message, body = "network", str(error)[:300], None
    if body is not None and len(body) > MAX_BYTES:
        row.outcome, row.message, body = "parse", "answer too large", None
    if body is None:
        row.finished_at = utcnow()
        db.session.commit()
    return Fetched(row, body)
