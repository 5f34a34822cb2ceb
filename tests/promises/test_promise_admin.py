"""Promises and activity types are data: the coordinator edits them, everyone in the field reads."""

from __future__ import annotations

from datetime import date

import pytest

from tests.activities.helpers import andt_payload
from tests.conftest import api_post, form_csrf_token
from webapp.activities.models import ActivityType
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.promises.models import Promise

PAGES = ["/promises/new", "/promises/activity-types/new"]


def _promise_id(app, title):  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.execute(db.select(Promise.id).filter_by(title=title)).scalar_one()


@pytest.mark.parametrize("persona", ["officer", "staff", "admin", "outsider"])
def test_only_the_coordinator_edits_promises(request, as_user, app, persona):
    client = as_user(request.getfixturevalue(persona))
    for url in PAGES:
        assert client.get(url).status_code == 403
    promise_id = _promise_id(app, "Öka känslan och upplevelsen av trygghet i Sunne centrum")
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    response = client.post(
        f"/promises/{promise_id}/edit", data={"csrf_token": token, "title": "Hacked"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["officer", "staff", "coordinator"])
def test_field_roles_see_the_promises(request, as_user, persona):
    page = as_user(request.getfixturevalue(persona)).get("/promises/")
    assert page.status_code == 200
    assert "Minska risken för unga" in page.get_data(as_text=True)
    assert "Fotpatrullering i centrum" in page.get_data(as_text=True)


def test_coordinator_adds_a_promise(app, coordinator_client):
    page = coordinator_client.get("/promises/new").get_data(as_text=True)
    response = coordinator_client.post(
        "/promises/new",
        data={
            "csrf_token": form_csrf_token(page),
            "title": "Ökad trafiksäkerhet i centrum",
            "body": "Polis och kommun lovar ...",
            "starts_on": "2021-01-01",
            "ends_on": "2024-12-31",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        promise = db.session.execute(
            db.select(Promise).filter_by(title="Ökad trafiksäkerhet i centrum")
        ).scalar_one()
        assert promise.ends_on == date(2024, 12, 31)
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="promise.create")
        ).scalar_one()


def test_promise_ending_before_it_starts_is_refused(coordinator_client):
    page = coordinator_client.get("/promises/new").get_data(as_text=True)
    response = coordinator_client.post(
        "/promises/new",
        data={
            "csrf_token": form_csrf_token(page),
            "title": "X",
            "starts_on": "2024-01-01",
            "ends_on": "2023-01-01",
        },
    )
    assert response.status_code == 422


def test_coordinator_edits_a_promise(app, coordinator_client):
    promise_id = _promise_id(app, "Öka känslan och upplevelsen av trygghet i Sunne centrum")
    page = coordinator_client.get(f"/promises/{promise_id}/edit").get_data(as_text=True)
    response = coordinator_client.post(
        f"/promises/{promise_id}/edit",
        data={
            "csrf_token": form_csrf_token(page),
            "title": "Trygghet i Sunne centrum",
            "starts_on": "2016-01-01",
            "ends_on": "2018-06-30",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        promise = db.session.get(Promise, promise_id)
        assert (promise.title, promise.ends_on) == ("Trygghet i Sunne centrum", date(2018, 6, 30))
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="promise.update")
        ).scalar_one()
        assert set(entry.detail["changed"]) == {"title", "ends_on"}


def test_new_years_promise_and_activity_need_no_code(app, coordinator_client, officer_client):
    """A 2026 promise with a new activity type of a known kind: logged and counted at once."""
    page = coordinator_client.get("/promises/new").get_data(as_text=True)
    coordinator_client.post(
        "/promises/new",
        data={
            "csrf_token": form_csrf_token(page),
            "title": "Drogfri ungdom 2026",
            "starts_on": "2026-01-01",
        },
    )
    promise_id = _promise_id(app, "Drogfri ungdom 2026")
    page = coordinator_client.get("/promises/activity-types/new").get_data(as_text=True)
    response = coordinator_client.post(
        "/promises/activity-types/new",
        data={
            "csrf_token": form_csrf_token(page),
            "name": "Föräldravandring vid högstadiet",
            "kind": "andt",
            "organisation": "joint",
            "promises": [str(promise_id)],
            "active": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        new_type = db.session.execute(
            db.select(ActivityType).filter_by(name="Föräldravandring vid högstadiet")
        ).scalar_one()
        assert new_type.code == "foraldravandring-vid-hogstadiet"
        assert [p.id for p in new_type.promises] == [promise_id]
    body = api_post(
        officer_client, "/api/v1/activities", andt_payload(activity_type=new_type.code)
    ).get_json()
    assert body["promise_ids"] == [promise_id]
    assert body["visibility"] == "shared"  # joint work is shared by default
    listing = officer_client.get("/promises/").get_data(as_text=True)
    assert "1 logged" in listing


def test_activity_type_code_must_be_unique(coordinator_client):
    page = coordinator_client.get("/promises/activity-types/new").get_data(as_text=True)
    response = coordinator_client.post(
        "/promises/activity-types/new",
        data={
            "csrf_token": form_csrf_token(page),
            "name": "Dubblett",
            "code": "andt",
            "kind": "andt",
            "organisation": "police",
        },
    )
    assert response.status_code == 422
    assert "Another activity type has this code" in response.get_data(as_text=True)


def test_kind_of_a_type_in_use_cannot_change(app, coordinator_client, officer_client):
    api_post(officer_client, "/api/v1/activities", andt_payload())
    with app.app_context():
        andt = db.session.execute(db.select(ActivityType).filter_by(code="andt")).scalar_one()
        type_id = andt.id
    page = coordinator_client.get(f"/promises/activity-types/{type_id}/edit").get_data(as_text=True)
    response = coordinator_client.post(
        f"/promises/activity-types/{type_id}/edit",
        data={
            "csrf_token": form_csrf_token(page),
            "name": "ANDT",
            "code": "andt",
            "kind": "meeting",
            "organisation": "police",
            "active": "y",
        },
    )
    assert response.status_code == 422


def test_coordinator_retires_and_renames_an_activity_type(app, coordinator_client):
    with app.app_context():
        type_id = db.session.execute(
            db.select(ActivityType.id).filter_by(code="foretagsbesok")
        ).scalar_one()
    page = coordinator_client.get(f"/promises/activity-types/{type_id}/edit").get_data(as_text=True)
    assert "checked" in page  # the promises it serves are ticked
    response = coordinator_client.post(
        f"/promises/activity-types/{type_id}/edit",
        data={
            "csrf_token": form_csrf_token(page),
            "name": "Företagsbesök på landsbygden",
            "code": "foretagsbesok",
            "kind": "business_visit",
            "organisation": "police",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        activity_type = db.session.get(ActivityType, type_id)
        assert activity_type.active is False
        assert activity_type.promises == []
        assert db.session.execute(
            db.select(AuditEntry).filter_by(action="activity_type.update")
        ).scalar_one()
