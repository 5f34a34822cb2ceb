"""The versioned JSON API under /api/v1 (session cookie + X-CSRFToken header for browsers)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..errors import ApiProblem

bp = Blueprint("api", __name__, url_prefix="/api/v1")


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
