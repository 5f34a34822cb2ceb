"""The steps every idempotent create in the API shares.

The validation verdict (422 with the fields to fix), the store that may meet other content under
the same client id (409), and the answer: 201 the first time, 200 for a replay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify, make_response

from webapp.core.errors import ApiProblem
from webapp.core.idempotency import ConflictError

Clean = TypeVar("Clean")
Stored = TypeVar("Stored")


def valid_or_problem(verdict: tuple[Clean | None, dict[str, Any]]) -> Clean:
    """The clean record of a validator's (clean, errors), or ApiProblem validation_failed."""
    clean, errors = verdict
    if clean is None:
        raise ApiProblem("validation_failed", fields=errors)
    return clean


def store_or_problem(
    store: Callable[..., Stored], *args: Any, conflict: type[Exception] = ConflictError
) -> Stored:
    """store(*args), with other content under the same id answered as ApiProblem conflict."""
    try:
        return store(*args)
    except conflict:
        raise ApiProblem("conflict") from None


def stored_response(body: Any, created: bool, location: str | None = None) -> Response:
    """201 with its Location for a new record, 200 for a replay of the same content."""
    response = jsonify(body)
    response.status_code = 201 if created else 200
    if created and location:
        response.headers["Location"] = location
    return response


def no_store(*answer: Any) -> Response:
    """A per-session answer (a token, a secret shown once) that no cache may keep.

    `answer` is what a view may return (a response, or a page and its status): make_response's.
    """
    response = make_response(*answer)
    response.headers["Cache-Control"] = "no-store"
    return response
