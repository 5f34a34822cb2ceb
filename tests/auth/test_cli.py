"""flask create-user: the password comes from standard input, never the command line."""

from __future__ import annotations

from tests.auth.helpers import login_form
from webapp.auth.models import User
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

GOOD_PASSWORD = "ett långt lösenord vid älven"


def _create(app, *args: str, password: str = GOOD_PASSWORD):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["create-user", *args], input=password + "\n")


def _user(app, username: str) -> User | None:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.execute(db.select(User).filter_by(username=username)).scalar()


def test_create_user_reads_the_password_from_stdin_and_the_user_can_log_in(app, client):
    result = _create(app, "Patrull1", "--role", "officer")

    assert result.exit_code == 0, result.output
    assert "Created patrull1 (officer)" in result.output
    assert GOOD_PASSWORD not in result.output
    user = _user(app, "patrull1")
    assert user is not None
    assert (user.role, user.organisation, user.active) == ("officer", "police", True)
    assert user.password_hash != GOOD_PASSWORD
    assert login_form(client, "patrull1", GOOD_PASSWORD).status_code == 302


def test_create_user_audits_the_creation(app):
    _create(app, "kommun1", "--role", "staff")

    with app.app_context():
        (entry,) = db.session.execute(
            db.select(AuditEntry).filter_by(action="user.create")
        ).scalars()
        assert entry.actor_label == "cli"
        assert entry.detail["role"] == "staff"


def test_staff_belong_to_the_municipality_and_coordinators_may_choose(app):
    assert _create(app, "kommun1", "--role", "staff").exit_code == 0
    assert (
        _create(
            app, "samordnare", "--role", "coordinator", "--organisation", "municipality"
        ).exit_code
        == 0
    )

    assert _user(app, "kommun1").organisation == "municipality"
    assert _user(app, "samordnare").organisation == "municipality"


def test_create_user_refuses_a_short_password(app):
    result = _create(app, "patrull1", "--role", "officer", password="kort")

    assert result.exit_code != 0
    assert "12" in result.output  # the shared policy's minimum length, in the message
    assert _user(app, "patrull1") is None


def test_create_user_refuses_a_common_password(app):
    result = _create(app, "patrull1", "--role", "officer", password="password123")

    assert result.exit_code != 0
    assert _user(app, "patrull1") is None


def test_create_user_refuses_an_empty_password(app):
    result = _create(app, "patrull1", "--role", "officer", password="")

    assert result.exit_code != 0
    assert _user(app, "patrull1") is None


def test_create_user_refuses_a_duplicate_user_name_whatever_its_case(app, officer):
    result = _create(app, "OFFICER", "--role", "staff")

    assert result.exit_code != 0
    assert "already exists" in result.output
    assert _user(app, "officer").role == "officer"


def test_create_user_refuses_an_unknown_role(app):
    result = _create(app, "chef", "--role", "boss")

    assert result.exit_code != 0
    assert _user(app, "chef") is None


def test_create_user_refuses_a_user_name_that_is_blank_or_too_long(app):
    assert _create(app, "   ", "--role", "officer").exit_code != 0
    assert _create(app, "x" * 65, "--role", "officer").exit_code != 0
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 0


def test_create_user_refuses_an_organisation_that_contradicts_the_role(app):
    """Officers are police and staff municipal; the mix would blur two data controllers."""
    result = _create(app, "patrull1", "--role", "officer", "--organisation", "municipality")

    assert result.exit_code != 0
    assert "belongs to police" in result.output
    assert _user(app, "patrull1") is None
