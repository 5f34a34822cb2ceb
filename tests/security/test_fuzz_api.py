"""Schema-based fuzzing of /api/v1 from its own OpenAPI document (schemathesis + hypothesis).

Every operation gets generated requests — valid, and also invalid ones with wrong types,
missing fields, junk path ids, hostile strings and binary bodies — as an officer, as a
coordinator and as a walk participant, logged in with a CSRF token, in-process over WSGI. Path
ids are sometimes swapped for real ones so that the code behind the access checks is reached.
No request may produce a 5xx, a stack trace, or an error outside the JSON error format.

FUZZ_EXAMPLES (default 60) sets the examples per operation and persona: 24 operations × 3
personas × 60 ≈ 4,300 requests in about a minute.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from tests.security.matrix import base_cookie
from tests.security.world import World, build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
PERSONAS = ("officer", "coordinator", "participant")
TRACE_SIGNS = (
    "Traceback (most recent call last)",
    'File "/',
    "sqlalchemy.exc",
    "werkzeug.exceptions",
)


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


def _operations(app: Flask) -> list[Any]:
    config = schemathesis.config.SchemathesisConfig()
    config.projects.default.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    return [result.ok() for result in schema.get_all_operations()]


def _real_ids(world: World) -> dict[str, list[Any]]:
    """Ids of real records for each path parameter name, of every visibility."""
    ids: dict[str, list[Any]] = {}
    for target in world.targets.values():
        for name, value in target.items():
            if name.endswith("_id"):
                ids.setdefault(name, []).append(value)
    return {name: sorted(set(values), key=str) for name, values in ids.items()}


def test_the_fuzzer_reaches_every_documented_operation(app):
    """tests/observations/test_openapi.py checks the document against the URL map; this checks
    that the fuzzer sees every documented operation but the document itself."""
    operations = {(op.method.upper(), "/api/v1" + op.path) for op in _operations(app)}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, path) in operations, (method, path)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_generated_request_gets_a_server_error_or_a_stack_trace(app, world, persona):
    cookie, token = base_cookie(app, world, persona)
    headers = {"X-CSRFToken": token, "Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}
    real_ids = _real_ids(world)
    failures: list[str] = []
    calls = 0

    for operation in _operations(app):
        names = [p.name for p in operation.path_parameters]
        swap = st.fixed_dictionaries(
            {
                name: st.none() | st.sampled_from(real_ids[name])
                for name in names
                if name in real_ids
            }
        )

        @given(case=operation.as_strategy(), swap=swap)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any, swap: dict[str, Any]) -> None:
            nonlocal calls
            for name, value in swap.items():
                if value is not None and case.path_parameters is not None:
                    case.path_parameters[name] = value
            response = case.call(headers=headers)
            calls += 1
            problem = _problem(response)
            if problem:
                failures.append(f"{case.method} {case.formatted_path}: {problem}")

        run()

    assert calls >= len(_operations(app)) * EXAMPLES * 0.5
    assert failures == [], "\n".join(sorted(set(failures))[:40])


def _problem(response: Any) -> str | None:
    status = response.status_code
    body = response.content.decode("utf-8", "replace") if response.content else ""
    if status >= 500:
        return f"{status} {body[:200]}"
    if any(sign in body for sign in TRACE_SIGNS):
        return f"{status}: a stack trace or internal name in the body"
    if status >= 400:
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            return f"{status} without the JSON error format: {body[:120]}"
        if not isinstance(error.get("code"), str) or not isinstance(error.get("message"), str):
            return f"{status} with a malformed error: {body[:120]}"
    return None
