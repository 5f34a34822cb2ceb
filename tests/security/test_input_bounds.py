"""Every input gets a clear 4xx, never a 5xx, on SQLite and PostgreSQL (issue 16).

- integer ids and page numbers past what the columns hold, in routes, query strings and bodies;
- one text check for HTML forms and the JSON API (NUL, control characters, bidi controls);
- deep JSON and stops of another walk in the walk plan, and dates outside a sane range;
- the nil UUID as a record id.
The property-based sweep over every form and route is in test_fuzz_forms.py.
"""

from __future__ import annotations

import inspect
import json
import pkgutil
from importlib import import_module

import pytest
from flask import Flask
from flask_wtf import FlaskForm

import webapp
from tests.conftest import api_post, form_csrf_token
from tests.observations.conftest import payload
from tests.security.world import World, build_world
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.walks.models import SafetyWalk

NIL = "00000000-0000-0000-0000-000000000000"
BIDI = "Lampan \u202egnissas\u202c vid torget"


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


def _token(client, url: str) -> str:  # type: ignore[no-untyped-def]
    return form_csrf_token(client.get(url).get_data(as_text=True))


# --- integer ids and page numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/walks/9223372036854775808",
        "/walks/2147483648",
        "/walks/99999999999999999999/protocol",
        "/measures/2147483648",
        "/measures/9223372036854775808/edit",
        "/promises/2147483648/edit",
        "/citizen/surveys/9223372036854775808",
        "/api/v1/walks/2147483648",
        "/api/v1/walks/9223372036854775808/spots",
        "/admin/users/2147483648/export.zip",
    ],
)
def test_integer_ids_beyond_the_columns_are_not_found(world, as_user, url):
    response = as_user(world.users["coordinator"]).get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/review/", "/admin/audit"])
@pytest.mark.parametrize("page", ["99999999999999999999", "9223372036854775807", "2147483648"])
def test_page_numbers_beyond_any_list_are_not_found(world, as_user, url, page):
    response = as_user(world.users["coordinator"]).get(url, query_string={"page": page})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["99999999999999999999", "2147483648", "²", "٣", "-1"])
def test_ids_in_query_strings_are_bounded(world, as_user, value):
    client = as_user(world.users["coordinator"])
    assert client.get("/activities/", query_string={"promise": value}).status_code == 200
    assert client.get("/reports/", query_string={"promise": value}).status_code == 422
    geojson = client.get("/api/v1/observations.geojson", query_string={"promise": value})
    assert geojson.status_code == 422
    assert "promise" in geojson.get_json()["error"]["fields"]


@pytest.mark.parametrize("value", ["99999999999999999999", "2147483648", "²"])
def test_ids_in_form_bodies_are_bounded(app, world, as_user, value):
    client = as_user(world.users["coordinator"])
    observation = world.targets["observation:shared"]["observation_id"]
    token = _token(client, "/review/")
    linked = client.post(
        "/review/bulk",
        data={"csrf_token": token, "ids": observation, "action": "link", "measure_id": value},
    )
    assert linked.status_code == 302  # back to the queue: "Choose a measure to link to."
    report = world.targets["report"]["report_id"]
    merged = client.post(
        f"/citizen/reports/{report}/merge",
        data={"csrf_token": token, "target": "measure", "measure_id": value},
    )
    assert merged.status_code == 302  # back to the report: "Choose what to merge it with."


@pytest.mark.parametrize("value", [2**31, 2**63, 10**20])
def test_ids_in_json_bodies_are_bounded(world, as_user, value):
    client = as_user(world.users["officer"])
    response = api_post(client, "/api/v1/observations", payload(walk_id=value))
    assert response.status_code == 422
    assert "walk_id" in response.get_json()["error"]["fields"]


def test_one_bounded_converter_serves_every_integer_route(app):
    from webapp.core.inputs import MAX_ID, BoundedIntConverter

    integer_rules = [
        (rule.rule, name)
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if "Integer" in type(converter).__name__ or "Int" in type(converter).__name__
    ]
    assert integer_rules
    for rule in app.url_map.iter_rules():
        for converter in rule._converters.values():
            if "Int" in type(converter).__name__:
                assert isinstance(converter, BoundedIntConverter), rule.rule
                assert converter.max == MAX_ID


# --- one text check for forms and API ---------------------------------------------------------


@pytest.mark.parametrize("text", ["Trasig\x00lampa", "Trasig\x1b[31mlampa", BIDI, "a\u2066b\u2069"])
def test_html_forms_refuse_what_the_api_refuses(app, world, as_user, text):
    """The same message for the same mistake, and nothing stored (issue 16)."""
    coordinator = as_user(world.users["coordinator"])
    token = _token(coordinator, "/measures/new")
    form = coordinator.post(
        "/measures/new",
        data={"csrf_token": token, "title": text, "owner": "police", "priority": "medium",
              "visibility": "shared"},
    )  # fmt: skip
    api = api_post(as_user(world.users["officer"]), "/api/v1/observations", payload(note=text))

    assert form.status_code == 422
    assert "Texten innehåller tecken som inte är tillåtna" in form.get_data(as_text=True)
    assert api.status_code == 422
    assert api.get_json()["error"]["fields"]["note"].startswith("Texten innehåller tecken")
    with app.app_context():  # nothing stored (PostgreSQL cannot even be asked about a NUL)
        titles = db.session.execute(db.select(Measure.title)).scalars().all()
        assert not [t for t in titles if any(mark in t for mark in ("lampa", "\u2066", "\u202e"))]


