"""Standard Webhooks v1 (issue 20): events from the real actions, signed deliveries verified by
the `standardwebhooks` package on a receiver at 127.0.0.1, retries, 410, Retry-After, SSRF
refusals, the coordinator's pages and the command line."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from standardwebhooks import Webhook

from tests.citizen.helpers import make_report
from tests.conftest import csrf_token
from tests.interop.helpers import always, fail_first, receiver, register, run_worker
from tests.observations.conftest import payload as observation_payload
from tests.observations.conftest import post_observation
from tests.walks.helpers import make_walk
from webapp.core.audit.models import AuditEntry
from webapp.core.outbox.models import OutboxEvent
from webapp.core.outbox.service import EVENT_TYPES
from webapp.extensions import db
from webapp.interop.webhooks.deliver import deliver_due, dispatch_pending, retry_after_seconds
from webapp.interop.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webapp.interop.webhooks.ssrf import UnsafeURL, check_url

NOTE = "Trasig gatlampa vid busshållplatsen"


@pytest.fixture(autouse=True)
def short_schedule(app: Flask) -> None:
    app.config["WEBHOOK_RETRY_SCHEDULE"] = [0, 0, 0]
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 5


def form_post(client: FlaskClient, path: str, **data: object):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_token(client), **data})


# ---- every event, each from the action a person takes -----------------------------------------


def new_observation(client: FlaskClient, **overrides: object) -> str:
    """An observation posted through the API (shared unless told: officers default to police)."""
    overrides.setdefault("visibility", "shared")
    response = post_observation(client, observation_payload(note=NOTE, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def new_measure(client: FlaskClient, **overrides: object) -> int:
    data = {"title": "Byt lampor", "owner": "municipality_other", "priority": "medium",
            "visibility": "shared", "description": "Lamporna vid torget"}  # fmt: skip
    data.update(overrides)  # type: ignore[arg-type]
    response = form_post(client, "/measures/new", **data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def every_event(app: Flask, as_user, officer, coordinator) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each event made through the app's views and API; returns type -> record id."""
    police_phone, desk = as_user(officer), as_user(coordinator)
    made: dict[str, str] = {}
    made["observation.created"] = new_observation(police_phone, visibility="shared")
    response = form_post(
        desk, "/review/bulk", ids=made["observation.created"], action="status:reviewed"
    )
    assert response.status_code == 302
    made["observation.status_changed"] = made["observation.created"]
    response = form_post(
        desk,
        f"/review/observations/{made['observation.created']}/correct",
        category="belysning",
        note="Trasig lampa vid kiosken",
    )
    assert response.status_code == 302
    made["observation.updated"] = made["observation.created"]
    measure_id = new_measure(desk)
    made["measure.created"] = str(measure_id)
    response = form_post(desk, f"/measures/{measure_id}/status", status="decided", comment="")
    assert response.status_code == 302
    made["measure.status_changed"] = str(measure_id)
    report_id = make_report(app)
    response = form_post(desk, f"/citizen/reports/{report_id}/publish", public_text="Trasig lampa")
    assert response.status_code == 302
    made["citizen_report.published"] = report_id
    walk = make_walk(app, coordinator.id)
    response = form_post(desk, f"/walks/{walk.id}/protocol/publish")
    assert response.status_code == 302
    made["walk.protocol_published"] = str(walk.id)
    return made


def test_every_event_arrives_signed_retried_and_exactly_once_after_deduplication(
    app, as_user, officer, coordinator
):
    with receiver(fail_first(2)) as rx:
        endpoint_id = register(app, rx, list(EVENT_TYPES))
        made = every_event(app, as_user, officer, coordinator)
        attempts = run_worker(app)

    assert attempts == 3 * len(EVENT_TYPES)  # each event: 500, 500, then 204
    assert all(r.verified for r in rx.received), "a signature did not verify"
    unique = rx.unique()
    assert sorted(p["type"] for p in unique.values()) == sorted(EVENT_TYPES)
    assert {p["type"]: p["data"]["id"] for p in unique.values()} == made
    for msg_id in unique:
        tries = rx.attempts_of(msg_id)
        assert [t.answered for t in tries] == [500, 500, 204]
        assert len({t.body for t in tries}) == 1, "the body changed between attempts"
    for event in unique.values():
        # Thin: identifiers and a link, never the note or anyone's name.
        assert set(event) == {"type", "timestamp", "data"}
        assert set(event["data"]) == {"id", "record_type", "visibility", "url"}
        assert event["data"]["url"].startswith("http://localhost/")
    assert NOTE not in b"".join(r.body for r in rx.received).decode()
    assert "officer" not in b"".join(r.body for r in rx.received).decode()
    with app.app_context():
        log = db.session.execute(
            db.select(WebhookAttempt.status_code)
            .join(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)
        ).scalars()
        assert list(log) == [500, 500, 204] * len(EVENT_TYPES)
        statuses = db.session.execute(db.select(WebhookDelivery.status)).scalars()
        assert set(statuses) == {"succeeded"}


