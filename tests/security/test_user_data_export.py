"""A coordinator exports everything linked to one account (JSON, or a ZIP of JSON, CSV and
photos); every download is in the audit trail and nobody else may make one."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from flask import Flask

from tests.conftest import PASSWORD, form_csrf_token, make_user, stored_bytes
from tests.security.world import World, build_world
from webapp.activities.models import Activity
from webapp.auth.models import User
from webapp.citizen.models import PublicReport
from webapp.citizen.moderation import service as moderation
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.extensions import db
from webapp.observations.models import Photo
from webapp.walks.models import SafetyWalk


@pytest.fixture
def world(app: Flask, officer, staff, coordinator, admin) -> World:  # type: ignore[no-untyped-def]
    return build_world(
        app, {"officer": officer, "staff": staff, "coordinator": coordinator, "admin": admin}
    )


def _failed_login(app: Flask, username: str) -> None:
    client = app.test_client()
    token = form_csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": username, "password": "fel"})


def test_the_json_export_holds_the_account_and_everything_the_user_made(app, world, as_user):
    officer = world.users["officer"]
    _failed_login(app, "officer")
    response = as_user(world.users["coordinator"]).get(f"/admin/users/{officer.id}/export.json")

    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="trygg-sunne-officer.json"'
    )
    assert "no-store" in response.headers["Cache-Control"]
    data = response.get_json()
    assert data["account"] == [
        {**data["account"][0], "id": officer.id, "username": "officer", "role": "officer"}
    ]
    text = response.get_data(as_text=True)
    assert "password_hash" not in text and "login_sessions" not in data
    # Police and shared observations by the officer, with their photos; nothing by staff.
    assert {o["visibility"] for o in data["observations"]} == {"police", "shared"}
    assert {o["author_id"] for o in data["observations"]} == {officer.id}
    assert len(data["photos"]) == 2
    assert {a["author_id"] for a in data["activities"]} == {officer.id}
    assert "MUNICIPALITYMARK" not in text
    assert any(e["action"] == "user.login_failed" for e in data["audit_entries"])


def test_the_zip_export_has_json_a_csv_per_table_and_the_photo_files(
    app, photo_backend, world, as_user
):
    officer = world.users["officer"]
    response = as_user(world.users["coordinator"]).get(f"/admin/users/{officer.id}/export.zip")

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("officer.json"))
    for table, rows in data.items():
        parsed = list(
            csv.DictReader(io.StringIO(archive.read(f"csv/{table}.csv").decode("utf-8-sig")))
        )
        assert len(parsed) == len(rows), table
    observation = data["observations"][0]
    parsed = next(
        row
        for row in csv.DictReader(
            io.StringIO(archive.read("csv/observations.csv").decode("utf-8-sig"))
        )
        if row["id"] == observation["id"]
    )
    assert parsed["note"] == observation["note"]
    with app.app_context():
        photos = db.session.execute(
            db.select(Photo.id, Photo.storage_name).filter_by(author_id=officer.id)
        ).all()
    assert len(photos) == 2
    assert sorted(n for n in archive.namelist() if n.startswith("photos/")) == sorted(
        f"photos/{photo_id}.jpg" for photo_id, _name in photos
    )
    for photo_id, storage_name in photos:
        assert archive.read(f"photos/{photo_id}.jpg") == stored_bytes(app, storage_name)


@pytest.mark.parametrize("kind", ["json", "zip"])
def test_every_user_data_export_is_audited(app, world, as_user, kind):
    officer = world.users["officer"]
    as_user(world.users["coordinator"]).get(f"/admin/users/{officer.id}/export.{kind}")

    with app.app_context():
        entry = (
            db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id.desc()))
            .scalars()
            .first()
        )
    assert entry.action == "export.download"
    assert (entry.actor_label, entry.target_type, entry.target_id) == (
        "coordinator",
        "users",
        str(officer.id),
    )
    assert entry.detail["kind"] == "user_data" and entry.detail["format"] == kind
    assert entry.detail["records"]["observations"] == 2


@pytest.mark.parametrize("role", ["officer", "staff", "admin"])
def test_only_the_coordinator_exports_a_users_data(app, world, as_user, role):
    client = as_user(world.users[role])
    assert client.get(f"/admin/users/{world.users['staff'].id}/export.zip").status_code == 403
    assert client.get("/admin/exports").status_code == 403


def test_the_export_page_lists_every_account_and_an_unknown_one_is_404(app, world, as_user):
    client = as_user(world.users["coordinator"])
    page = client.get("/admin/exports").get_data(as_text=True)
    for username in ("officer", "staff", "coordinator", "admin"):
        assert "/export.zip" in page and username in page
    assert client.get("/admin/users/987654/export.json").status_code == 404


def test_a_user_without_records_gets_an_export_with_just_the_account(app, world, as_user):
    admin = world.users["admin"]
    data = (
        as_user(world.users["coordinator"]).get(f"/admin/users/{admin.id}/export.json").get_json()
    )
    assert [row["username"] for row in data["account"]] == ["admin"]
    assert data["observations"] == [] and data["activities"] == []
    assert PASSWORD not in json.dumps(data)


def test_the_export_holds_moderation_decisions_but_not_the_residents_text_or_contact(
    app, world, as_user
):
    coordinator = world.users["coordinator"]
    with app.app_context():
        earlier = make_user(Role.COORDINATOR, "samordnare2")
        report = db.session.get(PublicReport, world.targets["report"]["report_id"])
        moderation.hide(report, "other", db.session.get(User, earlier.id), "Inte en plats")
        moderation.publish(report, "Publicerad text om bron", db.session.get(User, coordinator.id))
    client = as_user(coordinator)

    for user, status in ((coordinator, "published"), (earlier, "published")):
        data = client.get(f"/admin/users/{user.id}/export.json").get_json()
        (row,) = data["citizen_report_moderation"]
        assert row["id"] == world.targets["report"]["report_id"] and row["status"] == status
        assert row["public_text"] == "Publicerad text om bron"
        assert "text" not in row and "contact" not in row
        assert "MODMARK" not in json.dumps(data) and "CONTACTMARK" not in json.dumps(data)
    coordinator_data = client.get(f"/admin/users/{coordinator.id}/export.json").get_json()
    assert coordinator_data["citizen_report_moderation"][0]["moderated_by_id"] == coordinator.id
    assert [s["id"] for s in coordinator_data["surveys"]] == [world.targets["survey"]["survey_id"]]
    assert {w["link"] for w in coordinator_data["safety_walks"]} == {"created"}
    assert data["surveys"] == [] and data["safety_walks"] == []


def test_the_export_holds_the_walks_a_user_logged_as_their_activity(app, world, as_user):
    officer = world.users["officer"]
    with app.app_context():
        activity = db.session.execute(
            db.select(Activity).filter_by(author_id=officer.id).limit(1)
        ).scalar_one()
        walk = db.session.execute(db.select(SafetyWalk).limit(1)).scalar_one()
        walk.activity_id = activity.id
        walk_id = walk.id
        db.session.commit()

    response = as_user(world.users["coordinator"]).get(f"/admin/users/{officer.id}/export.zip")

    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("officer.json"))
    assert [(w["id"], w["link"]) for w in data["safety_walks"]] == [(walk_id, "logged_activity")]
    (row,) = csv.DictReader(io.StringIO(archive.read("csv/safety_walks.csv").decode("utf-8-sig")))
    assert (row["id"], row["link"]) == (str(walk_id), "logged_activity")
    with app.app_context():
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="export.download")
        ).scalar_one()
    assert entry.detail["records"]["safety_walks"] == 1
    assert entry.detail["records"]["citizen_report_moderation"] == 0
