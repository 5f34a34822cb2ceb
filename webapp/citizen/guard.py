"""Abuse resistance for the public forms, with no third-party service.

- A honeypot field (`website`): hidden from people and screen readers; scripts that fill every
  field fill it.
- A signed form token in every page, naming the form, the time the page was served and a random
  nonce. It carries three rules:
  - a minimum fill time: a submission sooner than CITIZEN_MIN_FILL_SECONDS after the page was
    served is a script (or a very quick person: see below);
  - an expiry (CITIZEN_FORM_MAX_AGE_SECONDS): an old token is no longer taken as it is;
  - single use: each token stores at most one report or one set of survey answers
    (integrity.admit records its nonce in the same transaction).
  A phone's outbox may send a report made offline hours later, from a page the service worker
  cached long before. So a page's token can be *exchanged* (`exchange`) for a fresh one at send
  time: the fresh token keeps the time the original page was served (the fill time still means
  something) and has a nonce and an expiry of its own.
- A per-address daily cap (integrity.admit) and per-address request rate limits (Flask-Limiter).

A filled honeypot and a missing, forged or foreign token are refused *quietly*: the answer looks
like success and nothing is stored, so a script learns nothing to adapt to. A submission that is
merely too early, or whose token has expired or was used, is *not* dropped: a quick person, or a
phone whose outbox flushes the moment a report is saved (Background Sync, "online", the send
button), must not lose a report without knowing it. The caller answers "try again later" and the
outbox keeps the report until it goes through; a survey comes back filled in.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.citizen.settings import setting
from webapp.core.localtime import local_midnight_utc, local_today

HONEYPOT_FIELD = "website"
TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
TOO_EARLY = "too early"
EXPIRED = "expired"
# Refusals that get a quiet "thank you": scripts, not people.
QUIET = frozenset({"honeypot", "no token", "bad token", "foreign token"})
_SALT = "citizen-form"


@dataclass(frozen=True)
class FormToken:
    """A verified token: its form, nonce (None in tokens from before single use), and times."""

    form: str
    nonce: str | None
    started: float  # when the page the person filled in was served
    issued: float  # when this token was made (an exchanged token: at send time)


@dataclass(frozen=True)
class Verdict:
    """What `check` found: a reason not to take the submission now (or None), and the token."""

    reason: str | None
    token: FormToken | None = None


def _serializer() -> URLSafeTimedSerializer:
    # Old keys still verify: a page cached on a phone before a key rotation must not turn the
    # reports made from it offline into quiet refusals. New tokens use the current key (last).
    config = current_app.config
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=_SALT)


def issue_form_token(form: str, started: float | None = None) -> str:
    """A fresh single-use token for `form`; `started`: when its page was served (default now)."""
    payload: dict[str, Any] = {"f": form, "n": secrets.token_urlsafe(16)}
    if started is not None:
        payload["s"] = int(started)
    return _serializer().dumps(payload)


def read_token(form: str, token: Any) -> FormToken | str:
    """The verified token, or why it is not one of ours for `form` (a QUIET reason)."""
    if not isinstance(token, str) or len(token) > 300:
        return "no token"
    try:
        data, issued = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        return "bad token"
    if not isinstance(data, dict) or data.get("f") != form:
        return "foreign token"
    nonce = data.get("n") if isinstance(data.get("n"), str) else None
    started = data.get("s") if isinstance(data.get("s"), int) else None
    issued_at = issued.timestamp()
    return FormToken(form, nonce, float(started if started is not None else issued_at), issued_at)


def refusal(form: str, token: Any, honeypot: Any, now: float | None = None) -> Verdict:
    """Why a submission is not (yet) taken as a person's (`reason`, None if it may be), and
    the token it carried.

    TOO_EARLY: a genuine token younger than the minimum fill time. EXPIRED: older than the
    maximum age, or from before tokens had a nonce. Whether it was used is for integrity.admit.
    """
    if honeypot not in (None, ""):
        return Verdict("honeypot")
    parsed = read_token(form, token)
    if isinstance(parsed, str):
        return Verdict(parsed)
    if seconds_to_wait(parsed.started, now) > 0:
        return Verdict(TOO_EARLY, parsed)
    if parsed.nonce is None or _age(parsed, now) > float(setting("CITIZEN_FORM_MAX_AGE_SECONDS")):
        return Verdict(EXPIRED, parsed)
    return Verdict(None, parsed)


def _age(token: FormToken, now: float | None) -> float:
    return (now if now is not None else time.time()) - token.issued


def exchange(form: str, token: Any) -> str:
    """A fresh token for the page `token` came from, for a phone's outbox about to send.

    The page's token may be days old (a cached page, a report made offline) or used (several
    reports from one page): only its signature and form count, and the fresh token keeps the
    time the page was served. Anything else is handed back unchanged, so the report it goes
    with is refused as quietly as it would have been.
    """
    parsed = read_token(form, token)
    if isinstance(parsed, str):
        return token if isinstance(token, str) else ""
    return issue_form_token(form, started=parsed.started)


def seconds_to_wait(issued: float, now: float | None = None) -> float:
    """How long until a page served at `issued` may send (0 when it may now)."""
    elapsed = (now if now is not None else time.time()) - issued
    return max(0.0, float(setting("CITIZEN_MIN_FILL_SECONDS")) - elapsed)


def check(form: str, token: Any, honeypot: Any, now: float | None = None) -> Verdict:
    """`refusal`, written to the log (the reason only: residents leave no address behind)."""
    verdict = refusal(form, token, honeypot, now)
    if verdict.reason:
        current_app.logger.info("public form %r not taken: %s", form, verdict.reason)
    return verdict


def limit_body(max_bytes: int) -> None:
    """Refuse bodies over `max_bytes` with 413 before they are parsed.

    The declared length is checked here: CSRFProtect has already opened the body stream (with
    the app-wide MAX_CONTENT_LENGTH), so setting request.max_content_length now comes too late
    for it. A body without a length (chunked) stays under the app-wide limit.
    """
    if request.content_length is not None and request.content_length > max_bytes:
        raise RequestEntityTooLarge()
    request.max_content_length = max_bytes


def retry_tomorrow() -> dict[str, str]:
    """Retry-After for a refusal by the daily cap (integrity.admit): until Sunne's next day,
    when the count starts again."""
    tomorrow = local_midnight_utc(local_today() + timedelta(days=1))
    return {"Retry-After": str(max(1, math.ceil((tomorrow - datetime.now(UTC)).total_seconds())))}


def report_limit() -> str:
    return setting("CITIZEN_REPORT_LIMIT")


def survey_limit() -> str:
    return setting("SURVEY_ANSWER_LIMIT")


def form_refresh_limit() -> str:
    return setting("CITIZEN_FORM_REFRESH_LIMIT")


def follow_limit() -> str:
    return setting("CITIZEN_FOLLOW_LIMIT")
