"""The server's half of the walk page a participant's phone keeps for offline use (sw.js).

Every HTML page names the walk session it was made for (X-Trygg-Walk: the participant's outbox
scope, or "none" once the participant left or the session ended), so the service worker drops
its copy at the next page; the copy itself (X-Trygg-Precache) holds no one else's spots.
"""

from __future__ import annotations

from flask import Flask

from tests.conftest import form_csrf_token
from tests.walks.helpers import join, make_walk, post_spot, spot
from webapp.extensions import db
from webapp.walks.models import SafetyWalk, WalkParticipant

PRECACHE = {"X-Trygg-Precache": "1"}


def _scope(app: Flask) -> str:
    with app.app_context():
        (participant,) = db.session.execute(db.select(WalkParticipant)).scalars()
        return f"walk-{participant.id}"


def test_pages_name_the_walk_session_until_the_participant_leaves(app, coordinator) -> None:  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    assert app.test_client().get("/report").headers["X-Trygg-Walk"] == "none"

    phone = join(app, walk.join_code)
    scope = _scope(app)
    page = phone.get(f"/walk/{walk.id}")
    assert page.headers["X-Trygg-Walk"] == scope
    assert int(page.headers["X-Trygg-Walk-Expires"]) > 0
    assert page.headers["X-Trygg-Session"] == "none"  # no login: the staff forms rule is apart
    assert phone.get("/report").headers["X-Trygg-Walk"] == scope  # any page says so
    assert "X-Trygg-Walk" not in phone.get("/api/v1/walk-session").headers  # HTML only

    token = form_csrf_token(page.get_data(as_text=True))
    left = phone.post("/walk/leave", data={"csrf_token": token}, follow_redirects=True)
    assert left.headers["X-Trygg-Walk"] == "none"
    assert "X-Trygg-Walk-Expires" not in left.headers


def test_a_withdrawn_code_makes_every_page_say_the_session_is_gone(app, coordinator) -> None:  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    phone = join(app, walk.join_code)
    assert phone.get("/report").headers["X-Trygg-Walk"] == _scope(app)
    with app.app_context():
        db.session.get(SafetyWalk, walk.id).join_code = "NEWCODE2"
        db.session.commit()
    assert phone.get("/report").headers["X-Trygg-Walk"] == "none"


def test_the_offline_copy_holds_the_participants_own_spots_and_no_one_elses(
    app, coordinator
) -> None:  # type: ignore[no-untyped-def]
    walk = make_walk(app, coordinator.id)
    other = join(app, walk.join_code)
    theirs = spot(category="skadegorelse", note="Någon annans plats")
    assert post_spot(other, walk.id, theirs).status_code == 201
    phone = join(app, walk.join_code)
    mine = spot(note="Min egen plats vid tunneln")
    assert post_spot(phone, walk.id, mine).status_code == 201

    online = phone.get(f"/walk/{walk.id}").get_data(as_text=True)
    assert theirs["id"] in online and mine["id"] in online
    stored = phone.get(f"/walk/{walk.id}", headers=PRECACHE)
    assert stored.status_code == 200
    html = stored.get_data(as_text=True)
    assert mine["id"] in html and "Min egen plats vid tunneln" in html
    assert theirs["id"] not in html
    # The forms and the stops are all there: the page works without a network.
    assert 'id="spot-form"' in html and html.count('class="rating-form"') == 3
    assert stored.headers["Cache-Control"] == "private, no-store"  # the worker's copy only


def test_the_offline_page_offers_only_what_the_phone_keeps_for_its_visitor(app) -> None:  # type: ignore[no-untyped-def]
    html = app.test_client().get("/offline").get_data(as_text=True)
    # Stored for everyone at install: the staff and walk links start hidden (offline-page.js).
    for marker in ("data-offline-walk hidden", 'href="/field/new" data-offline-form hidden'):
        assert marker in html
    assert "data-offline-retry" in html and "offline-page.js" in html