@pytest.mark.parametrize("text", ["\x00", "\u202e"])
def test_login_and_join_forms_refuse_unclean_text_without_a_server_error(world, client, text):
    token = _token(client, "/login")
    login = client.post("/login", data={"csrf_token": token, "username": text, "password": "x"})
    join = client.post("/walk/join", data={"csrf_token": token, "code": text})
    assert 400 <= login.status_code < 500 or login.status_code == 200
    assert join.status_code < 500


@pytest.mark.parametrize("text", ["a\x00b", "\u202e"])
def test_codes_with_unclean_text_are_unknown_before_any_query(world, as_user, text):
    """Found by the form fuzz on PostgreSQL: an area code with NUL reached the database."""
    client = as_user(world.users["officer"])
    response = api_post(client, "/api/v1/activities", {"activity_type": "fotpatrull", "area": text})
    assert response.status_code == 422
    assert "area" in response.get_json()["error"]["fields"]


def test_query_strings_of_pages_refuse_nul_and_bidi(world, as_user):
    client = as_user(world.users["coordinator"])
    for query in ({"action": "walk\x00"}, {"actor": "\u202eadmin"}, {"status": "new\x00"}):
        assert client.get("/admin/audit", query_string=query).status_code == 422
        assert client.get("/review/", query_string=query).status_code == 422


def test_every_form_of_the_app_has_the_shared_checks():
    """Each form derives from webapp.core.forms.Form, so none can skip the text and date checks."""
    from webapp.core.forms import Form

    forms = []
    for info in pkgutil.walk_packages(webapp.__path__, "webapp."):
        module = import_module(info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, FlaskForm) and value.__module__ == module.__name__:
                forms.append(value)
    assert len(forms) >= 10
    assert [f for f in forms if not issubclass(f, Form)] == []


# --- the walk plan ----------------------------------------------------------------------------


def _plan(client, url: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "csrf_token": _token(client, url),
        "name": "Kvällsvandring",
        "day": "2030-10-14",
        "start_time": "18:30",
        "light": "after_dark",
        "visibility": "shared",
        "status": "planned",
        **fields,
    }
    return client.post(url, data=data)


def _walk_count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.execute(db.select(SafetyWalk.id)).all())


@pytest.mark.parametrize(
    "fields",
    [
        {"route": "[" * 100_000},
        {"route": '{"type": "LineString", "coordinates": ' + "[" * 5000 + "]" * 5000 + "}"},
        {"stops": "[" * 5000},
        {"stops": "[" + '{"a":' * 3000},
    ],
    ids=["route-brackets", "route-deep-coordinates", "stops-brackets", "stops-objects"],
)
def test_a_deeply_nested_route_or_stop_list_is_a_field_message(app, world, as_user, fields):
    before = _walk_count(app)
    response = _plan(as_user(world.users["coordinator"]), "/walks/new", **fields)
    assert response.status_code == 422
    assert _walk_count(app) == before


def test_a_stop_of_another_walk_in_a_new_plan_is_refused(app, world, as_user):
    other_stop = world.targets["walk:police"]["stop_id"]
    stops = json.dumps([{"id": other_stop, "name": "Torget", "lat": 59.8366, "lon": 13.144}])
    before = _walk_count(app)
    response = _plan(as_user(world.users["coordinator"]), "/walks/new", stops=stops)
    assert response.status_code == 422
    assert "Ett stopp från en annan vandring" in response.get_data(as_text=True)
    assert _walk_count(app) == before


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_a_walk_dated_outside_a_sane_range_is_refused_and_every_page_still_renders(
    app, world, as_user, day
):
    coordinator = as_user(world.users["coordinator"])
    before = _walk_count(app)
    response = _plan(coordinator, "/walks/new", day=day, start_time="23:59")
    assert response.status_code == 422
    assert _walk_count(app) == before
    assert coordinator.get("/walks/").status_code == 200


@pytest.mark.parametrize(
    "url, fields",
    [
        ("/measures/new", {"title": "Belysning", "owner": "police", "priority": "medium",
                           "visibility": "shared", "deadline": "9999-12-31"}),
        ("/promises/new", {"title": "Löfte", "starts_on": "0001-01-01"}),
        ("/citizen/surveys/new", {"title": "Enkät", "opens_on": "2026-01-01",
                                  "closes_on": "9999-12-31"}),
    ],
)  # fmt: skip
def test_dates_outside_the_sane_range_are_refused_on_every_form(world, as_user, url, fields):
    client = as_user(world.users["coordinator"])
    response = client.post(url, data={"csrf_token": _token(client, url), **fields})
    assert response.status_code == 422
    assert "Välj ett datum från 2000-01-01" in response.get_data(as_text=True)


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_times_at_the_ends_of_the_calendar_are_refused_by_the_api(world, as_user, when):
    client = as_user(world.users["officer"])
    response = api_post(client, "/api/v1/observations", payload(observed_at=when))
    assert response.status_code == 422
    assert "observed_at" in response.get_json()["error"]["fields"]


# --- the nil UUID -----------------------------------------------------------------------------


@pytest.mark.parametrize("nil", [NIL, NIL.upper(), "{" + NIL + "}", NIL.replace("-", "")])
def test_the_nil_uuid_is_not_a_record_id(app, world, as_user, nil):
    officer = as_user(world.users["officer"])
    created = api_post(officer, "/api/v1/observations", payload(id=nil))
    assert created.status_code == 422
    assert "id" in created.get_json()["error"]["fields"]
    coordinator = as_user(world.users["coordinator"])
    assert coordinator.get(f"/api/v1/observations/{nil}").status_code == 404
    assert coordinator.get(f"/review/observations/{nil}").status_code == 404
    assert coordinator.get(f"/activities/{nil}").status_code == 404
