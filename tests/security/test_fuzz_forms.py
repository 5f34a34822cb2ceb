"""Every HTML form and every route parameter, driven with hostile values: never a server error.

test_fuzz_api.py fuzzes the JSON API from its OpenAPI document; this covers what the document
does not: the HTML forms, every route's path parameters (pages and API alike) and the query
strings of pages. Nothing is listed by hand (tests/security/formfuzz.py):
- pages: every GET route of `app.url_map`, with real records of each visibility as parameters;
- forms: GET each page as each role (anonymous, walk participant, officer, staff, coordinator,
  admin) and parse its <form>s; each is sent back with one to three fields replaced by hostile
  values drawn by hypothesis (NUL and control characters, bidi controls, numbers past 64 bits,
  year 9999, deep JSON, the nil UUID, formulas, random text...) while the others keep what the
  page offered, so that the hostile value reaches the code behind the other checks; then every
  field of every distinct form is swept with each value that once broke a form (SWEEP). When
  the answer redirects to a stored entry's page, that page must render too;
- route parameters: each parameter of each route and method, as a role in turn, with hostile
  path segments, the others real;
- query strings: each page with hostile values for the parameter names its forms and links use.
The counts are printed. FORM_FUZZ_SCALE (default 1.0) scales the number of cases.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from tests.security.formfuzz import (
    HOSTILE_PATH,
    SESSION_ENDING,
    SWEEP,
    Form,
    fill_rule,
    hostile_text,
    hostile_value,
    page_urls,
    parse_page,
    plausible,
    query_names,
    real_values,
    routes_with_parameters,
)
from tests.security.matrix import base_cookie
from tests.security.world import World, build_world
from webapp.auth.models import User
from webapp.extensions import db

SCALE = float(os.environ.get("FORM_FUZZ_SCALE", "1.0"))
FORM_EXAMPLES = max(5, int(22 * SCALE))
QUERY_EXAMPLES = max(2, int(8 * SCALE))
# Downloads (PDF, ZIP, CSV) cost a whole document each: a few hostile query strings suffice.
DOWNLOAD_QUERY_EXAMPLES = 2
MINIMUM_CASES = int(10_000 * min(SCALE, 1.0))
# The participant and the roles with accounts; admin last: its forms act on accounts.
ROLES = ("anonymous", "participant", "officer", "staff", "coordinator", "admin")
TRACE_SIGNS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.exc", "psycopg.")
# Query parameters our pages read, besides those found in their forms and links.
COMMON_QUERY = {"page", "status", "next", "since", "until", "days", "promise", "type", "week"}


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


class Persona:
    """One role's session cookie, asked through a fresh client per request (as matrix.ask)."""

    def __init__(self, app: Flask, world: World, role: str) -> None:
        self.app, self.world, self.role = app, world, role
        self.renew()

    def renew(self) -> None:
        """A working session again, after a fuzz case disabled the account or ended sessions."""
        if self.role in self.world.users:
            with self.app.app_context():
                user = db.session.get(User, self.world.users[self.role].id)
                if user is not None and not user.active:
                    user.active = True
                    db.session.commit()
        self.cookie, self.token = base_cookie(self.app, self.world, self.role)

    def send(self, method: str, url: str, **kwargs: Any) -> TestResponse:
        client = self.app.test_client()
        if self.cookie:
            client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], self.cookie)
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        response = client.open(url, method=method, headers=headers, **kwargs)
        # Read a streamed body to its end and close it, as a server would (matrix.ask).
        response.get_data()
        response.close()
        return response


class Tally:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []

    def check(self, kind: str, what: str, response: TestResponse) -> None:
        self.counts[kind] += 1
        self.statuses[response.status_code] += 1
        body = response.get_data(as_text=True) if _is_text(response) else ""
        if response.status_code >= 500:
            self.failures.append(f"{what}: {response.status_code}")
        elif any(sign in body for sign in TRACE_SIGNS):
            self.failures.append(f"{what}: a stack trace in a {response.status_code} body")


def _is_text(response: TestResponse) -> bool:
    kind = response.mimetype or ""
    return kind.startswith("text/") or "json" in kind


def _settings(examples: int):  # type: ignore[no-untyped-def]
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def _endpoint(app: Flask, url: str, method: str) -> str:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(urlsplit(url).path, method=method)
    except HTTPException:
        return ""
    return endpoint


def discover(
    app: Flask, personas: dict[str, Persona], tally: Tally
) -> tuple[list, set[str], set[str]]:
    """(role, form) for every distinct form each role is shown, the query names seen, and the
    pages that answered with a download rather than a page or JSON."""
    forms: dict[tuple, tuple[str, Form]] = {}
    names = set(COMMON_QUERY)
    downloads: set[str] = set()
    for role, persona in personas.items():
        for url in page_urls(app, persona.world):
            response = persona.send("GET", url)
            tally.check("pages", f"{role} GET {url}", response)
            if response.status_code == 200 and not _is_text(response):
                downloads.add(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            found, links = parse_page(url, response.get_data(as_text=True))
            names |= query_names(found, links)
            for form in found:
                if urlsplit(form.action).netloc not in ("", "localhost"):
                    continue
                if SESSION_ENDING.search(_endpoint(app, form.action, form.method)):
                    continue
                forms.setdefault((role, *form.key), (role, form))
    return list(forms.values()), names, downloads


@st.composite
def _form_data(draw: st.DrawFn, form: Form, extra_names: list[str]) -> dict[str, Any]:
    """The form as the page offered it, with one to three fields (or an extra one) hostile."""
    names = [name for name in form.fields if name != "csrf_token"]
    pool = names or extra_names
    hostile = set(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3)))
    data: dict[str, Any] = {}
    for name, item in form.fields.items():
        if name in hostile:
            data[name] = draw(hostile_value(item))
        elif name != "csrf_token" and (value := plausible(item)) is not None:
            data[name] = value
    for name in hostile - set(form.fields):
        data[name] = draw(hostile_text())
    return data


