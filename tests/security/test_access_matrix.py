"""Every route × every role answers as access_matrix.csv says, and no answer leaks.

The matrix is the reviewable statement of who may do what; this test walks the app's URL map,
so a new route without a row fails here, and asks every row as every role against real records
of each visibility. Each response body is also searched for the markers and ids of records the
role may not read (see tests/security/world.py).

After adding a route: run with MATRIX_DRAFT=/tmp/draft to get the observed answers as rows
(python -m tests.security.draft_matrix /tmp/draft merges them), then check each against the rules
in DESIGN.md §3 before putting it into the CSV.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from tests.security.matrix import (
    WRITE_METHODS,
    ask,
    base_cookie,
    build_url,
    default_targets,
    load_matrix,
    outcome,
    route_methods,
    text_of,
)
from tests.security.world import ROLES, World, build_world


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


def test_every_route_and_method_has_a_row_in_the_matrix(app):
    covered = {(row.endpoint, row.method) for row in load_matrix()}
    missing = sorted(set(route_methods(app)) - covered)
    drafts = [
        f"{endpoint},{method},{target},?,?,?,?,?,?"
        for endpoint, method in missing
        for target in default_targets(route_methods(app)[(endpoint, method)])
    ]
    assert not missing, "routes without a row in access_matrix.csv:\n" + "\n".join(drafts)


def test_the_matrix_names_only_existing_routes_roles_and_outcomes(app, world):
    routes = route_methods(app)
    problems = []
    seen = set()
    for row in load_matrix():
        if (row.endpoint, row.method) not in routes:
            problems.append(f"no such route: {row.key}")
            continue
        if row.key in seen:
            problems.append(f"duplicate row: {row.key}")
        seen.add(row.key)
        rule = routes[(row.endpoint, row.method)]
        if rule.arguments and row.target not in world.targets:
            problems.append(f"unknown target {row.target!r} for {row.key}")
        if not rule.arguments and row.target != "-":
            problems.append(f"{row.key}: a route without parameters takes target '-'")
        for role, expected in row.expected.items():
            status = expected.split(">", 1)[0]
            if not (status.isdigit() and 200 <= int(status) < 600):
                problems.append(f"{row.key} {role}: bad outcome {expected!r}")
    assert problems == []


def test_every_record_route_is_tried_with_a_record_of_each_visibility():
    by_route: dict[tuple[str, str], set[str]] = {}
    for row in load_matrix():
        by_route.setdefault((row.endpoint, row.method), set()).add(row.target)
    families = ("observation", "patrol", "meeting", "measure", "walk")
    for (endpoint, method), targets in by_route.items():
        for family in families:
            if any(t.startswith(family + ":") for t in targets):
                wanted = {f"{family}:{v}" for v in ("police", "municipality", "shared")}
                assert wanted <= targets, (endpoint, method, sorted(targets))


# Logout, "log out on all devices" and leaving a walk end the session on the server: the shared
# cookie would be dead for every later row.
SESSION_ENDING = frozenset({"auth.logout", "auth.logout_everywhere", "walk_participant.leave"})


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_matrix_says(app, world, role):
    routes = route_methods(app)
    cookie, token = base_cookie(app, world, role)
    rows = [row for row in load_matrix() if (row.endpoint, row.method) in routes]
    # Reads first: a write that gets through (a patrol stopped, a code renewed) then cannot
    # change what a later read of the same record answers. Routes that end sessions on the
    # server come last, each with a login of its own.
    rows.sort(key=lambda row: (row.method in WRITE_METHODS, row.endpoint in SESSION_ENDING))
    mismatches, leaks, observed = [], [], {}
    for row in rows:
        url = build_url(app, world, routes[(row.endpoint, row.method)], row.target)
        if row.endpoint in SESSION_ENDING:
            cookie, token = base_cookie(app, world, role)
        response = ask(app, cookie, token, row.method, url)
        got = outcome(app, response)
        observed["|".join(row.key)] = got
        if got != row.expected[role]:
            mismatches.append(
                f"{row.method} {url} [{row.target}] expected {row.expected[role]}, got {got}"
            )
        body = text_of(response)
        # An id the caller put in the URL may come back (a login link's `next`): not a leak.
        forbidden = world.forbidden_strings(role, row.endpoint, row.target)
        found = sorted(s for s in forbidden if s in body and s not in url)
        if found:
            leaks.append(f"{row.method} {url} shows {found}")
        assert response.status_code < 500, f"{row.method} {url} -> {response.status_code}"
    _write_draft(role, observed)
    assert mismatches == [], "\n".join(mismatches)
    assert leaks == [], "\n".join(leaks)


def _write_draft(role: str, observed: dict[str, str]) -> None:
    folder = os.environ.get("MATRIX_DRAFT")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, f"{role}.json").write_text(json.dumps(observed, indent=1))


# --- ids nobody has: refused or not found, never a server error ------------------------------


def _made_up_url(app: Flask, rule) -> str:  # type: ignore[no-untyped-def]
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            values[name] = 987654
        elif converter.__class__.__name__ == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = str(uuid.uuid4())
    return app.url_map.bind("localhost").build(rule.endpoint, values)


@pytest.mark.parametrize("persona", ["officer", "staff", "coordinator", "admin", "outsider"])
def test_no_route_answers_500_to_any_persona_with_made_up_ids(app, request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    failures = []
    for (endpoint, method), rule in sorted(route_methods(app).items()):
        if endpoint in ("auth.logout", "static", "field.vendor"):
            continue
        kwargs = {"headers": {"X-CSRFToken": token}}
        if method in WRITE_METHODS:
            kwargs["json"] = {}
        url = _made_up_url(app, rule)
        response = client.open(url, method=method, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{method} {url} -> {response.status_code}")
    assert failures == []
