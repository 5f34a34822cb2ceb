"""Abuse resistance for the public forms, with no third-party service.

- A honeypot field (`website`): hidden from people and screen readers; scripts that fill every
  field fill it.
- A minimum fill time: the page carries a signed token with the time it was served; a submission
  sooner than CITIZEN_MIN_FILL_SECONDS after that is a script. The token has no maximum age: an
  outbox may send a report made offline hours later, from a page the service worker cached.
- A size limit on the request body and per-address rate limits (Flask-Limiter, in memory).

A filled honeypot and a missing, forged or foreign token are refused *quietly*: the answer looks
like success and nothing is stored, so a script learns nothing to adapt to. A submission that is
merely too early is *not* dropped: a quick person, or a phone whose outbox flushes the moment a
report is saved (Background Sync, "online", the send button), must not lose a report without
knowing it. The caller answers "try again later" (see `too_early`) and the outbox keeps the
report until it goes through. A script learns only to wait a few seconds, which the page's own
script says anyway.
"""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import RequestEntityTooLarge

from .settings import setting

HONEYPOT_FIELD = "website"
TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
TOO_EARLY = "too early"
_SALT = "citizen-form"


def _serializer() -> URLSafeTimedSerializer:
    # Old keys still verify: a page cached on a phone before a key rotation must not turn the
    # reports made from it offline into quiet refusals. New tokens use the current key (last).
    config = current_app.config
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=_SALT)


def issue_form_token(form: str) -> str:
    """A token naming the form and the time the page was served."""
    return _serializer().dumps({"f": form})


def refusal(form: str, token: Any, honeypot: Any, now: float | None = None) -> str | None:
    """Why a submission is not (yet) taken as a person's: a short reason, or None.

    TOO_EARLY means a genuine page's token that is younger than the minimum fill time.
    """
    if honeypot not in (None, ""):
        return "honeypot"
    if not isinstance(token, str) or len(token) > 200:
        return "no token"
    try:
        data, issued = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        return "bad token"
    if not isinstance(data, dict) or data.get("f") != form:
        return "foreign token"
    if seconds_to_wait(issued.timestamp(), now) > 0:
        return TOO_EARLY
    return None


def seconds_to_wait(issued: float, now: float | None = None) -> float:
    """How long until a page served at `issued` may send (0 when it may now)."""
    elapsed = (now if now is not None else time.time()) - issued
    return max(0.0, float(setting("CITIZEN_MIN_FILL_SECONDS")) - elapsed)


def check(form: str, token: Any, honeypot: Any, now: float | None = None) -> str | None:
    """`refusal`, written to the log (the reason only: residents leave no address behind)."""
    reason = refusal(form, token, honeypot, now)
    if reason:
        current_app.logger.info("public form %r not taken: %s", form, reason)
    return reason


def limit_body(max_bytes: int) -> None:
    """Refuse bodies over `max_bytes` with 413 before they are parsed.

    The declared length is checked here: CSRFProtect has already opened the body stream (with
    the app-wide MAX_CONTENT_LENGTH), so setting request.max_content_length now comes too late
    for it. A body without a length (chunked) stays under the app-wide limit.
    """
    if request.content_length is not None and request.content_length > max_bytes:
        raise RequestEntityTooLarge()
    request.max_content_length = max_bytes


def report_limit() -> str:
    return setting("CITIZEN_REPORT_LIMIT")


def survey_limit() -> str:
    return setting("SURVEY_ANSWER_LIMIT")