def send_form(persona: Persona, form: Form, data: dict[str, Any], tally: Tally) -> None:
    """Send the form; a stored entry's page (where the answer redirects) must render too."""
    what = f"{persona.role} {form.method} {urlsplit(form.action).path} {_short(data)}"
    if form.method == "GET":
        response = persona.send("GET", form.action, query_string=data)
    else:
        data = {**data, "csrf_token": persona.token} if "csrf_token" in form.fields else data
        response = persona.send(form.method, form.action, data=data)
    tally.check("form fields", what, response)
    location = urlsplit(response.headers.get("Location", ""))
    if (
        response.status_code in (302, 303)
        and location.netloc in ("", "localhost")
        and not location.path.startswith("/login")
    ):
        target = location.path + (f"?{location.query}" if location.query else "")
        tally.check("pages", f"{what} -> {target}", persona.send("GET", target))


def fuzz_form(persona: Persona, form: Form, extra: list[str], tally: Tally) -> None:
    """Random hostile values (hypothesis) in one to three fields at a time."""

    @given(data=_form_data(form, extra))
    @_settings(FORM_EXAMPLES)
    def run(data: dict[str, Any]) -> None:
        send_form(persona, form, data, tally)

    run()
    persona.renew()


def sweep_form(persona: Persona, form: Form, tally: Tally) -> None:
    """Each field in turn with each value that broke something once, the others as offered."""
    baseline = {
        name: value
        for name, item in form.fields.items()
        if name != "csrf_token" and (value := plausible(item)) is not None
    }
    for name, item in form.fields.items():
        if name == "csrf_token" or item.kind == "file":
            continue
        for value in SWEEP:
            send_form(persona, form, {**baseline, name: value}, tally)
    persona.renew()


def fuzz_route_parameters(app: Flask, personas: dict[str, Persona], tally: Tally) -> None:
    roles = list(personas)
    turn = 0
    for rule, method in routes_with_parameters(app):
        if method != "GET" and SESSION_ENDING.search(rule.endpoint):
            continue
        real = real_values(app, next(iter(personas.values())).world, rule)
        for name in sorted(rule.arguments):
            for value in HOSTILE_PATH:
                persona = personas[roles[turn % len(roles)]]
                turn += 1
                url = fill_rule(rule, {**real, name: value})
                kwargs: dict[str, Any] = {}
                if method in ("POST", "PUT", "PATCH", "DELETE"):
                    kwargs = {"json": {}} if url.startswith("/api/") else {"data": {}}
                response = persona.send(method, url, **kwargs)
                tally.check("route parameters", f"{persona.role} {method} {url[:120]}", response)
    for persona in personas.values():
        persona.renew()


def fuzz_query_strings(
    persona: Persona, names: list[str], downloads: set[str], tally: Tally
) -> None:
    for url in page_urls(persona.app, persona.world):
        examples = DOWNLOAD_QUERY_EXAMPLES if url in downloads else QUERY_EXAMPLES
        _fuzz_query(persona, url, names, examples, tally)


def _fuzz_query(persona: Persona, url: str, names: list[str], examples: int, tally: Tally) -> None:
    @given(query=st.dictionaries(st.sampled_from(names), hostile_text(), min_size=1, max_size=3))
    @_settings(examples)
    def run(query: dict[str, str]) -> None:
        response = persona.send("GET", url, query_string=query)
        tally.check("query strings", f"{persona.role} GET {url} {_short(query)}", response)

    run()


def _short(data: dict[str, Any]) -> str:
    return repr({k: (v[:40] if isinstance(v, str) else type(v).__name__) for k, v in data.items()})[
        :300
    ]


def test_no_form_field_route_parameter_or_query_string_gets_a_server_error(app, world, capsys):
    tally = Tally()
    personas = {role: Persona(app, world, role) for role in ROLES}
    forms, names, downloads = discover(app, personas, tally)
    extra = sorted({name for _role, form in forms for name in form.fields} - {"csrf_token"})
    swept = set()
    for role, form in forms:
        fuzz_form(personas[role], form, extra, tally)
        if form.key not in swept:  # the same form shown to several roles: swept once
            swept.add(form.key)
            sweep_form(personas[role], form, tally)
    fuzz_route_parameters(app, personas, tally)
    for role in ("coordinator", "officer"):
        fuzz_query_strings(personas[role], sorted(names), downloads, tally)

    total = sum(tally.counts.values())
    hostile = total - tally.counts["pages"]
    with capsys.disabled():
        print(
            f"\nform fuzz on {db_name(app)}: {hostile} hostile requests of {total} — "
            + ", ".join(f"{kind} {n}" for kind, n in sorted(tally.counts.items()))
            + f"; {len(forms)} forms (role x form) found; statuses "
            + ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items()))
            + f"; server errors {len(tally.failures)}"
        )
    assert len(forms) >= 20, "the pages showed fewer forms than the app has: discovery broke"
    assert hostile >= MINIMUM_CASES
    assert tally.failures == [], "\n".join(sorted(set(tally.failures))[:60])


def db_name(app: Flask) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
