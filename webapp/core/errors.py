"""Errors as a catalogue: named problems, turned into responses in one place.

HTML pages get a friendly Swedish page; anything under /api/ gets
{"error": {"code", "message", "fields"}} with the fitting status. Nothing leaks a stack trace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.extensions import db

# A refusal the phone's outbox answers by sending the entry again later (a 429 it retries).
_SENT_AGAIN = (429, _l("Saved on this phone. It is sent again in a moment."))

# code -> (status, message). Messages are lazy so they translate per request.
PROBLEMS: dict[str, tuple[int, Any]] = {
    "bad_request": (400, _l("The request could not be understood.")),
    "invalid_json": (400, _l("The request body must be a JSON object.")),
    "csrf_failed": (
        400,
        _l("The form has expired or lacks a security token. Reload and try again."),
    ),
    "unauthenticated": (401, _l("You need to log in.")),
    "forbidden": (403, _l("You do not have access to this.")),
    "not_found": (404, _l("Not found.")),
    "method_not_allowed": (405, _l("That method is not allowed here.")),
    "conflict": (409, _l("A different record already exists with this id.")),
    "too_large": (413, _l("The upload is too large.")),
    "unsupported_media_type": (415, _l("Unsupported content type.")),
    "validation_failed": (422, _l("Some fields need fixing.")),
    "rate_limited": (429, _l("Too many attempts. Wait a while and try again.")),
    # A public report sent sooner after its page than a person fills one in (webapp/citizen).
    "too_soon": _SENT_AGAIN,
    # ... with a form token that has expired or was used: the outbox sends it with a fresh one.
    "form_expired": _SENT_AGAIN,
    # ... over the address's daily cap (webapp/citizen/integrity.py).
    "daily_limit": (
        429,
        _l("Many reports have come from this network today. Yours is kept and sent later."),
    ),
    "server_error": (500, _l("Something went wrong on our side. Your entry is kept; try again.")),
}

STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
}


class ApiProblem(Exception):
    """Raise anywhere in a request to answer with a catalogued problem."""

    def __init__(
        self, code: str, fields: dict[str, Any] | None = None, message: str | None = None
    ) -> None:
        super().__init__(code)
        self.code = code
        self.status = PROBLEMS[code][0]
        self.message = message
        self.fields = fields or {}


def problem_response(
    code: str, fields: dict[str, Any] | None = None, message: str | None = None
) -> Response:
    status, default_message = PROBLEMS[code]
    body: dict[str, Any] = {"code": code, "message": str(message or default_message)}
    if fields:
        body["fields"] = {key: str(value) for key, value in fields.items()}
    response = jsonify(error=body)
    response.status_code = status
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/")


# Path prefix -> renderer(status, code) for parts of the site that speak another error format
# (Open311 under /open311/). Routing 404s and 405s never reach a blueprint's own handler, so
# the app-wide handlers ask here first.
ERROR_FORMATS: dict[str, Callable[[int, str], Response]] = {}


def register_error_format(prefix: str, renderer: Callable[[int, str], Response]) -> None:
    ERROR_FORMATS[prefix] = renderer


def _other_format(status: int, code: str) -> Response | None:
    for prefix, renderer in ERROR_FORMATS.items():
        if request.path.startswith(prefix):
            return renderer(status, code)
    return None


# Endpoint -> what to record when a POST to it is refused for its CSRF token (its view never
# runs). Features add themselves here (auth: a refused login is a login attempt too), so core
# needs to know none of them.
CSRF_FAILURE_HOOKS: dict[str, Callable[[Exception], None]] = {}


def on_csrf_failure(endpoint: str, hook: Callable[[Exception], None]) -> None:
    CSRF_FAILURE_HOOKS[endpoint] = hook


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiProblem)
    def handle_problem(error: ApiProblem):  # type: ignore[no-untyped-def]
        if wants_json():
            return problem_response(error.code, error.fields, error.message)
        return render_error(error.status, error.code)

    @app.errorhandler(CSRFError)
    def handle_csrf(error: CSRFError):  # type: ignore[no-untyped-def]
        hook = CSRF_FAILURE_HOOKS.get(request.endpoint or "")
        if hook is not None and request.method == "POST":
            hook(error)
        if (other := _other_format(400, "csrf_failed")) is not None:
            return other
        if wants_json():
            return problem_response("csrf_failed")
        return render_form_lost()

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):  # type: ignore[no-untyped-def]
        code = STATUS_CODES.get(error.code or 500, "bad_request")
        if (other := _other_format(error.code or 400, code)) is not None:
            response = other
        elif wants_json():
            response = problem_response(code)
            response.status_code = error.code or 400
        else:
            response = app.make_response(render_error(error.code or 400, code))
        # Keep what the exception says besides its body, e.g. Allow on 405 (RFC 9110 requires it).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if (other := _other_format(500, "server_error")) is not None:
            return other
        if wants_json():
            return problem_response("server_error")
        return render_error(500, "server_error")


def render_form_lost() -> tuple[str, int]:
    """A form refused at its CSRF check: say whether the login has ended, and lead back to the
    form, where static/js/unsent-form.js offers what was typed (the server never saw it)."""
    view = current_app.view_functions.get(request.endpoint or "")
    logged_out = getattr(view, "needs_login", False) and not current_user.is_authenticated
    page = render_template(
        "core/errors/form_lost.html",
        status=400,
        message=PROBLEMS["csrf_failed"][1],
        logged_out=logged_out,
    )
    return page, 400


def render_error(status: int, code: str) -> tuple[str, int]:
    message = PROBLEMS.get(code, PROBLEMS["bad_request"])[1]
    return render_template("core/errors/error.html", status=status, message=message), status
