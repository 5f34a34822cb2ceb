"""API routes declared next to their views, for a blueprint that is made elsewhere.

The /api/v1 blueprint is made afresh for each app (webapp.api.create_api_blueprint), so a
feature cannot decorate its views with `@bp.get` at import time. It collects them in a
RouteTable instead, `@routes.get("/rule")` as with a blueprint, and `register(bp)` adds them
to the app's blueprint. The endpoint is the view's name unless one is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint

View = TypeVar("View", bound=Callable[..., Any])


class RouteTable:
    def __init__(self) -> None:
        self._routes: list[tuple[str, str | None, Callable[..., Any], list[str]]] = []

    def route(
        self, rule: str, methods: list[str], endpoint: str | None = None
    ) -> Callable[[View], View]:
        def add(view: View) -> View:
            self._routes.append((rule, endpoint, view, methods))
            return view

        return add

    def get(self, rule: str, endpoint: str | None = None) -> Callable[[View], View]:
        return self.route(rule, ["GET"], endpoint)

    def post(self, rule: str, endpoint: str | None = None) -> Callable[[View], View]:
        return self.route(rule, ["POST"], endpoint)

    def put(self, rule: str, endpoint: str | None = None) -> Callable[[View], View]:
        return self.route(rule, ["PUT"], endpoint)

    def register(self, bp: Blueprint) -> None:
        for rule, endpoint, view, methods in self._routes:
            bp.add_url_rule(rule, endpoint=endpoint, view_func=view, methods=methods)
