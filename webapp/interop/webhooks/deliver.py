"""Fan-out and delivery: the worker's two idempotent steps, and "send again".

1. dispatch_pending(): each new outbox event becomes one delivery row per endpoint that wants
   its type and may see its visibility (an endpoint added later gets no older events).
2. deliver_due(now): every delivery whose time has come is claimed atomically (one UPDATE that
   only one node can win), POSTed with Standard Webhooks headers (same webhook-id and the same
   body bytes on every attempt, a fresh timestamp and signature), and its attempt logged.

Outcomes: 2xx succeeded; 410 disables the endpoint; anything else (3xx included, and network
errors) is retried on WEBHOOK_RETRY_SCHEDULE, later if a 429/503 asked for it with Retry-After.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy import or_, update

from webapp.core.audit.service import record as audit
from webapp.core.outbox.models import OutboxEvent
from webapp.extensions import db
from webapp.interop.webhooks import signing
from webapp.interop.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webapp.interop.webhooks.settings import setting
from webapp.interop.webhooks.ssrf import Target, UnsafeURL, check_url

USER_AGENT = "TryggSunne-Webhooks/1"
LOCK_MARGIN_SECONDS = 30


def _now() -> datetime:
    return datetime.now(UTC)


# ---- fan-out ----------------------------------------------------------------------------------


def dispatch_pending(now: datetime | None = None) -> int:
    """Turn undispatched outbox events into deliveries; returns how many deliveries were made."""
    now = now or _now()
    batch = int(setting("WEBHOOK_BATCH_SIZE"))
    events = list(
        db.session.execute(
            db.select(OutboxEvent)
            .where(OutboxEvent.dispatched_at.is_(None))
            .order_by(OutboxEvent.occurred_at, OutboxEvent.id)
            .limit(batch)
        ).scalars()
    )
    if not events:
        return 0
    endpoints = list(
        db.session.execute(db.select(WebhookEndpoint).filter_by(enabled=True)).scalars()
    )
    made = 0
    for event in events:
        # Claim the event: of two nodes dispatching at once, one wins and the other skips it.
        claimed = db.session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == event.id, OutboxEvent.dispatched_at.is_(None))
            .values(dispatched_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            db.session.rollback()
            continue
        for endpoint in endpoints:
            if endpoint.wants(event):
                db.session.add(
                    WebhookDelivery(event_id=event.id, endpoint_id=endpoint.id, next_attempt_at=now)
                )
                made += 1
        db.session.commit()
    return made


# ---- one HTTP attempt ---------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that passed the SSRF check, whatever DNS says now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._ip = target.ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: certificate checked and SNI sent for the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._ip = target.ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass
class Answer:
    status: int | None
    retry_after: str | None
    error: str
    duration_ms: int


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` (checked for SSRF first); never follows redirects, never reads more
    than a little of the answer."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = check_url(url)
    except UnsafeURL as exc:
        return Answer(None, None, f"refused: {exc}"[:200], took())
    timeout = float(setting("WEBHOOK_TIMEOUT_SECONDS"))
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(4096)
        return Answer(response.status, response.getheader("Retry-After"), "", took())
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, None, f"{type(exc).__name__}: {exc}"[:200], took())
    finally:
        connection.close()


def retry_after_seconds(value: str | None, now: datetime) -> int | None:
    """Retry-After as delta-seconds or an HTTP-date, capped; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    cap = int(setting("WEBHOOK_RETRY_AFTER_MAX"))
    if value.isdigit():
        return min(int(value), cap)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, min(int((when - now).total_seconds()), cap))


