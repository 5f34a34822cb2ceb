"""Login throttling: failed attempts count per user name and per address; successes do not."""

from __future__ import annotations

import re
import secrets
from html import unescape

from tests.auth.helpers import build_app, login_form, logout_form
from tests.conftest import make_user
from webapp.auth import throttle
from webapp.auth.models import LoginThrottle
from webapp.auth.throttle import stated_wait as _stated_wait
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db


def _fail(client, username: str, times: int, **kwargs) -> list[int]:  # type: ignore[no-untyped-def]
    return [
        login_form(client, username, "wrong password", **kwargs).status_code for _ in range(times)
    ]


def test_defaults_three_free_failures_per_name_and_address_then_growing_waits(app):
    assert app.config["LOGIN_FREE_FAILURES"] == 3
    assert app.config["LOGIN_LIMIT_PER_IP"] == "20 per 5 minutes"
    with app.app_context():
        waits = [throttle.delay_after(n) for n in range(1, 8)]
    assert waits[:3] == [None, None, None]
    seconds = [w.total_seconds() for w in waits[3:]]
    assert seconds == sorted(seconds) and seconds[1] == 2 * seconds[0]


def test_after_the_free_failures_this_address_waits_even_with_the_right_password(client, officer):
    assert _fail(client, "officer", 4) == [401] * 4

    held = login_form(client, "officer")

    assert held.status_code == 429
    assert int(held.headers["Retry-After"]) > 0
    message = re.search(r"Vänta (\d+) (\w+) och försök igen", held.get_data(as_text=True))
    wait, unit = message.groups()
    assert unit == ("sekund" if wait == "1" else "sekunder")  # never "1 sekunder"
    assert client.get("/").status_code == 302


def _held_page(response) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """The refusal's text, the user name left in the form, and Retry-After."""
    html = response.get_data(as_text=True)
    (message,) = re.findall(r'<p class="flash flash-error" role="alert">([^<]*)</p>', html)
    (typed,) = re.findall(r'<input [^>]*name="username"[^>]*value="([^"]*)"', html)
    return unescape(message), unescape(typed), response.headers["Retry-After"]


def test_a_held_pair_is_told_the_same_wait_in_the_page_and_in_retry_after(app, client, officer):
    """The page said "Vänta 2 sekunder" while Flask-Limiter's after-request hook turned our
    Retry-After into the reset of the address's window (300) on every answer of the view."""
    failures = [login_form(client, "officer", "wrong password") for _ in range(4)]
    assert "Retry-After" not in failures[-1].headers  # a wrong password is not a "come back"

    held = login_form(client, "Officer")

    assert held.status_code == 429
    message, typed, retry_after = _held_page(held)
    assert message == "För många försök. Vänta 2 sekunder och försök igen."
    assert retry_after == "2"
    assert typed == "Officer"

    app.config["LOGIN_DELAY_SECONDS"] = 150  # long waits are told in whole minutes, rounded up
    with app.app_context():
        db.session.execute(db.update(LoginThrottle).values(blocked_until=None))
        db.session.commit()
    login_form(client, "officer", "wrong password")  # the 5th failure: 2 x 150 s
    message, _typed, retry_after = _held_page(login_form(client, "officer"))
    assert message == "För många försök. Vänta 5 minuter och försök igen."
    assert retry_after == "300"


def test_the_address_cap_is_told_its_own_wait_in_the_page_and_in_retry_after(app, client, officer):
    """The per-address cap used to answer with the generic error page ("wait a while"), without
    the form; now the login page says how long, in the person's language, as Retry-After does."""
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per 5 minutes"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for n in range(3):
        login_form(client, f"guess{n}", "wrong password")

    held = login_form(client, "officer.typed")

    assert held.status_code == 429
    message, typed, retry_after = _held_page(held)
    told = re.fullmatch(
        r"Too many failed logins from this network\. Wait (\d+) minutes? and try again\.", message
    )
    assert told, message
    minutes = int(told.group(1))
    assert retry_after == str(minutes * 60)
    assert minutes == 5  # the fixed 5-minute window began with the first failure, just now
    assert typed == "officer.typed"
    again = login_form(client, "officer")  # the right password does not get past the cap
    assert (again.status_code, again.headers["Retry-After"]) == (429, retry_after)


