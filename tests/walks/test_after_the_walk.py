"""After the walk: marking it held and publishing ask first, a published protocol is public at
an address of its own, and the walk then takes nothing more from participants' phones."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.conftest import api_post, form_csrf_token
from tests.walks.helpers import join, make_walk, post_rating, post_spot, rating, spot
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.walks.models import SafetyWalk, WalkSpot

STARTED = {"starts_at": datetime.now(UTC) - timedelta(hours=2)}
PRIVATE_NOTE = "Grannen Kalle står alltid här"


def _confirm(client, url: str):  # type: ignore[no-untyped-def]
    """Open the confirmation page, then press its button."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r"<h1>[^<]+\?</h1>", html), "the page asks no question"
    return client.post(url, data={"csrf_token": form_csrf_token(html)})


def _published(app, as_user, coordinator, **values):  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id, **{**STARTED, **values})
    phone = join(app, walk.join_code)
    assert post_spot(phone, walk.id, spot(note=PRIVATE_NOTE)).status_code == 201
    desk = as_user(coordinator)
    assert _confirm(desk, f"/walks/{walk.id}/held").status_code == 302
    response = _confirm(desk, f"/walks/{walk.id}/protocol/publish")
    assert response.status_code == 302
    return walk, phone, desk


def test_marking_held_asks_on_a_page_of_its_own_first(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id, **STARTED)
    desk = as_user(coordinator)
    assert f'href="/walks/{walk.id}/held"' in desk.get(f"/walks/{walk.id}").get_data(as_text=True)
    question = desk.get(f"/walks/{walk.id}/held").get_data(as_text=True)
    assert "Markera ”Trygghetsvandring centrum” som genomförd?" in question
    with app.app_context():
        assert db.session.get(SafetyWalk, walk.id).status == "planned"  # asking changes nothing
    page = desk.get(f"/walks/{walk.id}/held").get_data(as_text=True)
    response = desk.post(f"/walks/{walk.id}/held", data={"csrf_token": form_csrf_token(page)})
    assert response.headers["Location"].endswith(f"/walks/{walk.id}/headcount")
    with app.app_context():
        assert db.session.get(SafetyWalk, walk.id).status == "held"


def test_a_walk_planned_for_later_cannot_be_marked_held(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id, starts_at=datetime.now(UTC) + timedelta(days=3))
    desk = as_user(coordinator)
    page = desk.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert f'href="/walks/{walk.id}/held"' not in page
    assert "När vandringen har börjat kan du markera den som genomförd här." in page
    response = desk.post(f"/walks/{walk.id}/held", data={"csrf_token": form_csrf_token(page)})
    assert response.headers["Location"].endswith(f"/walks/{walk.id}")
    after = desk.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "Du kan markera den som genomförd när den har börjat." in after
    with app.app_context():
        assert db.session.get(SafetyWalk, walk.id).status == "planned"