def test_a_second_publication_or_an_unchanged_status_emits_nothing(app, as_user, coordinator):
    desk = as_user(coordinator)
    walk = make_walk(app, coordinator.id)
    assert form_post(desk, f"/walks/{walk.id}/protocol/publish").status_code == 302
    assert form_post(desk, f"/walks/{walk.id}/protocol/publish").status_code == 302
    measure_id = new_measure(desk)
    form_post(desk, f"/measures/{measure_id}/status", status="proposed", comment="")
    with app.app_context():
        types = db.session.execute(db.select(OutboxEvent.type)).scalars()
        assert sorted(types) == ["measure.created", "walk.protocol_published"]
        actions = db.session.execute(
            db.select(AuditEntry.action).filter_by(action="walk.protocol_publish")
        ).scalars()
        assert len(list(actions)) == 1


def test_an_event_goes_only_to_endpoints_that_asked_for_it_and_may_see_it(
    app, as_user, officer, coordinator
):
    with (
        receiver(always(204)) as shared_rx,
        receiver(always(204)) as police_rx,
        receiver(always(204)) as measures_rx,
    ):
        register(app, shared_rx, ["observation.created"])  # default: shared and public
        register(app, police_rx, ["observation.created"], ["police"])
        register(app, measures_rx, ["measure.created"])
        phone = as_user(officer)
        shared_id = new_observation(phone, visibility="shared")
        police_id = new_observation(phone, visibility="police")
        run_worker(app)

    assert [p["data"]["id"] for p in shared_rx.unique().values()] == [shared_id]
    assert [p["data"]["id"] for p in police_rx.unique().values()] == [police_id]
    # The kommun's receiver never learns that the police record exists.
    assert police_id not in b"".join(r.body for r in shared_rx.received).decode()
    assert measures_rx.received == []


def test_an_endpoint_answering_410_is_disabled_and_gets_nothing_more(app, as_user, officer):
    with receiver(always(410)) as rx:
        endpoint_id = register(app, rx, ["observation.created"])
        phone = as_user(officer)
        new_observation(phone)
        run_worker(app)
        new_observation(phone)
        run_worker(app)

    assert len(rx.received) == 1
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        assert not endpoint.enabled and endpoint.disabled_reason == "410 Gone"
        assert db.session.scalar(
            db.select(db.func.count()).select_from(AuditEntry).filter_by(
                action="webhook.endpoint_disable", target_id=str(endpoint_id)
            )
        ) == 1  # fmt: skip
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookDelivery)) == 1


def test_retry_after_on_429_is_honoured(app, as_user, officer):
    def throttled(_msg_id: str, seen: int) -> tuple[int, dict[str, str]]:
        return (429, {"Retry-After": "120"}) if seen == 0 else (204, {})

    with receiver(throttled) as rx:
        register(app, rx, ["observation.created"])
        new_observation(as_user(officer))
        now = datetime.now(UTC) + timedelta(seconds=1)
        assert run_worker(app, now=now) == 1
        with app.app_context():
            delivery = db.session.execute(db.select(WebhookDelivery)).scalar_one()
            assert delivery.next_attempt_at >= now + timedelta(seconds=120)
            assert deliver_due(now + timedelta(seconds=60)) == 0  # the schedule says 0 s: too early
            assert deliver_due(now + timedelta(seconds=121)) == 1
            db.session.remove()

    assert [r.answered for r in rx.received] == [429, 204]
    assert rx.received[0].msg_id == rx.received[1].msg_id


def test_retry_after_reads_seconds_and_http_dates_and_is_capped(app):
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    with app.app_context():
        assert retry_after_seconds("30", now) == 30
        assert retry_after_seconds("Sun, 06 Dec 2026 12:05:00 GMT", now) == 300
        assert retry_after_seconds("99999999", now) == 24 * 3600
        assert retry_after_seconds("soon", now) is None


