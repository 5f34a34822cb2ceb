"""/api/v1/public: what residents' phones talk to, without an account.

- GET  /public/session          a fresh CSRF token for the outbox (residents are never "logged out")
- POST /public/form-token       a fresh single-use form token for a report about to be sent
- POST /public/reports          idempotent by the phone's UUID: 201 first, 200 replay, 409 conflict
- GET  /public/reports.geojson  published reports only, with the coordinator's public text

Honeypot and forged tokens get the same 201 receipt as a stored report and nothing is stored;
a new report sent sooner after its page than the minimum fill time, with an expired or used
token, over the address's daily cap, or over its rate limit (CITIZEN_REPORT_LIMIT) gets 429,
so the phone's outbox keeps it and sends it again (with a fresh token; see guard.py and
integrity.py). Each 429 carries Retry-After for the wait that applies (no other answer does).
"""

from __future__ import annotations

import json
import math
import uuid

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from webapp.auth import throttle
from webapp.citizen import guard, integrity
from webapp.citizen.public.reports import (
    FORM_NAME,
    NotNow,
    public_report_json,
    published_reports,
    receipt_json,
    store_report,
    validate_report,
)
from webapp.citizen.settings import setting
from webapp.core.apiwrite import no_store, store_or_problem, valid_or_problem
from webapp.core.errors import problem_response
from webapp.core.fieldinput import canonical_uuid
from webapp.core.jsonbody import json_body
from webapp.core.routes import RouteTable

OUTBOX_SCOPE = "citizen"


routes = RouteTable()
register = routes.register


@routes.get("/public/session", "citizen_session")
def citizen_session():  # type: ignore[no-untyped-def]
    """Like /csrf-token for a resident's outbox: there is no login that could have ended."""
    return no_store(
        jsonify(csrf_token=generate_csrf(), authenticated=True, outbox_scope=OUTBOX_SCOPE)
    )


def _too_many_reports(wait_text: str):  # type: ignore[no-untyped-def]
    """Over CITIZEN_REPORT_LIMIT (or, fetching the report's fresh form token, over
    CITIZEN_FORM_REFRESH_LIMIT) from this address: the outbox keeps the report; the message
    says how long to wait, as Retry-After does (throttle.limited)."""
    kept = _(
        "Many reports have come from this network in a short time. Yours is kept on this phone."
    )
    return problem_response("rate_limited", message=f"{kept} {wait_text}")


@routes.post("/public/form-token", "citizen_form_token")
@throttle.limited(guard.form_refresh_limit, _too_many_reports)
def fresh_form_token():  # type: ignore[no-untyped-def]
    """Exchange the token of the page a report was made on for a fresh one (guard.exchange)."""
    payload = json_body()
    old = payload.get(guard.TOKEN_FIELD) if isinstance(payload, dict) else None
    return no_store(jsonify(form_token=guard.exchange(FORM_NAME, old)))


@routes.post("/public/reports", "citizen_create_report")
@throttle.limited(guard.report_limit, _too_many_reports)
def create_report():  # type: ignore[no-untyped-def]
    guard.limit_body(int(setting("CITIZEN_REPORT_MAX_BYTES")))
    payload = json_body()
    verdict = (
        guard.check(FORM_NAME, payload.get(guard.TOKEN_FIELD), payload.get(guard.HONEYPOT_FIELD))
        if isinstance(payload, dict)
        else guard.Verdict(None)
    )
    if verdict.reason in guard.QUIET:
        quiet_id = canonical_uuid(payload.get("id")) or str(uuid.uuid4())
        return jsonify(receipt_json(quiet_id)), 201
    clean = valid_or_problem(validate_report(payload))
    try:
        report, created = store_or_problem(store_report, clean, verdict)
    except NotNow as not_now:
        return _try_again_later(not_now.code, verdict)
    return jsonify(receipt_json(report.id)), 201 if created else 200


def _try_again_later(code: str, verdict: guard.Verdict):  # type: ignore[no-untyped-def]
    """Not now, but not lost: the outbox keeps the report and sends it again later.

    429 like the rate limit (the outbox backs off and tries again; with a fresh token), with
    its own code, a message that says the report is safe, and Retry-After for when: the rest
    of the fill time, Sunne's next day for the daily cap, otherwise a second (a fresh token).
    """
    response = problem_response(code)
    if code == integrity.DAILY_LIMIT:
        response.headers.update(guard.retry_tomorrow())
    else:
        started = verdict.token.started if verdict.token is not None else None
        wait = guard.seconds_to_wait(started) if started is not None else 0
        response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


@routes.get("/public/reports.geojson", "citizen_reports_geojson")
def reports_geojson():  # type: ignore[no-untyped-def]
    features = [
        {
            "type": "Feature",
            "id": data["id"],
            "geometry": {"type": "Point", "coordinates": [data["lon"], data["lat"]]},
            "properties": {k: v for k, v in data.items() if k not in ("lat", "lon")},
        }
        for data in map(public_report_json, published_reports())
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    # Residents' text, even published, never reaches a page as markup: < > & as \u escapes.
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    response = current_app.response_class(body, mimetype="application/geo+json")
    response.headers["Cache-Control"] = "no-cache"
    return response
