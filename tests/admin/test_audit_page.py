"""The audit log (/admin/audit, "Händelselogg") in words an administrator reads.

Actions are labels (the code in their title, for those who filter by code); an account target is
its user name; a record target stays a type and an id, so no note or police content reaches
the log's page.
"""

from __future__ import annotations

from tests.conftest import api_post
from tests.observations.conftest import payload
from webapp.admin.audit_labels import ACTIONS
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db

SECRET_NOTE = "HEMLIG-POLISANTECKNING om en plats"


def add_entry(app, action: str, target_type: str | None = None, target_id: str | None = None):  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.add(
            AuditEntry(
                action=action,
                actor_label="tester",
                target_type=target_type,
                target_id=target_id,
                detail={},
            )
        )
        db.session.commit()


def rows(html: str) -> str:
    """The table of entries, without the filter form (whose options name the codes)."""
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_actions_are_shown_as_labels_and_unknown_codes_as_themselves(app, admin, as_user):
    add_entry(app, "citizen_report.publish", "citizen_reports", "7")
    add_entry(app, "kaffe.brygg")
    table = rows(as_user(admin).get("/admin/audit").get_data(as_text=True))
    assert "Publicerade synpunkt från invånare" in table
    assert "Synpunkt från invånare 7" in table
    assert "kaffe.brygg" in table


def test_a_user_target_is_shown_by_the_user_name(app, admin, officer, as_user):
    add_entry(app, "user.enable", "users", str(officer.id))
    add_entry(app, "user.disable", "users", "987654")  # an account that is gone: its id
    table = rows(as_user(admin).get("/admin/audit").get_data(as_text=True))
    assert "Aktiverade användare" in table
    assert "Användare officer" in table
    assert f"users {officer.id}" not in table
    assert "Användare 987654" in table


def test_a_police_record_is_shown_by_type_and_id_only(app, admin, officer, coordinator, as_user):
    body = payload(note=SECRET_NOTE)
    created = api_post(as_user(officer), "/api/v1/observations", body)
    assert created.status_code == 201 and created.get_json()["visibility"] == "police"
    assert as_user(coordinator).get(f"/api/v1/observations/{body['id']}").status_code == 200

    for reader in (admin, coordinator):
        page = as_user(reader).get("/admin/audit").get_data(as_text=True)
        assert f"Iakttagelse {body['id']}" in rows(page)
        assert "HEMLIG" not in page


def test_the_filter_offers_the_actions_by_label_and_matches_exactly(app, admin, as_user):
    add_entry(app, "user.login")
    add_entry(app, "user.login_failed")
    client = as_user(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<select id="f-event" name="event">' in page
    assert '<option value="user.login_failed">Misslyckad inloggning</option>' in page
    assert len(ACTIONS) > 50

    exact = rows(client.get("/admin/audit?event=user.login").get_data(as_text=True))
    assert "Loggade in" in exact and "Misslyckad inloggning" not in exact
    # The code prefix of old links still works and shows itself in the form.
    prefix = client.get("/admin/audit?action=user.login").get_data(as_text=True)
    assert "Loggade in" in rows(prefix) and "Misslyckad inloggning" in rows(prefix)
    assert 'name="action" value="user.login"' in prefix


def test_reading_the_log_is_still_audited_with_its_filters(app, coordinator, officer, as_user):
    assert as_user(officer).get("/admin/audit").status_code == 403
    as_user(coordinator).get("/admin/audit?event=user.login&days=7")
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="audit.read").order_by(AuditEntry.id.desc())
        ).scalar()
        assert entry.actor_label == "coordinator"
        assert entry.detail["filters"] == {"event": "user.login", "days": "7"}


def test_a_coordinator_opens_an_entry_s_record_from_the_log_an_administrator_does_not(
    app, admin, officer, coordinator, as_user
):
    body = payload(note=SECRET_NOTE)
    assert api_post(as_user(officer), "/api/v1/observations", body).status_code == 201
    add_entry(app, "measure.update", "measures", "987654")  # a measure removed since: no link
    link = f'<a href="/review/observations/{body["id"]}">Iakttagelse {body["id"]}</a>'

    coordinator_client = as_user(coordinator)
    table = rows(coordinator_client.get("/admin/audit").get_data(as_text=True))
    assert link in table
    assert "Åtgärd 987654" in table and 'href="/measures/987654"' not in table
    assert coordinator_client.get(f"/review/observations/{body['id']}").status_code == 200

    assert "<a href" not in rows(as_user(admin).get("/admin/audit").get_data(as_text=True))
