"""The versioned JSON API under /api/v1 (session cookie + X-CSRFToken header for browsers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..errors import ApiProblem


class ApiBlueprint(Blueprint):
    """The API blueprint; feature packages add their routes to it from create_app().

    Flask refuses additions to a blueprint after its first registration, so a second app in the
    same process (tests, a dispatcher) would fail when create_app() adds the same routes again.
    Those routes are already recorded and replayed for every app, so an exact repeat (same rule,
    same endpoint) is skipped; a genuinely new route after registration still raises.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rules_added: set[tuple[str, str | None]] = set()

    def add_url_rule(  # type: ignore[override]
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        **options: Any,
    ) -> None:
        key = (rule, endpoint or (view_func.__name__ if view_func else None))
        if self._got_registered_once and key in self._rules_added:
            return
        super().add_url_rule(rule, endpoint, view_func, **options)
        self._rules_added.add(key)


bp = ApiBlueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/csrf-token")
def csrf_token():  # type: ignore[no-untyped-def]
    """A fresh token for the outbox before each flush (tokens may have expired meanwhile)."""
    response = jsonify(csrf_token=generate_csrf(), authenticated=current_user.is_authenticated)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/me")
def me():  # type: ignore[no-untyped-def]
    if not current_user.is_authenticated:
        raise ApiProblem("unauthenticated")
    return jsonify(
        id=current_user.id,
        username=current_user.username,
        display_name=current_user.display_name,
        role=current_user.role,
        organisation=current_user.organisation,
    )


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    from .openapi import build_openapi

    return jsonify(build_openapi())