# ---- delivery -----------------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime, *, manual: bool) -> bool:
    lock = now + timedelta(seconds=float(setting("WEBHOOK_TIMEOUT_SECONDS")) + LOCK_MARGIN_SECONDS)
    conditions = [
        WebhookDelivery.id == delivery_id,
        or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
    ]
    if not manual:
        conditions += [
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
        ]
    result = db.session.execute(
        update(WebhookDelivery)
        .where(*conditions)
        .values(locked_until=lock)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def deliver_due(now: datetime | None = None) -> int:
    """Attempt every delivery that is due; returns the number of deliveries claimed (each got an
    attempt, or was cancelled because its endpoint was switched off meanwhile)."""
    now = now or _now()
    batch = int(setting("WEBHOOK_BATCH_SIZE"))
    ids = list(
        db.session.execute(
            db.select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(batch)
        ).scalars()
    )
    db.session.rollback()
    attempts = 0
    for delivery_id in ids:
        if not _claim(delivery_id, now, manual=False):
            db.session.rollback()
            continue
        db.session.commit()
        attempt(delivery_id, now, manual=False)
        attempts += 1
    return attempts


def attempt(delivery_id: int, now: datetime, *, manual: bool, **audit_detail: Any) -> int | None:
    """One attempt of a claimed delivery; returns the status code (None: no answer)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return None
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.enabled and not manual:
        delivery.status, delivery.locked_until = "cancelled", None
        db.session.commit()
        return None
    body = event.payload.encode("utf-8")
    headers = signing.headers(endpoint.secret, event.message_id, body)
    headers["user-agent"] = USER_AGENT
    db.session.commit()  # no transaction (on SQLite: no write lock) while the receiver answers
    started = _now()
    answer = post(endpoint.url, body, headers)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    assert delivery is not None
    endpoint = delivery.endpoint
    wait = None
    if answer.status in (429, 503):
        wait = retry_after_seconds(answer.retry_after, now)
    db.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            number=len(delivery.attempt_log) + 1,
            started_at=started,
            duration_ms=answer.duration_ms,
            status_code=answer.status,
            error=answer.error,
            retry_after_s=wait,
            manual=manual,
        )
    )
    delivery.last_status = answer.status
    delivery.last_error = answer.error
    delivery.locked_until = None
    if answer.status is not None and 200 <= answer.status < 300:
        delivery.status = "succeeded"
        delivery.succeeded_at = _now()
    elif answer.status == 410:
        disable_endpoint(endpoint, "410 Gone", actor_label="worker")
    elif not manual:
        schedule = [float(s) for s in setting("WEBHOOK_RETRY_SCHEDULE")]
        delivery.attempts += 1
        if delivery.attempts < len(schedule):
            delay = max(schedule[delivery.attempts], float(wait or 0))
            delivery.next_attempt_at = now + timedelta(seconds=delay)
        else:
            delivery.status = "failed"
    if manual:
        audit("webhook.redeliver_result", delivery, status_code=answer.status, **audit_detail)
    db.session.commit()
    return answer.status


def disable_endpoint(endpoint: WebhookEndpoint, reason: str, **audit_detail: Any) -> None:
    """Stop sending to `endpoint` and cancel what waits for it; the caller commits."""
    endpoint.enabled = False
    endpoint.disabled_at = _now()
    endpoint.disabled_reason = reason[:200]
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending")
        .values(status="cancelled", locked_until=None)
        .execution_options(synchronize_session=False)
    )
    audit("webhook.endpoint_disable", endpoint, reason=reason, **audit_detail)


def redeliver(delivery: WebhookDelivery, user: Any) -> int | None | bool:
    """ "Send again": one more attempt now, with the same webhook-id and body. False when another
    worker holds the delivery at this moment."""
    now = _now()
    delivery_id = delivery.id
    if not _claim(delivery_id, now, manual=True):
        db.session.rollback()
        return False
    audit("webhook.redeliver", target_type="webhook_deliveries", target_id=delivery_id, actor=user)
    db.session.commit()
    return attempt(delivery_id, now, manual=True, actor=user)


def run_webhook_deliveries(now: datetime | None = None) -> dict[str, int]:
    """The worker's job: fan out new events, then send what is due. Idempotent, safe on several
    nodes at once."""
    dispatched = dispatch_pending(now)
    attempts = deliver_due(now)
    return {"dispatched": dispatched, "attempts": attempts}
