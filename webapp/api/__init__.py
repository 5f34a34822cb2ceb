"""The versioned JSON API under /api/v1 (session cookie + X-CSRFToken header for browsers)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from webapp.core.apiwrite import no_store
from webapp.core.errors import ApiProblem


def create_api_blueprint() -> Blueprint:
    """A fresh API blueprint for each app; feature packages then add their routes to it.

    One per app because Flask refuses routes added to a blueprint after its first registration,
    and tests (or a dispatcher) build several apps in one process.
    """
    bp = Blueprint("api", __name__, url_prefix="/api/v1")
    bp.add_url_rule("/csrf-token", view_func=csrf_token, methods=["GET"])
    bp.add_url_rule("/me", view_func=me, methods=["GET"])
    # Endpoint "api.openapi"; the function has another name because the submodule
    # webapp.api.openapi replaces a package attribute called "openapi" once it is imported.
    bp.add_url_rule("/openapi.json", "openapi", view_func=openapi_document, methods=["GET"])
    return bp


def csrf_token():  # type: ignore[no-untyped-def]
    """A fresh token for the outbox before each flush (tokens may have expired meanwhile)."""
    return no_store(
        jsonify(csrf_token=generate_csrf(), authenticated=current_user.is_authenticated)
    )


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


def openapi_document():  # type: ignore[no-untyped-def]
    from webapp.api.openapi import build_openapi

    return jsonify(build_openapi())