def test_the_page_says_one_second_and_many_seconds_and_minutes_in_both_languages(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert _stated_wait(1) == (1, "Vänta 1 sekund och försök igen.")
        assert _stated_wait(119) == (119, "Vänta 119 sekunder och försök igen.")
        assert _stated_wait(121) == (180, "Vänta 3 minuter och försök igen.")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert _stated_wait(1) == (1, "Wait 1 second and try again.")
        assert _stated_wait(60 * 60) == (3600, "Wait 60 minutes and try again.")


def test_a_held_name_does_not_hold_other_users(client, officer, staff):
    _fail(client, "officer", 6)

    assert login_form(client, "staff").status_code == 302


def test_address_limit_stops_guessing_across_many_user_names(app, client, officer):
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per 5 minutes"

    assert [_fail(client, f"guess{n}", 1)[0] for n in range(3)] == [401, 401, 401]

    assert login_form(client, "someone-else", "wrong password").status_code == 429
    assert login_form(client, "officer").status_code == 429


def test_address_limit_leaves_other_addresses_alone(app, officer):
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per 5 minutes"
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for n in range(4):
        login_form(attacker, f"guess{n}", "wrong password")

    colleague = app.test_client()
    colleague.environ_base["REMOTE_ADDR"] = "203.0.113.8"
    assert login_form(colleague, "officer").status_code == 302


def test_successful_logins_do_not_count_towards_the_limits(app, client, officer):
    """A busy station where everyone logs in through one address must not be locked out."""
    app.config["LOGIN_LIMIT_PER_IP"] = "2 per 5 minutes"

    for _ in range(5):
        assert login_form(client, "officer").status_code == 302
        assert logout_form(client).status_code == 302


def test_showing_the_login_page_is_not_throttled(app, client):
    app.config["LOGIN_LIMIT_PER_IP"] = "1 per 5 minutes"

    assert [client.get("/login").status_code for _ in range(5)] == [200] * 5


def _production_app(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    app = build_app(
        monkeypatch,
        "production",
        {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "prod.sqlite")},
    )
    with app.app_context():
        db.create_all()
        make_user(Role.OFFICER, "officer")
    return app


def _via_proxy(app, client_address: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base.update(
        REMOTE_ADDR="10.0.0.2",  # the reverse proxy
        HTTP_X_FORWARDED_FOR=client_address,
        HTTP_X_FORWARDED_PROTO="https",
    )
    return client


def test_behind_the_proxy_each_client_address_has_its_own_limit(monkeypatch, tmp_path):
    """Otherwise every request comes from the proxy and a few typos lock out the whole town."""
    app = _production_app(monkeypatch, tmp_path)
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per 5 minutes"
    attacker = _via_proxy(app, "203.0.113.7")
    for n in range(3):
        login_form(attacker, f"guess{n}", "wrong password", base_url="https://localhost")
    assert login_form(attacker, "x", "y", base_url="https://localhost").status_code == 429

    colleague = _via_proxy(app, "198.51.100.20")
    assert login_form(colleague, "officer", base_url="https://localhost").status_code == 302


def test_behind_the_proxy_the_audit_trail_names_the_client_address(monkeypatch, tmp_path):
    app = _production_app(monkeypatch, tmp_path)
    login_form(_via_proxy(app, "198.51.100.20"), "officer", base_url="https://localhost")

    with app.app_context():
        (entry,) = db.session.execute(
            db.select(AuditEntry).filter_by(action="user.login")
        ).scalars()
        assert entry.ip == "198.51.100.20"


def test_without_a_proxy_a_forged_forwarded_header_does_not_dodge_the_address_limit(app):
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per 5 minutes"
    for n in range(4):
        client = app.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
        status = login_form(client, f"guess{n}", "wrong password").status_code
    assert status == 429


def test_failures_counted_at_the_same_moment_by_several_workers_all_count(app):
    """Nodes (or gunicorn workers) that count a failure for one pair at once: none is lost and
    none fails on the unique (name, address) pair (INSERT ... ON CONFLICT, SELECT ... FOR
    UPDATE; on PostgreSQL with TEST_DATABASE_URL, where this used to lose counts)."""
    import threading

    from webapp.auth.models import LoginThrottle

    start, errors = threading.Barrier(8), []

    def worker() -> None:
        with app.test_request_context(environ_base={"REMOTE_ADDR": "10.9.9.9"}):
            try:
                start.wait()
                for _ in range(3):
                    throttle.note_failure("same-name")
                    db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        row = db.session.execute(
            db.select(LoginThrottle).filter_by(username="same-name", address="10.9.9.9")
        ).scalar_one()
        assert (row.total_failures, row.failures) == (24, 24)