def test_delete_is_offered_only_where_allowed_and_asks_first(app, coordinator, as_user):
    empty = make_walk(app, coordinator.id)
    used = make_walk(app, coordinator.id)
    join(app, used.join_code)
    desk = as_user(coordinator)
    used_page = desk.get(f"/walks/{used.id}").get_data(as_text=True)
    assert "Ta bort vandringen" not in used_page and "avsluta den i stället" not in used_page
    assert "Ta bort vandringen" in desk.get(f"/walks/{empty.id}").get_data(as_text=True)
    assert "Ta bort ”Trygghetsvandring centrum”?" in desk.get(f"/walks/{empty.id}/delete").get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(SafetyWalk, empty.id) is not None  # asking changes nothing
    assert _confirm(desk, f"/walks/{empty.id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(SafetyWalk, empty.id) is None


def test_the_published_protocol_is_public_and_shows_only_the_public_version(
    app, coordinator, as_user
):
    walk = make_walk(app, coordinator.id, **STARTED)
    with app.app_context():
        stored = db.session.get(SafetyWalk, walk.id)
        stored.notes, stored.summary = "INTERNT: polisen bevakar", "Belysningen <b>brister</b>."
        db.session.add(
            Measure(title="Byt lampor", internal_note="INTERNT om åtgärden", visibility="shared",
                    walk_id=walk.id, created_by_id=coordinator.id)
        )  # fmt: skip
        db.session.commit()
    anonymous = app.test_client()
    assert anonymous.get(f"/walk/{walk.id}/protocol").status_code == 404  # not yet published
    _, phone, desk = _published_existing(app, walk, desk=as_user(coordinator))
    told = desk.get(f"/walks/{walk.id}/protocol?version=public").get_data(as_text=True)
    assert f"http://localhost/walk/{walk.id}/protocol" in told
    page = anonymous.get(f"/walk/{walk.id}/protocol")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Byt lampor" in text and "Belysningen &lt;b&gt;brister&lt;/b&gt;." in text
    for secret in ("INTERNT", PRIVATE_NOTE, "coordinator"):
        assert secret not in text
    assert f"/walk/{walk.id}/protocol" in anonymous.get("/feedback").get_data(as_text=True)


def _published_existing(app, walk, desk):  # type: ignore[no-untyped-def]
    phone = join(app, walk.join_code)
    assert post_spot(phone, walk.id, spot(note=PRIVATE_NOTE)).status_code == 201
    assert _confirm(desk, f"/walks/{walk.id}/held").status_code == 302
    assert _confirm(desk, f"/walks/{walk.id}/protocol/publish").status_code == 302
    return walk, phone, desk


def test_a_walk_not_shared_with_everyone_gets_no_public_protocol(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id, visibility="police", **STARTED)
    desk = as_user(coordinator)
    page = desk.get(f"/walks/{walk.id}/protocol").get_data(as_text=True)
    desk.post(f"/walks/{walk.id}/protocol/publish", data={"csrf_token": form_csrf_token(page)})
    with app.app_context():
        assert db.session.get(SafetyWalk, walk.id).protocol_published_at is None
    assert app.test_client().get(f"/walk/{walk.id}/protocol").status_code == 404


def test_offline_phones_still_send_after_held_but_nothing_new_after_publication(
    app, coordinator, as_user
):
    walk = make_walk(app, coordinator.id, **STARTED)
    phone = join(app, walk.join_code)
    desk = as_user(coordinator)
    assert _confirm(desk, f"/walks/{walk.id}/held").status_code == 302
    late = spot(note="Skickad efteråt")
    assert post_spot(phone, walk.id, late).status_code == 201  # held, not yet published
    assert _confirm(desk, f"/walks/{walk.id}/protocol/publish").status_code == 302

    refused = post_spot(phone, walk.id, spot())
    assert refused.status_code == 409
    assert "protokollet är publicerat" in refused.get_json()["error"]["message"]
    assert post_rating(phone, walk.id, walk.stops[0].id, rating()).status_code == 409
    assert post_spot(phone, walk.id, late).status_code == 200  # a replay still finds its spot
    with app.app_context():
        assert db.session.query(WalkSpot).filter_by(walk_id=walk.id).count() == 1
    page = phone.get(f"/walk/{walk.id}").get_data(as_text=True)
    assert "Nya platser och betyg tas inte emot längre" in page
    assert f'href="/walk/{walk.id}/protocol"' in page


def test_joining_closes_when_the_protocol_is_published(app, coordinator, as_user):
    walk, _phone, _desk = _published(app, as_user, coordinator)
    response = app.test_client().get(f"/walk/join/{walk.join_code}")
    assert response.status_code == 410
    text = response.get_data(as_text=True)
    assert "protokollet är publicerat" in text and f"/walk/{walk.id}/protocol" in text


def test_a_check_on_a_follow_up_walk_is_refused_after_publication(app, coordinator, as_user):
    original = make_walk(app, coordinator.id)
    with app.app_context():
        measure = Measure(title="Lampor", visibility="shared", walk_id=original.id,
                          created_by_id=coordinator.id)  # fmt: skip
        db.session.add(measure)
        db.session.commit()
        measure_id = measure.id
    walk, phone, _desk = _published(app, as_user, coordinator, follow_up_of_id=original.id)
    response = api_post(
        phone,
        f"/api/v1/walks/{walk.id}/measures/{measure_id}/checks",
        {"id": "4f1c2d3e-0000-4000-8000-000000000001", "answer": "resolved"},
    )
    assert response.status_code == 409
