"""Issue 16, "An administrator manages accounts, not records".

An admin cannot obtain a working password of a data role (officer, staff, coordinator): new
accounts and resets take no password from the admin, a data role waits for a coordinator of the
account's organisation, and the one-time code reaches the owner through that coordinator. On the
old code the admin typed the password of any new or reset account and could log in with it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.auth.helpers import login_form
from tests.conftest import form_csrf_token, make_user
from webapp import ROOT
from webapp.auth.models import OneTimeCode, User
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

CHOSEN = "admin-vald-fras-2026-lång"
OWN = "min egen hemliga fras 2026"
STEPS = {"user.create", "user.confirm", "user.code_issue", "user.password_set"}
CODE = re.compile(r"data-code>([A-Z0-9-]{14})<")


def logged_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert login_form(client, username).status_code == 302
    return client


def post(client: FlaskClient, page: str, url: str, **form: str):  # type: ignore[no-untyped-def]
    token = form_csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **form})


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
        )


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(User.id).filter_by(username=username)).scalar_one()


def set_password_with(app: Flask, code: str, password: str = OWN):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "/account/set-password" in page  # the way in is visible on the login page
    return post(
        client, "/account/set-password", "/account/set-password",
        code=code, password=password, repeat=password,
    )  # fmt: skip


@pytest.fixture
def police_coordinator(app: Flask) -> User:
    with app.app_context():
        return make_user(Role.COORDINATOR, "samordnare-polis", organisation="police")


def test_a_new_officer_needs_a_police_coordinator_and_gets_their_own_password(
    app, admin, coordinator, police_coordinator
):
    admin_client = logged_in(app, "admin")
    created = post(
        admin_client, "/admin/users", "/admin/users",
        username="ny-polis", display_name="Ny Polis", role="officer", organisation="police",
        password=CHOSEN,
    )  # fmt: skip
    assert created.status_code == 302
    new_id = user_id(app, "ny-polis")
    # Whatever the admin typed is no password, and no code came to the admin.
    assert login_form(app.test_client(), "ny-polis", CHOSEN).status_code == 401
    assert not CODE.search(admin_client.get("/admin/users").get_data(as_text=True))

    # A coordinator of the other organisation neither sees nor confirms the account.
    municipal = logged_in(app, "coordinator")
    assert "ny-polis" not in municipal.get("/accounts").get_data(as_text=True)
    assert post(municipal, "/accounts", f"/accounts/{new_id}/confirm").status_code == 404
    # The admin cannot confirm it either.
    assert post(admin_client, "/admin/users", f"/accounts/{new_id}/confirm").status_code == 403

    police = logged_in(app, "samordnare-polis")
    assert "ny-polis" in police.get("/accounts").get_data(as_text=True)
    confirmed = post(police, "/accounts", f"/accounts/{new_id}/confirm")
    assert confirmed.status_code == 200
    code = CODE.search(confirmed.get_data(as_text=True)).group(1)

    assert set_password_with(app, code).status_code == 302
    assert login_form(app.test_client(), "ny-polis", OWN).status_code == 302
    assert set_password_with(app, code, "ännu en annan fras 2026").status_code == 400  # once
    steps = [a for a in actions(app) if a in STEPS]
    assert steps == ["user.create", "user.confirm", "user.code_issue", "user.password_set"]


def test_an_admin_reset_of_a_data_role_gives_the_admin_no_code(app, admin, officer):
    admin_client = logged_in(app, "admin")
    reset = post(
        admin_client, "/admin/users", f"/admin/users/{officer.id}/password", confirm="reset"
    )
    assert reset.status_code == 302
    assert not CODE.search(admin_client.get("/admin/users").get_data(as_text=True))
    assert login_form(app.test_client(), "officer").status_code == 401
    with app.app_context():
        assert db.session.execute(db.select(OneTimeCode)).first() is None
        assert db.session.get(User, officer.id).awaiting_confirmation
    assert "user.password_reset" in actions(app)


def test_a_reset_of_an_admin_account_gives_the_code_to_the_admin(app, admin):
    with app.app_context():
        other = make_user(Role.ADMIN, "it-kollega")
    admin_client = logged_in(app, "admin")
    reset = post(admin_client, "/admin/users", f"/admin/users/{other.id}/password", confirm="reset")
    code = CODE.search(reset.get_data(as_text=True)).group(1)

    assert set_password_with(app, code).status_code == 302
    assert login_form(app.test_client(), "it-kollega", OWN).status_code == 302


def test_giving_an_existing_admin_account_a_data_role_needs_a_coordinator(app, admin, coordinator):
    """Otherwise an admin makes an admin account, knows its password, and turns it into staff."""
    with app.app_context():
        helper = make_user(Role.ADMIN, "blivande-samordnare", organisation="municipality")
    admin_client = logged_in(app, "admin")
    changed = post(
        admin_client, "/admin/users", "/admin/users/role",
        user_id=str(helper.id), role="coordinator", organisation="municipality", confirm="role",
    )  # fmt: skip
    assert changed.status_code == 302
    assert login_form(app.test_client(), "blivande-samordnare").status_code == 401
    assert "user.role_change" in actions(app)

    confirmed = post(logged_in(app, "coordinator"), "/accounts", f"/accounts/{helper.id}/confirm")
    code = CODE.search(confirmed.get_data(as_text=True)).group(1)
    assert set_password_with(app, code).status_code == 302
    client = app.test_client()
    assert login_form(client, "blivande-samordnare", OWN).status_code == 302
    assert client.get("/review/").status_code == 200  # a coordinator now


def test_an_admin_cannot_change_their_own_role(app, admin):
    admin_client = logged_in(app, "admin")
    post(
        admin_client, "/admin/users", "/admin/users/role",
        user_id=str(admin.id), role="coordinator", organisation="police", confirm="role",
    )  # fmt: skip
    with app.app_context():
        assert db.session.get(User, admin.id).role == "admin"


def test_a_one_time_code_expires(app, admin):
    with app.app_context():
        other = make_user(Role.ADMIN, "it-kollega")
    admin_client = logged_in(app, "admin")
    reset = post(admin_client, "/admin/users", f"/admin/users/{other.id}/password", confirm="reset")
    code = CODE.search(reset.get_data(as_text=True)).group(1)
    with app.app_context():
        row = db.session.execute(db.select(OneTimeCode)).scalar_one()
        row.expires_at = row.created_at - timedelta(seconds=1)
        db.session.commit()
    assert set_password_with(app, code).status_code == 400


def test_the_server_console_still_bootstraps_the_first_coordinator(app, tmp_path):
    """`create-user` is the operator's action on the server; its account works at once."""
    db_url = f"sqlite:///{tmp_path}/cli.sqlite"
    env = {"TRYGG_ENV": "development", "DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    flask = [sys.executable, "-m", "flask", "--app", "webapp"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    made = subprocess.run(  # noqa: S603
        [*flask, "create-user", "forsta", "--role", "coordinator", "--organisation", "police"],
        cwd=ROOT, env=env, input=OWN + "\n", text=True, capture_output=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    import sqlite3

    with sqlite3.connect(f"{tmp_path}/cli.sqlite") as conn:
        confirmed, hashed = conn.execute(
            "SELECT confirmed_at, password_hash FROM users WHERE username = 'forsta'"
        ).fetchone()
    assert confirmed is not None and hashed != "!"


def test_the_server_console_can_set_a_password_when_no_coordinator_is_left(app, coordinator):
    """The only municipal coordinator's password was reset: only the console can help."""
    admin_free = app.test_cli_runner()
    with app.app_context():
        user = db.session.get(User, coordinator.id)
        user.clear_password()
        user.confirmed_at = None
        db.session.commit()
    assert login_form(app.test_client(), "coordinator").status_code == 401

    result = admin_free.invoke(args=["set-password", "coordinator"], input=OWN + "\n")

    assert result.exit_code == 0, result.output
    assert login_form(app.test_client(), "coordinator", OWN).status_code == 302
    assert "user.password_set" in actions(app)