def test_a_delivery_gives_up_after_the_last_step_of_the_schedule(app, as_user, officer):
    with receiver(always(500)) as rx:
        register(app, rx, ["observation.created"])
        new_observation(as_user(officer))
        run_worker(app)
    assert len(rx.received) == 3
    with app.app_context():
        assert db.session.execute(db.select(WebhookDelivery.status)).scalar_one() == "failed"


# ---- SSRF -------------------------------------------------------------------------------------


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, str]) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:10.0.0.1]/hook",
        "https://[::1]/hook",
        "https://192.168.1.10/hook",
        "https://intranet.example/hook",  # resolves to 10.1.2.3
        "https://user:pw@receiver.example/hook",
        "ftp://receiver.example/hook",
        "https:///nohost",
    ],
)
def test_internal_or_odd_addresses_are_refused(app, monkeypatch, url):
    fake_dns(monkeypatch, {"intranet.example": "10.1.2.3", "receiver.example": "93.184.216.34"})
    app.config.update(WEBHOOK_ALLOWED_NETWORKS=[], WEBHOOK_REQUIRE_HTTPS=True)
    with app.test_request_context(), pytest.raises(UnsafeURL):
        check_url(url)


def test_https_is_required_in_production_settings_and_the_allow_list_opens_named_networks(
    app, monkeypatch
):
    fake_dns(monkeypatch, {"receiver.example": "93.184.216.34", "gis.sunne.local": "10.1.2.3"})
    app.config.update(WEBHOOK_ALLOWED_NETWORKS=[], WEBHOOK_REQUIRE_HTTPS=True)
    with app.test_request_context():
        assert check_url("https://receiver.example/hook").ip == "93.184.216.34"
        with pytest.raises(UnsafeURL):
            check_url("http://receiver.example/hook")
        with pytest.raises(UnsafeURL):
            check_url("https://gis.sunne.local/hook")
        app.config["WEBHOOK_ALLOWED_NETWORKS"] = ["10.1.2.0/24"]
        assert check_url("https://gis.sunne.local:8443/hook?x=1").path == "/hook?x=1"
        app.config.update(WEBHOOK_ALLOWED_NETWORKS=[], WEBHOOK_ALLOWED_HOSTS=["gis.sunne.local"])
        assert check_url("https://gis.sunne.local/hook").port == 443


def test_the_address_is_checked_again_before_every_attempt(app, as_user, officer):
    with receiver(always(204)) as rx:
        register(app, rx, ["observation.created"])
        new_observation(as_user(officer))
        app.config["WEBHOOK_ALLOWED_NETWORKS"] = []  # 127.0.0.1 no longer allowed
        run_worker(app)
    assert rx.received == []
    with app.app_context():
        errors = db.session.execute(db.select(WebhookAttempt.error)).scalars().all()
        assert len(errors) == 3 and all(e.startswith("refused") for e in errors)


# ---- the coordinator's pages -------------------------------------------------------------------


def test_coordinator_registers_an_endpoint_sees_the_secret_once_and_sends_again(
    app, as_user, officer, coordinator
):
    desk = as_user(coordinator)
    assert desk.get("/admin/webhooks").status_code == 200
    with receiver(always(204)) as rx:
        refused = desk.post("/admin/webhooks", data={"url": rx.url, "events": ["measure.created"]})
        assert refused.status_code == 400  # no CSRF token
        response = form_post(
            desk,
            "/admin/webhooks",
            url=rx.url,
            description="Kommunens ärendesystem",
            events=["observation.created"],
            visibilities=["shared", "public"],
        )
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"]
        assert response.mimetype == "text/html"
        html = response.get_data(as_text=True)
        secret = html.split('id="webhook-secret" class="secret" type="text" readonly value="')[1]
        rx.secret = secret.split('"', 1)[0]
        assert rx.secret.startswith("whsec_")
        Webhook(rx.secret)  # a valid Standard Webhooks secret
        with app.app_context():
            endpoint = db.session.execute(db.select(WebhookEndpoint)).scalar_one()
            endpoint_id = endpoint.id
        assert rx.secret not in desk.get("/admin/webhooks").get_data(as_text=True)
        assert rx.secret not in desk.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)

        new_observation(as_user(officer))
        run_worker(app)
        log = desk.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
        assert "observation.created" in log and "204" in log and "&nbsp;ms" in log
        with app.app_context():
            delivery_id = db.session.execute(db.select(WebhookDelivery.id)).scalar_one()
        response = form_post(desk, f"/admin/webhooks/deliveries/{delivery_id}/redeliver")
        assert response.status_code == 302

    assert len(rx.received) == 2
    first, again = rx.received
    assert first.msg_id == again.msg_id and first.body == again.body and again.verified
    with app.app_context():
        manual = db.session.execute(db.select(WebhookAttempt.manual)).scalars().all()
        assert manual == [False, True]
        actions = set(db.session.execute(db.select(AuditEntry.action)).scalars())
        assert {
            "webhook.endpoint_create",
            "webhook.redeliver",
            "webhook.redeliver_result",
        } <= actions


