"""Reading a JSON request body without ever turning bad input into a 500."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from webapp.core.errors import ApiProblem


def json_body() -> Any:
    """The parsed JSON body (any JSON value; the validator decides what shape it must have).

    Reading the body raises 413 past MAX_CONTENT_LENGTH. Deeply nested input makes the json
    module raise RecursionError rather than ValueError, which Flask does not turn into a 400.
    """
    if not request.is_json:
        raise ApiProblem(
            "unsupported_media_type", message=_("Send JSON (Content-Type: application/json).")
        )
    try:
        return request.get_json()
    except (BadRequest, RecursionError):
        raise ApiProblem("invalid_json") from None
