"""Correcting a sent observation: the author until it is reviewed, the coordinator any time.

Found by a first-time officer: a young person's name written in a note was accepted, and there
was no way to take it out again (nor a photo of a person). The audit entry names the fields that
changed, never their text: the old text may hold the very name that was taken out.
"""

from __future__ import annotations

import uuid

from flask import Flask

from tests.conftest import form_csrf_token, make_user
from tests.observations.conftest import create
from tests.observations.test_photos_api import jpeg_with_gps, put_photo
from webapp.core.access import Role
from webapp.core.audit.models import AuditEntry
from webapp.core.blobs import store
from webapp.core.outbox.models import OutboxEvent
from webapp.extensions import db
from webapp.observations.models import Category, Observation, Photo

NAME_NOTE = "Ungdomar vid kiosken, bl.a. Kevin Johansson (15 år)"


def _page(client, observation_id: str):  # type: ignore[no-untyped-def]
    return client.get(f"/review/observations/{observation_id}/correct")


def _post(client, observation_id: str, **form):  # type: ignore[no-untyped-def]
    token = form_csrf_token(_page(client, observation_id).get_data(as_text=True))
    return client.post(
        f"/review/observations/{observation_id}/correct", data={"csrf_token": token, **form}
    )


def _post_without_the_form(client, observation_id: str):  # type: ignore[no-untyped-def]
    """A correction posted by someone the form is not offered to (a token from another page)."""
    token = form_csrf_token(client.get("/field/new").get_data(as_text=True))
    return client.post(
        f"/review/observations/{observation_id}/correct",
        data={"csrf_token": token, "category": "belysning", "note": "x"},
    )


def _row(app: Flask, observation_id: str) -> Observation:
    with app.app_context():
        row = db.session.get(Observation, observation_id)
        db.session.expunge(row)
        return row


def test_the_author_takes_a_name_and_a_photo_out_of_an_unreviewed_observation(
    app, officer, as_user
):  # type: ignore[no-untyped-def]
    client = as_user(officer)
    record = create(client, note=NAME_NOTE, category="ungdomssamling")
    photo_id = str(uuid.uuid4())
    assert put_photo(client, record["id"], photo_id, jpeg_with_gps()).status_code == 201
    with app.app_context():
        stored_name = db.session.get(Photo, photo_id).storage_name

    detail = client.get(f"/review/observations/{record['id']}?from=mine").get_data(as_text=True)
    assert f"/review/observations/{record['id']}/correct?from=mine" in detail

    response = client.post(
        f"/review/observations/{record['id']}/correct?from=mine",
        data={
            "csrf_token": form_csrf_token(_page(client, record["id"]).get_data(as_text=True)),
            "category": "ovrigt",
            "note": "Ungdomar vid kiosken",
            "remove_photo": photo_id,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/review/observations/{record['id']}?from=mine"
    row = _row(app, record["id"])
    assert (row.note, row.category_code) == ("Ungdomar vid kiosken", "ovrigt")
    with app.app_context():
        assert db.session.get(Photo, photo_id) is None
        assert store().info(stored_name) is None  # the file is gone too
        (entry,) = db.session.execute(
            db.select(AuditEntry).filter_by(action="observation.correct")
        ).scalars()
        assert entry.actor_id == officer.id and entry.target_id == record["id"]
        assert entry.detail["changed"] == ["category", "note", "photos"]
        assert "Kevin" not in str(entry.detail)  # never the text that was taken out
        (event,) = db.session.execute(
            db.select(OutboxEvent).filter_by(type="observation.updated")
        ).scalars()
        assert "Kevin" not in str(event.payload)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Iakttagelsen är rättad." in page and "Kevin" not in page


def test_a_personnummer_in_the_correction_is_refused_with_the_text_kept(app, officer, as_user):  # type: ignore[no-untyped-def]
    client = as_user(officer)
    record = create(client)
    response = _post(client, record["id"], category="belysning", note="Pojke 100512-1234 här")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "personnummer" in page and "Pojke 100512-1234 här" in page
    assert 'aria-invalid="true"' in page
    assert _row(app, record["id"]).note == record["note"]


def test_once_reviewed_only_the_coordinator_corrects(app, officer, coordinator, as_user):  # type: ignore[no-untyped-def]
    client = as_user(officer)
    record = create(client)
    with app.app_context():
        db.session.get(Observation, record["id"]).status = "reviewed"
        db.session.commit()
    detail = client.get(f"/review/observations/{record['id']}").get_data(as_text=True)
    assert "/correct" not in detail
    page = _page(client, record["id"]).get_data(as_text=True)
    assert "bara samordnaren" in page and "Spara rättelsen" not in page
    assert _post_without_the_form(client, record["id"]).status_code == 403
    assert _row(app, record["id"]).note == record["note"]

    desk = as_user(coordinator)
    assert _post(desk, record["id"], category="belysning", note="Lampan").status_code == 302
    assert _row(app, record["id"]).note == "Lampan"


def test_nobody_else_may_correct_it(app, officer, staff, as_user):  # type: ignore[no-untyped-def]
    record = create(as_user(officer), visibility="shared")
    with app.app_context():
        colleague = make_user(Role.OFFICER, "kollega", organisation="police")
    for other in (as_user(colleague), as_user(staff)):
        assert other.get(f"/review/observations/{record['id']}").status_code == 200  # may read
        assert _page(other, record["id"]).status_code == 404
        assert _post_without_the_form(other, record["id"]).status_code == 404
    assert _row(app, record["id"]).note == record["note"]


def test_without_a_csrf_token_nothing_changes(app, officer, as_user):  # type: ignore[no-untyped-def]
    client = as_user(officer)
    record = create(client)
    answer = client.post(
        f"/review/observations/{record['id']}/correct", data={"category": "ovrigt", "note": "x"}
    )
    assert answer.status_code in (400, 403)
    assert _row(app, record["id"]).note == record["note"]


def test_a_retired_category_may_be_kept_but_not_chosen(app, officer, as_user):  # type: ignore[no-untyped-def]
    client = as_user(officer)
    record = create(client, category="trafik")
    with app.app_context():
        db.session.get(Category, "trafik").active = False
        db.session.get(Category, "narkotika").active = False
        db.session.commit()
    assert _post(client, record["id"], category="trafik", note="Bilar").status_code == 302
    refused = _post(client, record["id"], category="narkotika", note="Bilar")
    assert refused.status_code == 422
    assert _row(app, record["id"]).category_code == "trafik"
