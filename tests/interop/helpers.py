"""A webhook receiver on 127.0.0.1 that checks every signature with the `standardwebhooks`
package (the reference implementation), and helpers that drive the worker's steps."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from flask import Flask
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from webapp.extensions import db
from webapp.interop.webhooks.deliver import deliver_due, dispatch_pending
from webapp.interop.webhooks.service import create_endpoint

# (webhook-id, how many times this id was seen before) -> (status, extra headers)
Behaviour = Callable[[str, int], tuple[int, dict[str, str]]]


def always(status: int, **headers: str) -> Behaviour:
    return lambda _id, _seen: (status, headers)


def fail_first(n: int, status: int = 500) -> Behaviour:
    return lambda _id, seen: (status, {}) if seen < n else (204, {})


@dataclass
class Received:
    msg_id: str
    body: bytes
    headers: dict[str, str]
    verified: bool
    payload: Any
    answered: int


@dataclass
class Receiver:
    behaviour: Behaviour
    secret: str = ""
    received: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def unique(self) -> dict[str, Any]:
        """Payloads after de-duplicating on webhook-id (what a correct receiver acts on)."""
        return {r.msg_id: r.payload for r in self.received if r.verified and r.answered < 300}

    def attempts_of(self, msg_id: str) -> list[Received]:
        return [r for r in self.received if r.msg_id == msg_id]


@contextmanager
def receiver(behaviour: Behaviour, path: str = "/hook") -> Iterator[Receiver]:
    state = Receiver(behaviour)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            msg_id = headers.get("webhook-id", "")
            try:
                payload = Webhook(state.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                payload, verified = None, False
            with state.lock:
                seen = len(state.attempts_of(msg_id))
                status, extra = state.behaviour(msg_id, seen) if verified else (401, {})
                state.received.append(Received(msg_id, body, headers, verified, payload, status))
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def register(
    app: Flask, rx: Receiver, events: list[str], visibilities: list[str] | None = None
) -> int:
    with app.app_context():
        endpoint, secret = create_endpoint(
            rx.url, events, visibilities or ["shared", "public"], actor_label="test"
        )
        rx.secret = secret
        return endpoint.id


def run_worker(app: Flask, *, now: datetime | None = None, rounds: int = 20) -> int:
    """Dispatch and deliver until nothing more is due at `now` (or at each round's real time,
    moved forward past the short test schedule); returns the number of attempts."""
    total = 0
    with app.app_context():
        for _ in range(rounds):
            at = now or datetime.now(UTC) + timedelta(seconds=1)
            dispatch_pending(at)
            made = deliver_due(at)
            total += made
            if not made:
                break
        db.session.remove()
    return total


def body_json(received: Received) -> Any:
    return json.loads(received.body)
