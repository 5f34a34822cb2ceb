"""Reading the access matrix and asking one route as one role.

The matrix (access_matrix.csv) has a row per route, method and target record, and a column per
role with the expected answer:

    200, 201, 400, 401, 403, 404, 405, 409, 410, 413, 422  the status code
    302>auth.login                                      a redirect, and the endpoint it goes to

Write routes get an empty body (a form, or `{}` for the API) with a valid CSRF token: a role
that may act gets past the access check to a validation answer (400/422 or a redirect back
with a message), a role that may not is refused (302 to the login, 401, 403 or 404) before any
validation. So the status tells the access decision apart without changing data.
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.security.world import ROLES, World, client_for

MATRIX = Path(__file__).with_name("access_matrix.csv")
IGNORED_METHODS = {"HEAD", "OPTIONS"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Routes whose record parameter is not the obvious one for its argument names.
TARGET_FAMILY = {
    "activities.detail": "meeting",
    "activities.edit": "meeting",
    "activities.follow_up_done": "meeting",
    "activities.new": "code",
    "walk_participant.join_code": "walk",
    "survey.answer_page": "survey",
    "survey.submit": "survey",
}
# Parameters that must be new for a write (a photo UUID the phone just made).
FRESH = {
    ("api.put_photo", "photo_id"),
    ("api.walk_spot_photo", "photo_id"),
}


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    target: str
    expected: dict[str, str]
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return self.endpoint, self.method, self.target


def load_matrix(path: Path = MATRIX) -> list[Row]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    reader = csv.DictReader(line for line in lines if not line.startswith("#"))
    rows = []
    for record in reader:
        rows.append(
            Row(
                endpoint=record["endpoint"].strip(),
                method=record["method"].strip(),
                target=record["target"].strip(),
                expected={role: record[role].strip() for role in ROLES},
                note=(record.get("note") or "").strip(),
            )
        )
    return rows


def route_methods(app: Flask) -> dict[tuple[str, str], Rule]:
    """(endpoint, method) -> rule, for every route of the app."""
    routes = {}
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            routes[(rule.endpoint, method)] = rule
    return routes


def default_targets(rule: Rule) -> list[str]:
    """The targets a new row would get (used to draft rows for new routes)."""
    args = set(rule.arguments)
    if not args:
        return ["-"]
    family = TARGET_FAMILY.get(rule.endpoint)
    if family == "code":
        return ["code:andt"]
    if family == "survey" or "survey_id" in args:
        return ["survey"]
    if "report_id" in args:
        return ["report"]
    if rule.endpoint == "admin.export_user":
        return ["user:officer", "user:officer:zip"]
    if args == {"name", "fmt"}:
        return ["dataset:observations.csv", "dataset:activities.geojson"]
    if family:
        return [f"{family}:{v}" for v in ("police", "municipality", "shared")]
    if "walk_id" in args:
        family = "walk"
    elif "observation_id" in args or args == {"photo_id"}:
        family = "observation"
    elif "activity_id" in args:
        family = "patrol"
    elif "measure_id" in args:
        family = "measure"
    elif "promise_id" in args:
        return ["promise"]
    elif "type_id" in args:
        return ["type"]
    elif "user_id" in args:
        return ["user:officer"]
    elif args == {"filename"}:
        return ["static"]
    elif args == {"package", "filename"}:
        return ["vendor"]
    else:
        return ["?"]
    return [f"{family}:{v}" for v in ("police", "municipality", "shared")]


def build_url(app: Flask, world: World, rule: Rule, target: str) -> str:
    values: dict[str, Any] = {}
    source = world.targets.get(target, {}) if target != "-" else {}
    for name in rule.arguments:
        if (rule.endpoint, name) in FRESH:
            values[name] = str(uuid.uuid4())
        elif name in source:
            values[name] = source[name]
        else:
            raise KeyError(f"target {target!r} has no value for {name!r} ({rule.endpoint})")
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, values, method=None)


def base_cookie(app: Flask, world: World, role: str) -> tuple[str | None, str]:
    """The role's session cookie (with a CSRF secret in it) and a CSRF token for it."""
    client = client_for(app, world, role)
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return (cookie.value if cookie else None), token


def ask(app: Flask, cookie: str | None, token: str, method: str, url: str) -> TestResponse:
    """One request from a fresh client holding `cookie`: no request changes the next one's
    session (a logout, a walk joined), only the database."""
    client: FlaskClient = app.test_client()
    if cookie:
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    kwargs: dict[str, Any] = {"headers": {"X-CSRFToken": token}}
    if method in WRITE_METHODS:
        if url.startswith("/api/"):
            kwargs["json"] = {}
        else:
            kwargs["data"] = {}
    response = client.open(url, method=method, **kwargs)
    # Read a streamed body to its end and close it, as a server would: a stream left open
    # would keep its database transaction (and on SQLite the write lock) for the next request.
    response.get_data()
    response.close()
    return response


def outcome(app: Flask, response: TestResponse) -> str:
    status = response.status_code
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        path = location.split("://", 1)[-1]
        path = "/" + path.split("/", 1)[1] if "://" in location else path
        path = path.split("?", 1)[0]
        try:
            endpoint, _ = app.url_map.bind("localhost").match(path, method="GET")
        except HTTPException:
            endpoint = path
        return f"{status}>{endpoint}"
    return str(status)


def text_of(response: TestResponse) -> str:
    """The body as text if it is text (pages, JSON, scripts), else "" (photos, PDF, ZIP)."""
    kind = response.mimetype or ""
    if kind.startswith("text/") or "json" in kind or kind.endswith(("javascript", "+xml")):
        return response.get_data(as_text=True)
    return ""
