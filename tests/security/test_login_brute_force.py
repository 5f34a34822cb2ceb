"""Issue 16, "Brute force without locking out the innocent".

On the old code five wrong passwords for a name from any address locked its owner out for five
minutes, one guess a minute kept an officer locked out, and every refused login wrote an audit
entry (a flood grew the trail without bound).
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.auth.helpers import login_form
from tests.conftest import make_user
from webapp.auth import throttle
from webapp.auth.models import LoginThrottle
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

ATTACKER = "203.0.113.66"


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def guess(app: Flask, username: str, times: int, address: str = ATTACKER) -> list[int]:
    client = from_address(app, address)
    return [login_form(client, username, f"gissning {n}").status_code for n in range(times)]


def test_the_owner_logs_in_from_their_own_address_while_someone_hammers_the_name(app, staff):
    statuses = guess(app, "staff", 12)
    assert 429 in statuses  # the guesser is slowed down

    assert login_form(from_address(app, "198.51.100.7"), "staff").status_code == 302


def test_guesses_spread_over_time_and_addresses_never_lock_the_owner_out(app, officer):
    """One guess "a minute" from each of many addresses: the officer still gets in."""
    for n in range(8):
        assert guess(app, "officer", 1, f"203.0.113.{n + 1}") == [401]
        assert login_form(from_address(app, "198.51.100.20"), "officer").status_code == 302


def test_waits_grow_for_a_pair_and_the_right_password_resets_them(app, officer):
    app.config["LOGIN_LIMIT_PER_IP"] = "1000 per 5 minutes"
    client = from_address(app, ATTACKER)
    waits = []
    for n in range(4):
        response = login_form(client, "officer", f"fel {n}")
        assert response.status_code == 401
        if n >= app.config["LOGIN_FREE_FAILURES"]:
            held = login_form(client, "officer")  # even the right password waits
            assert held.status_code == 429
            waits.append(int(held.headers["Retry-After"]))
    assert waits and waits[0] >= 1
    with app.app_context():
        free = app.config["LOGIN_FREE_FAILURES"]
        assert throttle.delay_after(free + 2) > throttle.delay_after(free + 1)
    # The owner's right password from this very address, once the wait is over, resets the run.
    with app.app_context():
        db.session.execute(db.update(LoginThrottle).values(blocked_until=None))
        db.session.commit()
    assert login_form(client, "officer").status_code == 302
    assert login_form(client, "officer", "ett skrivfel").status_code == 401  # free again


def test_each_address_has_an_overall_cap(app, officer):
    app.config["LOGIN_LIMIT_PER_IP"] = "5 per 5 minutes"
    client = from_address(app, ATTACKER)
    statuses = [login_form(client, f"namn{n}", "fel").status_code for n in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


def test_many_failures_for_one_name_are_shown_to_its_coordinator(app, officer, coordinator):
    with app.app_context():
        make_user(Role.COORDINATOR, "polis-samordnare", organisation="police")
    app.config["LOGIN_FLAG_FAILURES"] = 6
    for n in range(6):
        guess(app, "officer", 1, f"203.0.113.{n + 1}")
    guess(app, "staff-does-not-exist", 7)

    police = from_address(app, "198.51.100.1")
    assert login_form(police, "polis-samordnare").status_code == 302
    page = police.get("/accounts").get_data(as_text=True)
    assert "officer" in page and "6 misslyckade inloggningar från 6 adresser" in page
    assert "staff-does-not-exist" not in page  # only accounts of the coordinator's organisation

    municipal = from_address(app, "198.51.100.2")
    assert login_form(municipal, "coordinator").status_code == 302
    assert "6 misslyckade" not in municipal.get("/accounts").get_data(as_text=True)


def test_refused_logins_from_one_address_are_audited_within_a_bound(app, officer):
    """200 refused logins (wrong passwords, then the per-address cap) leave a bounded trail
    with the count of those not listed one by one."""
    guess(app, "officer", 200)

    with app.app_context():
        entries = list(
            db.session.execute(db.select(AuditEntry).where(AuditEntry.ip == ATTACKER)).scalars()
        )
    single = [e for e in entries if e.action in ("user.login_failed", "user.login_throttled")]
    summaries = [e for e in entries if e.action == "user.login_failed_summary"]
    assert len(single) == app.config["LOGIN_AUDIT_PER_ADDRESS"]
    assert 1 <= len(summaries) <= 3
    assert max(e.detail["not_listed"] for e in summaries) == 100
    assert len(entries) < 20
