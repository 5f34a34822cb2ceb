"""Open311 GeoReport v2: every answer schema-checked, nothing non-public leaves, POST lands in
moderation, keys are checked, errors come in the spec's form."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import Result

from tests.citizen.helpers import CENTRUM, make_measure, make_report
from tests.conftest import csrf_token, login
from tests.interop.schema_check import check
from webapp.citizen.models import PublicReport
from webapp.core.audit.models import AuditEntry
from webapp.core.localtime import local_today
from webapp.extensions import db
from webapp.interop.open311.keys import create_key, digest
from webapp.interop.open311.models import ApiKey

BASE = "/open311/v2"
FORMATS = ("json", "xml")
NOW = datetime.now(UTC)


def make_key(app, name: str = "felanmalan") -> str:  # type: ignore[no-untyped-def]
    with app.app_context():
        _row, key = create_key(name, actor_label="test")
        db.session.commit()
        return key


@pytest.fixture
def world(app, coordinator):  # type: ignore[no-untyped-def]
    """Public and non-public records, each with a marker that must never leave if not public."""
    shared = make_measure(
        app,
        coordinator.id,
        title="Ny belysning på gångbron",
        description="Tekniska byter armaturer.",
        internal_note="INTERNAL-NOTE-MARK",
        status_reason="STATUS-REASON-MARK",
        owner="municipality_technical",
        status="in_progress",
        deadline=local_today() + timedelta(days=10),
        visibility="shared",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
    )
    done = make_measure(
        app, coordinator.id, title="Klotter sanerat", status="done", visibility="shared"
    )
    police = make_measure(
        app, coordinator.id, title="POLICE-MEASURE-MARK", status="decided", visibility="police"
    )
    municipal = make_measure(
        app,
        coordinator.id,
        title="MUNICIPAL-MEASURE-MARK",
        status="decided",
        visibility="municipality",
    )
    proposed = make_measure(
        app, coordinator.id, title="PROPOSED-MEASURE-MARK", status="proposed", visibility="shared"
    )
    published = make_report(
        app,
        status="published",
        public_text="Mörkt <b>vid</b> bron & ån",
        text="ORIGINAL-TEXT-MARK",
        contact="CONTACT-MARK@example.org",
        moderated_at=NOW - timedelta(days=2),
        measure_id=shared,
    )
    behind_police = make_report(
        app,
        status="published",
        public_text="Trasig lampa",
        moderated_at=NOW - timedelta(days=3),
        measure_id=police,
    )
    pending = make_report(app, status="pending", text="PENDING-MARK")
    hidden = make_report(
        app, status="hidden", public_text="HIDDEN-MARK", moderated_at=NOW - timedelta(days=1)
    )
    old = make_report(
        app, status="published", public_text="gammal", moderated_at=NOW - timedelta(days=200)
    )
    return {
        "shared": shared,
        "done": done,
        "police": police,
        "municipal": municipal,
        "proposed": proposed,
        "published": published,
        "behind_police": behind_police,
        "pending": pending,
        "hidden": hidden,
        "old": old,
    }


SECRETS = (
    "INTERNAL-NOTE-MARK",
    "STATUS-REASON-MARK",
    "POLICE-MEASURE-MARK",
    "MUNICIPAL-MEASURE-MARK",
    "PROPOSED-MEASURE-MARK",
    "ORIGINAL-TEXT-MARK",
    "CONTACT-MARK",
    "PENDING-MARK",
    "HIDDEN-MARK",
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_and_services_match_the_schemas(client, fmt):
    discovery = check(client.get(f"{BASE}/discovery.{fmt}"), "discovery", fmt)
    services = check(client.get(f"{BASE}/services.{fmt}"), "services", fmt)
    if fmt == "json":
        assert discovery["endpoints"][0]["url"] == "http://localhost/open311/v2"
        assert {"text/xml", "application/json"} == set(discovery["endpoints"][0]["formats"])
        codes = [s["service_code"] for s in services]
        assert "belysning" in codes and "ovrigt" in codes
        assert all(s["metadata"] is False and s["type"] == "realtime" for s in services)
    else:
        assert "<service_code>belysning</service_code>" in services
    check(client.get(f"{BASE}/"), "discovery", "xml")


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_list_only_what_the_public_pages_show(client, world, fmt):
    response = client.get(f"{BASE}/requests.{fmt}")
    assert response.status_code == 200
    doc = check(response, "service_requests", fmt)
    text = response.get_data(as_text=True)
    for secret in SECRETS:
        assert secret not in text, secret
    # Ids of non-public records do not leave either.
    assert world["pending"] not in text and world["hidden"] not in text
    assert f"m-{world['police']}<" not in text and f'"m-{world["police"]}"' not in text
    if fmt == "xml":
        return
    by_id = {r["service_request_id"]: r for r in doc}
    assert set(by_id) == {
        f"r-{world['published']}",
        f"r-{world['behind_police']}",
        f"m-{world['shared']}",
        f"m-{world['done']}",
    }  # not the report published 200 days ago: the default is the last 90 days
    report = by_id[f"r-{world['published']}"]
    assert report["status"] == "open"
    assert report["status_notes"] == "Åtgärd: Ny belysning på gångbron (pågår)"
    assert report["agency_responsible"] == "Sunne kommun"
    assert report["description"] == "Känns otryggt. Mörkt <b>vid</b> bron & ån"
    assert (report["lat"], report["long"]) == (CENTRUM[0], CENTRUM[1])
    # Day precision: a report's arrival or moderation time of day is never public.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\+0[12]:00", report["requested_datetime"])
    assert report["expected_datetime"].endswith(("T23:59:59+01:00", "T23:59:59+02:00"))
    # A report whose measure is the police's: published, but nothing about that measure.
    quiet = by_id[f"r-{world['behind_police']}"]
    assert quiet["status_notes"] == "publicerad" and quiet["agency_responsible"] is None
    measure = by_id[f"m-{world['shared']}"]
    assert measure["lat"] is None and measure["long"] is None
    assert measure["address"] == "Sunne centrum"
    assert measure["service_code"] == "belysning"  # from the published report behind it
    assert by_id[f"m-{world['done']}"]["status"] == "closed"
    assert by_id[f"m-{world['done']}"]["service_code"] == "ovrigt"
    # JSON escapes markup characters, as the GeoJSON of the public map does.
    assert "<b>" not in response.get_data(as_text=True)


def test_filters(client, world):
    def ids(query: str) -> set[str]:
        doc = check(client.get(f"{BASE}/requests.json?{query}"), "service_requests", "json")
        return {r["service_request_id"] for r in doc}

    assert ids("status=closed") == {f"m-{world['done']}"}
    assert f"m-{world['done']}" not in ids("status=open")
    assert ids("service_code=belysning") == {
        f"r-{world['published']}",
        f"r-{world['behind_police']}",
        f"m-{world['shared']}",
    }
    old_start = (NOW - timedelta(days=210)).strftime("%Y-%m-%dT%H:%M:%SZ")
    old_end = (NOW - timedelta(days=190)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"start_date={old_start}&end_date={old_end}") == {f"r-{world['old']}"}
    # service_request_id overrides every other filter; non-public ids are simply absent.
    wanted = f"r-{world['old']},m-{world['police']},r-{world['pending']},m-{world['shared']}"
    assert ids(f"service_request_id={wanted}&status=closed") == {
        f"r-{world['old']}",
        f"m-{world['shared']}",
    }
    assert ids("status=&service_code=") == ids("")  # empty parameters count as absent


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_and_the_same_404_for_missing_and_non_public(client, world, fmt):
    found = client.get(f"{BASE}/requests/m-{world['shared']}.{fmt}")
    assert found.status_code == 200
    check(found, "service_requests", fmt)
    answers = []
    for request_id in (
        f"m-{world['police']}",
        f"m-{world['municipal']}",
        f"r-{world['pending']}",
        f"r-{world['hidden']}",
        "m-999999",
        "x-1",
    ):
        response = client.get(f"{BASE}/requests/{request_id}.{fmt}")
        assert response.status_code == 404, request_id
        answers.append(check(response, "errors", fmt))
    assert all(a == answers[0] for a in answers)  # nothing tells missing from non-public


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "query",
    [
        "status=pending",
        "start_date=2026-11-01",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z",
        "start_date=2026-12-01T00:00:00Z&end_date=2026-11-01T00:00:00Z",
    ],
)
def test_bad_parameters_are_400_in_the_spec_form(client, fmt, query):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400
    doc = check(response, "errors", fmt)
    if fmt == "json":
        assert doc[0]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_paths_methods_and_jurisdictions_answer_in_open311_form(client, fmt):
    missing = client.get(f"{BASE}/nothing-here.{fmt}")
    assert missing.status_code == 404
    check(missing, "errors", fmt)
    wrong_method = client.delete(f"{BASE}/requests.{fmt}")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]
    check(wrong_method, "errors", fmt)
    other = client.get(f"{BASE}/services.{fmt}?jurisdiction_id=karlstad.se")
    assert other.status_code == 404
    check(other, "errors", fmt)
    assert client.get(f"{BASE}/services.{fmt}?jurisdiction_id=sunne.se").status_code == 200
    # Without an extension, errors come in XML, the required format.
    check(client.get(f"{BASE}/nothing"), "errors", "xml")


def post(client, fmt="json", **fields):  # type: ignore[no-untyped-def]
    form = {"service_code": "belysning", "lat": str(CENTRUM[0]), "long": str(CENTRUM[1])}
    form.update(fields)
    return client.post(f"{BASE}/requests.{fmt}", data=form)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_a_report_that_waits_for_moderation(app, client, coordinator, fmt):
    key = make_key(app)
    response = post(
        client,
        fmt,
        api_key=key,
        description="Lampan vid busshållplatsen är trasig.",
        email="boende@example.org",
        first_name="Anna",
        last_name="Andersson",
        device_id="phone-123",
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = check(response, "service_request_created", fmt)
    with app.app_context():
        report = db.session.execute(db.select(PublicReport)).unique().scalar_one()
        assert report.status == "pending" and report.public_text == ""
        assert report.text == "Lampan vid busshållplatsen är trasig."
        assert report.contact == "boende@example.org" and report.category_code == "belysning"
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="partner_report.create")
        ).scalar_one()
        assert entry.target_id == report.id and entry.actor_label == "open311:felanmalan"
        assert entry.actor_id is None
        assert db.session.execute(db.select(ApiKey)).scalar_one().last_used_at is not None
        report_id = report.id
    if fmt == "json":
        assert doc[0]["service_request_id"] == f"r-{report_id}"
    # Names and device ids are dropped (DESIGN §7: places, not people).
    with app.app_context():
        stored = " ".join(str(v) for v in vars(db.session.get(PublicReport, report_id)).values())
        assert "Anna" not in stored and "Andersson" not in stored and "phone-123" not in stored
    # Not published: not in the public answer until a coordinator publishes it...
    assert client.get(f"{BASE}/requests/r-{report_id}.json").status_code == 404
    # ...and it is in the coordinator's moderation queue.
    coordinator_client = login(app.test_client(), coordinator)
    queue = coordinator_client.get("/citizen/reports/?status=pending")
    assert queue.status_code == 200
    assert "Lampan vid busshållplatsen" in queue.get_data(as_text=True)


def test_post_with_bad_missing_or_revoked_key_is_403(app, client):
    key = make_key(app)
    for fields in ({}, {"api_key": "o311_wrong"}, {"api_key": key + "x"}):
        response = post(client, **fields)
        assert response.status_code == 403
        check(response, "errors", "json")
    result: Result = app.test_cli_runner().invoke(args=["open311-key", "revoke", "felanmalan"])
    assert result.exit_code == 0, result.output
    response = post(client, "xml", api_key=key)
    assert response.status_code == 403
    check(response, "errors", "xml")
    # The key in the query string is not read (it would end up in logs).
    assert client.post(f"{BASE}/requests.json?api_key={key}").status_code == 403
    with app.app_context():
        assert db.session.execute(db.select(PublicReport)).first() is None


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"service_code": "finns-inte"}, 404),
        ({"service_code": ""}, 400),
        ({"lat": "", "long": "", "address_string": "Storgatan 1"}, 400),
        ({"lat": "abc"}, 400),
        ({"lat": "59.3293", "long": "18.0686"}, 400),  # Stockholm: outside Sunne kommun
        ({"media_url": "http://169.254.169.254/"}, 400),
        ({"attribute[x]": "1"}, 400),
        ({"email": "not an address"}, 400),
        ({"description": "x" * 5000}, 400),
        ({"description": "x" * 20000}, 400),  # over OPEN311_MAX_BYTES
    ],
)
def test_post_validation_is_the_residents_form_validation(app, client, fields, status):
    key = make_key(app)
    response = post(client, api_key=key, **fields)
    assert response.status_code == status, response.get_data(as_text=True)
    check(response, "errors", "json")
    with app.app_context():
        assert db.session.execute(db.select(PublicReport)).first() is None


def test_post_is_rate_limited_per_key(app, client):
    app.config["OPEN311_POST_LIMIT"] = "2 per hour"
    key, other = make_key(app), make_key(app, "gis")
    for _ in range(2):
        assert post(client, api_key=key).status_code == 201
    limited = post(client, "xml", api_key=key)
    assert limited.status_code == 429
    assert limited.headers.get("Retry-After")
    check(limited, "errors", "xml")
    assert post(client, api_key=other).status_code == 201  # another key has its own quota
    # Made-up keys share the address's quota: guessing keys is limited as well.
    app.config["OPEN311_POST_LIMIT"] = "3 per hour"
    answers = [post(client, api_key=f"o311_guess{i}").status_code for i in range(4)]
    assert answers == [403, 403, 403, 429]


def test_get_is_rate_limited_per_address(app, client):
    app.config["OPEN311_GET_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get(f"{BASE}/services.json").status_code == 200
    limited = client.get(f"{BASE}/services.json")
    assert limited.status_code == 429
    check(limited, "errors", "json")


def test_cli_creates_lists_and_revokes_keys_stored_hashed(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["open311-key", "create", "kommunens-gis"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("o311_") and len(key) > 40
    with app.app_context():
        row = db.session.execute(db.select(ApiKey)).scalar_one()
        assert row.key_hash == digest(key) and key not in (row.prefix, row.key_hash)
        actions = set(db.session.execute(db.select(AuditEntry.action)).scalars())
        assert "partner_key.create" in actions
    assert runner.invoke(args=["open311-key", "create", "kommunens-gis"]).exit_code != 0
    listed = runner.invoke(args=["open311-key", "list"])
    assert "kommunens-gis" in listed.output and key not in listed.output
    assert runner.invoke(args=["open311-key", "revoke", "kommunens-gis"]).exit_code == 0
    assert "revoked" in runner.invoke(args=["open311-key", "list"]).output
    with app.app_context():
        actions = set(db.session.execute(db.select(AuditEntry.action)).scalars())
        assert "partner_key.revoke" in actions


def test_admin_page_creates_a_key_shown_once_and_revokes_it(app, admin, coordinator):
    from tests.conftest import form_csrf_token

    browser = login(app.test_client(), admin)
    page = browser.get("/admin/open311-keys")
    assert page.status_code == 200 and page.mimetype == "text/html"
    token = form_csrf_token(page.get_data(as_text=True))
    created = browser.post("/admin/open311-keys", data={"csrf_token": token, "name": "felanmalan"})
    assert created.status_code == 201 and "no-store" in created.headers["Cache-Control"]
    key = re.search(r"o311_[A-Za-z0-9_\-]+", created.get_data(as_text=True)).group(0)
    assert key not in browser.get("/admin/open311-keys").get_data(as_text=True)
    assert post(app.test_client(), api_key=key).status_code == 201
    with app.app_context():
        key_id = db.session.execute(db.select(ApiKey.id)).scalar_one()
    # The list's button asks first, on a page that says what revoking ends: nothing changes yet.
    url = f"/admin/open311-keys/{key_id}/revoke"
    asked = browser.post(url, data={"csrf_token": token})
    assert asked.status_code == 200
    question = asked.get_data(as_text=True)
    assert "Återkalla nyckeln felanmalan?" in question and 'value="revoke"' in question
    assert 'href="/admin/open311-keys">Avbryt</a>' in question
    assert post(app.test_client(), api_key=key).status_code == 201
    revoked = browser.post(url, data={"csrf_token": token, "confirm": "revoke"})
    assert revoked.status_code == 302
    assert post(app.test_client(), api_key=key).status_code == 403
    # Without a CSRF token the admin's POST is refused.
    assert browser.post("/admin/open311-keys", data={"name": "x"}).status_code == 400
    # Coordinators do not manage keys.
    other = login(app.test_client(), coordinator)
    assert other.get("/admin/open311-keys").status_code == 403


def test_a_key_name_with_control_characters_is_refused_with_a_message(app, as_user, admin):
    client = as_user(admin)
    response = client.post(
        "/admin/open311-keys", data={"csrf_token": csrf_token(client), "name": "a\x00b"}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ApiKey)) == 0


def test_a_refused_key_name_stays_in_its_field(app, as_user, admin):
    """ "Det finns redan en nyckel med det namnet" emptied the field: the admin typed it again."""
    make_key(app, "Felanmälan Sunne")
    client = as_user(admin)
    response = client.post(
        "/admin/open311-keys", data={"csrf_token": csrf_token(client), "name": "Felanmälan Sunne"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "En nyckel som används har redan det namnet." in page
    field = re.search(r'<input[^>]*id="key-name"[^>]*>', page).group(0)
    assert 'value="Felanmälan Sunne"' in field and "autofocus" in field


def test_a_revoked_keys_name_is_free_for_the_systems_new_key(app, as_user, admin):
    """A leaked key is revoked and the system gets a new one under its own name; the revoked
    key stays in the list (and the CLI's revoke finds the active one)."""
    old = make_key(app, "Felanmälan Sunne")
    with app.app_context():
        key_id = db.session.execute(db.select(ApiKey.id)).scalar_one()
    client = as_user(admin)
    token = csrf_token(client)
    client.post(
        f"/admin/open311-keys/{key_id}/revoke", data={"csrf_token": token, "confirm": "revoke"}
    )
    again = client.post(
        "/admin/open311-keys", data={"csrf_token": token, "name": "Felanmälan Sunne"}
    )
    assert again.status_code == 201
    new = re.search(r"o311_[A-Za-z0-9_\-]+", again.get_data(as_text=True)).group(0)
    assert post(app.test_client(), api_key=old).status_code == 403
    assert post(app.test_client(), api_key=new).status_code == 201
    listed = client.get("/admin/open311-keys").get_data(as_text=True)
    assert listed.count('<td class="card-heading">Felanmälan Sunne</td>') == 2
    # Two active keys under one name are still refused.
    taken = client.post(
        "/admin/open311-keys", data={"csrf_token": token, "name": "Felanmälan Sunne"}
    )
    assert taken.status_code == 422
    runner = app.test_cli_runner()
    assert runner.invoke(args=["open311-key", "revoke", "Felanmälan Sunne"]).exit_code == 0
    assert post(app.test_client(), api_key=new).status_code == 403
    with app.app_context():
        states = db.session.execute(db.select(ApiKey.revoked_at)).scalars().all()
        assert len(states) == 2 and all(states)
