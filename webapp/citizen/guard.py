"""Abuse resistance for the public forms, with no third-party service.

- A honeypot field (`website`): hidden from people and screen readers; scripts that fill every
  field fill it.
- A minimum fill time: the page carries a signed token with the time it was served; a submission
  sooner than CITIZEN_MIN_FILL_SECONDS after that is a script. The token has no maximum age: an
  outbox may send a report made offline hours later, from a page the service worker cached.
- A size limit on the request body and per-address rate limits (Flask-Limiter, in memory).

Submissions caught by the honeypot or the fill time are refused *quietly*: the answer looks like
success and nothing is stored, so a script learns nothing to adapt to.
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
_SALT = "citizen-form"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue_form_token(form: str) -> str:
    """A token naming the form and the time the page was served."""
    return _serializer().dumps({"f": form})


def filled_by_a_person(form: str, token: Any, honeypot: Any, now: float | None = None) -> bool:
    """False for a filled honeypot, a missing, forged or foreign token, or a too-fast fill."""
    if honeypot not in (None, ""):
        return False
    if not isinstance(token, str) or len(token) > 200:
        return False
    try:
        data, issued = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        return False
    if not isinstance(data, dict) or data.get("f") != form:
        return False
    elapsed = (now or time.time()) - issued.timestamp()
    return elapsed >= float(setting("CITIZEN_MIN_FILL_SECONDS"))


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
