"""The organisation of an account follows its role where the role decides it.

Officers are the police's and municipal staff the municipality's (DESIGN, roles: the role
decides whose records they read; `create-user` refuses a mismatch too). The new-user form had
"Polisen" chosen in advance, also for a new municipal colleague; the server quietly replaced it.
Now the form starts at "Välj organisation …", the server refuses a mismatch with a message on
the field, and an empty choice takes the role's organisation (admin-users.js sets it as the
role is chosen, a convenience only).
"""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.admin.test_role_change import chosen, post_role, role_of, selects
from tests.conftest import form_csrf_token
from webapp.auth.models import User
from webapp.extensions import db


def create(client: FlaskClient, **form: str):  # type: ignore[no-untyped-def]
    token = form_csrf_token(client.get("/admin/users").get_data(as_text=True))
    return client.post("/admin/users", data={"csrf_token": token, **form})


def organisation_of(app, username: str) -> str | None:  # type: ignore[no-untyped-def]
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar()
        return user.organisation if user else None


def test_the_new_user_form_chooses_no_organisation_in_advance(app, admin, as_user):
    found = selects(as_user(admin).get("/admin/users").get_data(as_text=True))
    organisation = found["organisation"]
    assert chosen(organisation) == ""
    assert organisation["options"][0]["text"] == "Välj organisation…"
    # What the script needs to make the organisation follow the role.
    attrs = organisation["attrs"]
    assert attrs["data-role-field"] == "role"
    assert attrs["data-organisation-by-role"] == '{"officer": "police", "staff": "municipality"}'


def test_a_municipal_account_of_the_police_is_refused(app, admin, as_user):
    client = as_user(admin)
    response = create(client, username="fel-org", role="staff", organisation="police")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "En kommunanställd hör alltid till kommunen." in page
    assert chosen(selects(page)["organisation"]) == "police"  # shown as sent, to be corrected
    assert organisation_of(app, "fel-org") is None
    refused = create(client, username="fel-polis", role="officer", organisation="municipality")
    assert "En polis hör alltid till polisen." in refused.get_data(as_text=True)
    assert organisation_of(app, "fel-polis") is None


def test_an_empty_organisation_is_the_roles_and_must_be_chosen_for_a_coordinator(
    app, admin, as_user
):
    client = as_user(admin)
    assert create(client, username="ny-kommun", role="staff", organisation="").status_code == 302
    assert organisation_of(app, "ny-kommun") == "municipality"
    assert create(client, username="ny-polis", role="officer", organisation="").status_code == 302
    assert organisation_of(app, "ny-polis") == "police"
    response = create(client, username="ny-samordnare", role="coordinator", organisation="")
    assert response.status_code == 422
    assert "Välj vilken organisation trygghetssamordnaren" in response.get_data(as_text=True)
    assert organisation_of(app, "ny-samordnare") is None
    done = create(client, username="ny-samordnare", role="coordinator", organisation="police")
    assert done.status_code == 302 and organisation_of(app, "ny-samordnare") == "police"


def test_a_role_change_to_staff_of_the_police_is_refused(app, admin, officer, as_user):
    client = as_user(admin)
    response = post_role(client, user_id=str(officer.id), role="staff", organisation="police")
    assert response.status_code == 302  # back to the list, with the choice and the reason
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "En kommunanställd hör alltid till kommunen." in page
    assert role_of(app, officer) == ("officer", "police")
    # Left as "keep the current organisation", the role's organisation is taken.
    asked = post_role(client, user_id=str(officer.id), role="staff", organisation="")
    assert asked.status_code == 200 and "kommunanställd, kommunen" in asked.get_data(as_text=True)
