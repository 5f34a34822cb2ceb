"""Hostile input: path traversal through photo ids and file routes, open redirects, oversized
bodies, arbitrary JSON and query strings (hypothesis), script in stored text, stack traces.

Open redirects through the login form and the language switch are tested in
tests/core/test_redirects.py; the review form's `next` is tested here with the same variants.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import api_post, form_csrf_token
from tests.core.test_redirects import HOSTILE as HOSTILE_TARGETS
from tests.security.world import World, build_world, client_for, jpeg_bytes
from webapp.core.blobs import check_key, make_store

TRAVERSALS = [
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%252F..%252Fetc%252Fpasswd",
    "....//....//etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%5c%2e%2e%5cwin.ini",
    "/etc/passwd",
    "%00../../etc/passwd",
    "photo.jpg%00.png",
    "../" * 12 + "etc/passwd",
]


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/csrf-token").get_json()["csrf_token"]


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


# --- path traversal --------------------------------------------------------------------------


@pytest.mark.parametrize("name", TRAVERSALS)
def test_photo_ids_that_walk_out_of_the_photo_folder_are_refused(
    app, world, as_user, name, tmp_path
):
    client = as_user(world.users["coordinator"])
    observation = world.targets["observation:police"]["observation_id"]
    walk = world.targets["walk:police"]
    photos = Path(app.config["PHOTO_DIR"])
    before = _files(photos.parent)

    upload = client.put(
        f"/api/v1/observations/{observation}/photos/{name}",
        data=jpeg_bytes(),
        headers={"Content-Type": "image/jpeg", "X-CSRFToken": _token(client)},
    )
    reads = [
        client.get(f"/api/v1/photos/{name}.jpg"),
        client.get(f"/walks/{walk['walk_id']}/photos/{name}.jpg"),
        client.get(f"/vendor/leaflet/{name}"),
        client.get(f"/static/{name}"),
    ]

    assert upload.status_code in (404, 405, 422), upload.status_code
    for response in reads:
        if response.status_code == 308:  # "//" merged into "/", on this site: follow it
            location = response.headers["Location"].removeprefix("http://localhost")
            assert location.startswith("/") and not location.startswith("//")
            response = client.get(location)
        assert response.status_code in (404, 405), (response.request.path, response.status_code)
        assert b"root:" not in response.data and b"[fonts]" not in response.data
    assert _files(photos.parent) == before


def test_a_participant_photo_id_cannot_walk_out_of_the_photo_folder(app, world):
    phone = client_for(app, world, "participant")
    walk = world.targets["walk:shared"]
    before = _files(Path(app.config["PHOTO_DIR"]).parent)
    for name in TRAVERSALS:
        response = phone.put(
            f"/api/v1/walks/{walk['walk_id']}/spots/{walk['spot_id']}/photos/{name}",
            data=jpeg_bytes(),
            headers={"Content-Type": "image/jpeg", "X-CSRFToken": _token(phone)},
        )
        assert response.status_code in (404, 405, 422), (name, response.status_code)
    assert _files(Path(app.config["PHOTO_DIR"]).parent) == before


@pytest.mark.parametrize(
    "name", ["../x.jpg", "..", ".hidden", "a/b.jpg", "a\\b.jpg", "/etc/passwd"]
)
@pytest.mark.parametrize("backend", ["folder", "database"])
def test_the_photo_store_refuses_any_name_that_is_not_a_bare_file_name(app, name, backend):
    with pytest.raises(ValueError):
        check_key(name)
    with app.app_context():
        blobs = make_store(app, backend)
        for use in (blobs.put, blobs.open, blobs.delete, blobs.info):
            with pytest.raises(ValueError):
                use(name, b"x") if use == blobs.put else use(name)


def test_a_stored_photo_is_named_by_the_server_not_by_the_client(app, world, as_user):
    client = as_user(world.users["officer"])
    observation = world.targets["observation:police"]["observation_id"]
    photo_id = str(uuid.uuid4())
    response = client.put(
        f"/api/v1/observations/{observation}/photos/{photo_id}",
        data=jpeg_bytes(),
        headers={"Content-Type": "image/jpeg", "X-CSRFToken": _token(client)},
    )
    assert response.status_code == 201
    names = [p.name for p in Path(app.config["PHOTO_DIR"]).iterdir()]
    assert not any(photo_id in name for name in names)


# --- open redirects -----------------------------------------------------------------------


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_the_review_form_never_redirects_off_site(app, world, as_user, target):
    client = as_user(world.users["coordinator"])
    token = form_csrf_token(client.get("/review/").get_data(as_text=True))
    observation = world.targets["observation:shared"]["observation_id"]
    response = client.post(
        "/review/bulk",
        data={"csrf_token": token, "ids": observation, "action": "status:reviewed", "next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/review/")


# --- oversized bodies ------------------------------------------------------------------------


@pytest.fixture
def small_limit(app: Flask) -> int:
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    return 64 * 1024


def test_oversized_bodies_are_refused_with_413_everywhere(app, world, small_limit):
    big = b"x" * (small_limit + 1)
    officer = client_for(app, world, "officer")
    phone = client_for(app, world, "participant")
    observation = world.targets["observation:police"]["observation_id"]
    walk = world.targets["walk:shared"]
    photo = uuid.uuid4()
    cases = [
        (officer, "POST", "/api/v1/observations", "application/json"),
        (officer, "POST", "/api/v1/activities", "application/json"),
        (officer, "PUT", f"/api/v1/observations/{observation}/photos/{uuid.uuid4()}", "image/jpeg"),
        (phone, "POST", f"/api/v1/walks/{walk['walk_id']}/spots", "application/json"),
        (phone, "PUT", f"/api/v1/walks/{walk['walk_id']}/spots/{walk['spot_id']}/photos/{photo}",
         "image/jpeg"),
        (app.test_client(), "POST", "/login", "application/x-www-form-urlencoded"),
        (officer, "POST", "/patrols/start", "application/x-www-form-urlencoded"),
        (app.test_client(), "POST", "/walk/join", "application/x-www-form-urlencoded"),
    ]  # fmt: skip
    for client, method, url, kind in cases:
        response = client.open(
            url,
            method=method,
            data=big,
            headers={"Content-Type": kind, "X-CSRFToken": _token(client)},
        )
        assert response.status_code == 413, (url, response.status_code)
        if url.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "too_large"
        else:
            assert "<html" in response.get_data(as_text=True)


def test_an_oversized_form_field_count_is_refused_not_a_crash(app, world):
    client = client_for(app, world, "coordinator")
    token = form_csrf_token(client.get("/review/").get_data(as_text=True))
    fields = {"csrf_token": token, **{f"f{i}": "x" for i in range(5000)}}
    response = client.post("/review/bulk", data=fields)
    assert response.status_code < 500


# --- arbitrary input (hypothesis) -----------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    ["id", "lat", "lon", "observed_at", "category", "note", "rating", "activity_type", "started_at",
     "ended_at", "details", "route", "visibility", "walk_id", "activity_id", "answer", "feeling"]
)  # fmt: skip
NEAR_VALID = st.dictionaries(FIELDS, JSON, max_size=10)
FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def test_any_json_sent_to_any_write_endpoint_gets_a_4xx_or_a_stored_record(app, world):
    officer = client_for(app, world, "officer")
    phone = client_for(app, world, "participant")
    patrol = world.targets["patrol:police"]["activity_id"]
    walk = world.targets["walk:shared"]
    targets = [
        (officer, "/api/v1/observations"),
        (officer, "/api/v1/activities"),
        (officer, f"/api/v1/activities/{patrol}/stop"),
        (phone, f"/api/v1/walks/{walk['walk_id']}/spots"),
        (phone, f"/api/v1/walks/{walk['walk_id']}/stops/{walk['stop_id']}/ratings"),
        (phone, f"/api/v1/walks/{walk['walk_id']}/measures/{walk['measure_id']}/checks"),
    ]
    tokens = {id(client): _token(client) for client, _url in targets}

    @FUZZ
    @given(index=st.integers(0, len(targets) - 1), body=JSON | NEAR_VALID)
    def post(index: int, body: object) -> None:
        client, url = targets[index]
        response = client.post(url, json=body, headers={"X-CSRFToken": tokens[id(client)]})
        assert response.status_code < 500, (url, body, response.get_data(as_text=True)[:200])
        if response.status_code >= 400:
            assert "code" in response.get_json()["error"]

    post()


def test_any_query_string_on_the_map_layers_gets_a_4xx_or_an_answer(app, world):
    client = client_for(app, world, "coordinator")
    paths = [
        "/api/v1/observations.geojson",
        "/api/v1/map/walks.geojson",
        "/api/v1/map/activities.geojson",
        "/admin/audit",
        "/review/",
        "/activities/",
    ]
    keys = st.sampled_from(
        ["since", "until", "category", "status", "bbox", "mine", "visibility", "activity_type",
         "promise", "page", "days", "action", "actor", "type"]
    )  # fmt: skip

    @FUZZ
    @given(
        path=st.sampled_from(paths), query=st.dictionaries(keys, st.text(max_size=40), max_size=5)
    )
    def get(path: str, query: dict[str, str]) -> None:
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (path, query)

    get()


# --- stored script stays text -----------------------------------------------------------------

SCRIPT = "<script>alert(1)</script><img src=x onerror=alert(2)>${alert(3)}`\"'--></textarea>"


def test_script_in_a_note_is_never_sent_back_as_markup(app, world, as_user):
    officer = as_user(world.users["officer"])
    coordinator = as_user(world.users["coordinator"])
    patrol = world.targets["patrol:police"]["activity_id"]
    payload = {
        "id": str(uuid.uuid4()),
        "lat": 59.8366,
        "lon": 13.144,
        "observed_at": "2026-01-10T20:00:00+01:00",
        "category": "belysning",
        "note": SCRIPT,
        "activity_id": patrol,
    }
    assert api_post(officer, "/api/v1/observations", payload).status_code == 201
    pages = [
        f"/review/observations/{payload['id']}",
        f"/patrols/{patrol}",
        "/review/?status=new",
        "/field/mine",
    ]
    for path in pages:
        html = coordinator.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in html, path
        assert "<img src=x onerror" not in html, path
    geojson = coordinator.get("/api/v1/observations.geojson")
    assert geojson.mimetype == "application/geo+json"
    assert SCRIPT in {f["properties"]["note"] for f in geojson.get_json()["features"]}


# --- no stack traces ---------------------------------------------------------------------------


def test_an_unexpected_failure_shows_no_stack_trace_on_a_page_or_in_the_api(
    app, world, monkeypatch
):
    import webapp.map.views as review_views
    import webapp.observations.api as observations_api

    def explode(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals /etc/trygg")

    monkeypatch.setattr(observations_api, "observation_json", explode)
    monkeypatch.setattr(review_views, "render_template", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = client_for(app, world, "coordinator")
    observation = world.targets["observation:shared"]["observation_id"]

    for path in (f"/api/v1/observations/{observation}", "/review/"):
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert (
            "Traceback" not in body and "secret internals" not in body and "/etc/trygg" not in body
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- NUL and other control characters in ids (PostgreSQL refuses NUL in text) --------------


@pytest.mark.parametrize("role", ["coordinator", "participant"])
def test_a_nul_byte_in_any_path_parameter_is_refused_not_a_server_error(app, world, role):
    from tests.security.matrix import WRITE_METHODS, route_methods

    client = client_for(app, world, role)
    token = _token(client)
    failures = []
    for (endpoint, method), rule in sorted(route_methods(app).items()):
        strings = [
            name
            for name in rule.arguments
            if rule._converters[name].__class__.__name__ in ("UnicodeConverter", "PathConverter")
        ]
        if not strings or endpoint == "auth.logout":
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name].__class__.__name__
            if name in strings:
                values[name] = "a\x00b"
            elif converter == "AnyConverter":
                values[name] = sorted(rule._converters[name].items)[0]
            else:
                values[name] = next((t[name] for t in world.targets.values() if name in t), 1)
        url = app.url_map.bind("localhost").build(endpoint, values)
        kwargs: dict = {"headers": {"X-CSRFToken": token}}
        if method in WRITE_METHODS:
            kwargs["json" if url.startswith("/api/") else "data"] = {}
        response = client.open(url, method=method, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{method} {url} -> {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_nul_bytes_in_form_ids_are_refused_not_a_server_error(app, world):
    client = client_for(app, world, "coordinator")
    token = form_csrf_token(client.get("/review/").get_data(as_text=True))
    walk = world.targets["walk:shared"]
    responses = [
        client.post(
            "/review/bulk", data={"csrf_token": token, "ids": "a\x00b", "action": "status:new"}
        ),
        client.post(
            f"/walks/{walk['walk_id']}/spots/{walk['spot_id']}/merge",
            data={"csrf_token": token, "into": "a\x00b"},
        ),
        client.get(f"/walks/{walk['walk_id']}/measures/new?spot=a%00b"),
        client.get("/measures/new?observation=a%00b"),
    ]
    officer = client_for(app, world, "officer")
    responses.append(
        api_post(officer, "/api/v1/activities", {"id": str(uuid.uuid4()), "activity_type": "a\x00b",
                                                 "started_at": "2026-01-01T10:00:00+01:00"})
    )  # fmt: skip
    assert [r.status_code for r in responses if r.status_code >= 500] == []