def test_the_form_refuses_an_internal_address_with_a_swedish_message(app, as_user, coordinator):
    app.config["WEBHOOK_ALLOWED_NETWORKS"] = []
    desk = as_user(coordinator)
    response = form_post(desk, "/admin/webhooks", url="http://127.0.0.1:9/hook",
                         events=["measure.created"], visibilities=["shared"])  # fmt: skip
    assert response.status_code == 422
    assert "tillåtelselistan" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEndpoint)) == 0


def test_switching_an_endpoint_off_cancels_what_waits_for_it(app, as_user, officer, coordinator):
    with receiver(always(204)) as rx:
        endpoint_id = register(app, rx, ["observation.created"])
        new_observation(as_user(officer))
        with app.app_context():
            dispatch_pending()
            db.session.remove()
        response = form_post(
            as_user(coordinator), f"/admin/webhooks/{endpoint_id}/enabled", enabled="0"
        )
        assert response.status_code == 302
        run_worker(app)
    assert rx.received == []
    with app.app_context():
        assert db.session.execute(db.select(WebhookDelivery.status)).scalar_one() == "cancelled"


def test_only_coordinators_see_the_webhook_pages(app, as_user, officer, staff, admin):
    for user in (officer, staff, admin):
        assert as_user(user).get("/admin/webhooks").status_code == 403


# ---- the command line --------------------------------------------------------------------------


def test_the_command_line_adds_an_endpoint_prints_the_secret_and_delivers(app, as_user, officer):
    runner = app.test_cli_runner()
    with receiver(always(204)) as rx:
        result = runner.invoke(args=["webhooks", "add", rx.url, "--event", "observation.created",
                                     "--event", "measure.status_changed"])  # fmt: skip
        assert result.exit_code == 0, result.output
        rx.secret = result.output.split("secret (shown once): ")[1].strip()
        bad = runner.invoke(args=["webhooks", "add", rx.url, "--event", "observation.deleted"])
        assert bad.exit_code != 0 and "observation.created" in bad.output
        new_observation(as_user(officer))
        result = runner.invoke(args=["webhooks", "deliver", "--once"])
        assert result.exit_code == 0 and "attempts 1" in result.output, result.output
    assert [json.loads(r.body)["type"] for r in rx.received] == ["observation.created"]
    assert rx.received[0].verified


def test_a_delivery_claimed_by_one_worker_is_not_sent_by_another(app, as_user, officer):
    from webapp.interop.webhooks.deliver import _claim

    with receiver(always(204)) as rx:
        register(app, rx, ["observation.created"])
        new_observation(as_user(officer))
        now = datetime.now(UTC) + timedelta(seconds=1)
        with app.app_context():
            dispatch_pending(now)
            delivery_id = db.session.execute(db.select(WebhookDelivery.id)).scalar_one()
            assert _claim(delivery_id, now, manual=False)  # a node holds it, mid-send
            db.session.commit()
            assert deliver_due(now) == 0  # another node finds nothing to send
            # A node that died mid-send lets go when its lock runs out.
            assert deliver_due(now + timedelta(minutes=5)) == 1
            db.session.remove()
    assert len(rx.received) == 1


def test_send_again_is_refused_while_the_receiver_is_switched_off(
    app, as_user, officer, coordinator
):
    with receiver(always(410)) as rx:
        register(app, rx, ["observation.created"])
        new_observation(as_user(officer))
        run_worker(app)
        with app.app_context():
            delivery_id = db.session.execute(db.select(WebhookDelivery.id)).scalar_one()
        desk = as_user(coordinator)
        response = form_post(desk, f"/admin/webhooks/deliveries/{delivery_id}/redeliver")
        assert response.status_code == 302
        assert "avstängd" in desk.get(response.headers["Location"]).get_data(as_text=True)
    assert len(rx.received) == 1
