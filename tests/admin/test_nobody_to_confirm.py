"""A role change or a password reset that nobody in the app could confirm says so before it is
done, on its confirmation page: afterwards the account is locked until a coordinator of its
organisation is made on the server (the Sunne demo has no coordinator of the police).
The journey tests/journeys/test_admin_on_a_phone.py walks the reset; this is the role change."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import form_csrf_token

NOBODY = "Det finns ingen samordnare för polisen i appen som kan bekräfta kontot"
NOBODY_ANY = "Det finns ingen samordnare för"


def ask_role(client: FlaskClient, **form: str) -> str:
    token = form_csrf_token(client.get("/admin/users").get_data(as_text=True))
    response = client.post("/admin/users/role", data={"csrf_token": token, **form})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_role_nobody_can_confirm_is_named_before_the_change(
    app, admin, staff, coordinator, as_user
):  # type: ignore[no-untyped-def]
    client = as_user(admin)
    page = ask_role(client, user_id=str(staff.id), role="officer", organisation="")
    assert "Ändra roll för staff?" in page
    assert NOBODY in page
    assert "staff kan inte logga in igen" in page


def test_a_role_the_organisations_coordinator_confirms_has_no_warning(
    app, admin, officer, coordinator, as_user
):  # type: ignore[no-untyped-def]
    client = as_user(admin)
    page = ask_role(client, user_id=str(officer.id), role="staff", organisation="")
    assert "Ändra roll för officer?" in page
    assert NOBODY_ANY not in page
