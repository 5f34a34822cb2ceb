"""Follow-up walks: same stops, before/after per stop and factor, measures checked on site."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import api_post, form_csrf_token
from tests.walks.helpers import join, make_walk, post_rating, rating
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.walks.models import SafetyWalk, WalkMeasureCheck
from webapp.walks.stats import StopComparison, StopRatings, compare_with_original


def _follow_up(app, coordinator, as_user):  # type: ignore[no-untyped-def]
    original = make_walk(app, coordinator.id)
    before = join(app, original.join_code)
    post_rating(before, original.id, original.stops[0].id, rating(lighting=0, feeling=1))
    with app.app_context():
        shared = Measure(
            title="Ny belysning i parken",
            description="LED-armaturer",
            internal_note="Budget saknas",
            walk_id=original.id,
            created_by_id=coordinator.id,
            visibility="shared",
        )
        shared.change_status("in_progress", by=coordinator.id)
        secret = Measure(
            title="Polisens insats",
            walk_id=original.id,
            created_by_id=coordinator.id,
            visibility="police",
        )
        db.session.add_all([shared, secret])
        db.session.commit()
        shared_id, secret_id = shared.id, secret.id
    client = as_user(coordinator)
    token = form_csrf_token(client.get(f"/walks/{original.id}").get_data(as_text=True))
    response = client.post(
        f"/walks/{original.id}/follow-up",
        data={"csrf_token": token, "day": "2031-04-10", "start_time": "20:00"},
    )
    assert response.status_code == 302
    with app.app_context():
        follow_up = db.session.execute(
            db.select(SafetyWalk).filter_by(follow_up_of_id=original.id)
        ).scalar_one()
        follow_up.stops  # noqa: B018
        db.session.expunge(follow_up)
    return original, follow_up, shared_id, secret_id


def test_a_follow_up_walk_has_the_same_stops_linked_to_the_original(app, coordinator, as_user):
    original, follow_up, *_ = _follow_up(app, coordinator, as_user)
    assert [s.name for s in follow_up.stops] == [s.name for s in original.stops]
    assert [s.origin_stop_id for s in follow_up.stops] == [s.id for s in original.stops]
    assert follow_up.join_code and follow_up.join_code != original.join_code
    page = as_user(coordinator).get(f"/walks/{original.id}").get_data(as_text=True)
    assert f"/walks/{follow_up.id}" in page


def test_ratings_before_and_after_stand_side_by_side(app, coordinator, as_user):
    original, follow_up, *_ = _follow_up(app, coordinator, as_user)
    after = join(app, follow_up.join_code)
    post_rating(after, follow_up.id, follow_up.stops[0].id, rating(lighting=3, feeling=2))
    with app.app_context():
        comparison = compare_with_original(db.session.get(SafetyWalk, follow_up.id))
    first = comparison[0]
    assert first.before.averages["lighting"] == 0 and first.after.averages["lighting"] == 3
    assert comparison[1].before.count == 0
    page = as_user(coordinator).get(f"/walks/{follow_up.id}").get_data(as_text=True)
    # One decimal on both sides, narrow no-break spaces keep it on one line, and a rise of three
    # steps is marked as better.
    assert '0,0\u202f→\u202f3,0\u202f<span class="delta delta-up">' in page


def test_a_move_under_half_a_step_is_not_called_better_or_worse():
    before = StopRatings(count=7, averages={"lighting": 1.1, "feeling": 2.4, "upkeep": 0.3})
    after = StopRatings(count=1, averages={"lighting": 1.0, "feeling": 1.9, "upkeep": None})
    item = StopComparison(name="Gångtunneln", before=before, after=after)
    assert item.change("lighting") is None  # "1,1 → 1,0" is not a decline
    assert item.change("feeling") == "worse"  # 2.4 - 1.9 is half a step, in floats 0.4999…
    assert item.change("upkeep") is None
    rise = StopComparison(name="x", before=None, after=after)
    assert rise.change("lighting") is None
    better = StopComparison(name="x", before=after, after=before)
    assert better.change("feeling") == "better" and better.change("lighting") is None


def test_participants_of_the_follow_up_see_and_check_the_shared_measures(app, coordinator, as_user):
    original, follow_up, shared_id, secret_id = _follow_up(app, coordinator, as_user)
    phone = join(app, follow_up.join_code)
    page = phone.get(f"/walk/{follow_up.id}").get_data(as_text=True)
    assert "Ny belysning i parken" in page
    assert "Polisens insats" not in page and "Budget saknas" not in page
    measure = phone.get(f"/api/v1/walks/{follow_up.id}/measures/{shared_id}").get_json()
    assert measure["title"] == "Ny belysning i parken" and "internal_note" not in measure
    assert phone.get(f"/api/v1/walks/{follow_up.id}/measures/{secret_id}").status_code == 404
    check = {"id": str(uuid.uuid4()), "answer": "partly", "note": "Bättre, men en lampa saknas"}
    url = f"/api/v1/walks/{follow_up.id}/measures/{shared_id}/checks"
    assert api_post(phone, url, check).status_code == 201
    assert api_post(phone, url, check).status_code == 200
    assert api_post(phone, url, {**check, "answer": "resolved"}).status_code == 409
    assert (
        api_post(phone, url, {**check, "id": str(uuid.uuid4()), "answer": "maybe"}).status_code
        == 422
    )
    assert (
        api_post(
            phone,
            f"/api/v1/walks/{follow_up.id}/measures/{secret_id}/checks",
            {**check, "id": str(uuid.uuid4())},
        ).status_code
        == 404
    )
    # Participants of the original walk cannot check anything: it follows up nothing.
    old_phone = join(app, original.join_code)
    assert (
        api_post(
            old_phone,
            f"/api/v1/walks/{original.id}/measures/{shared_id}/checks",
            {**check, "id": str(uuid.uuid4())},
        ).status_code
        == 404
    )
    with app.app_context():
        assert db.session.execute(db.select(WalkMeasureCheck)).scalar_one().answer == "partly"
    protocol = as_user(coordinator).get(f"/walks/{follow_up.id}/protocol").get_data(as_text=True)
    assert "Ny belysning i parken" in protocol and "Bättre, men en lampa saknas" in protocol
    public = (
        as_user(coordinator)
        .get(f"/walks/{follow_up.id}/protocol?version=public")
        .get_data(as_text=True)
    )
    assert "Ny belysning i parken" in public and "Bättre, men en lampa saknas" not in public


def _plan_follow_up(app, client, original_id: int) -> SafetyWalk:  # type: ignore[no-untyped-def]
    token = form_csrf_token(client.get(f"/walks/{original_id}").get_data(as_text=True))
    response = client.post(
        f"/walks/{original_id}/follow-up",
        data={"csrf_token": token, "day": "2031-04-10", "start_time": "20:00"},
    )
    assert response.status_code == 302
    with app.app_context():
        walk = db.session.execute(
            db.select(SafetyWalk).filter_by(follow_up_of_id=original_id)
        ).scalar_one()
        db.session.expunge(walk)
    return walk


def _list_row(page: str, walk_id: int) -> str:
    """The visible text of the walk's row in the list of walks."""
    link = page.index(f'href="/walks/{walk_id}"')
    row = page[page.rindex("<tr", 0, link) : page.index("</tr>", link)]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


@pytest.mark.parametrize("language, word", [("sv", "uppföljning"), ("en", "follow-up")])
def test_the_list_of_walks_says_follow_up_once_for_a_follow_up_walk(
    app, coordinator, as_user, language, word
):
    original = make_walk(app, coordinator.id, name="Trygghetsvandring Sunne centrum")
    client = as_user(coordinator)
    with client.session_transaction() as session:
        session["locale"] = language
    follow_up = _plan_follow_up(app, client, original.id)
    row = _list_row(client.get("/walks/").get_data(as_text=True), follow_up.id)
    assert row.casefold().count(word) == 1, row
    # The other language's list reads it once too: the name was made in the planner's language.
    with client.session_transaction() as session:
        session["locale"] = "en" if language == "sv" else "sv"
    row = _list_row(client.get("/walks/").get_data(as_text=True), follow_up.id)
    assert "Trygghetsvandring Sunne centrum" in row
    assert row.casefold().count("uppföljning") + row.casefold().count("follow-up") == 1, row


def test_a_renamed_follow_up_walk_is_still_marked_as_one_in_the_list(app, coordinator, as_user):
    original = make_walk(app, coordinator.id)
    client = as_user(coordinator)
    follow_up = _plan_follow_up(app, client, original.id)
    with app.app_context():
        db.session.get(SafetyWalk, follow_up.id).name = "Höstvandring i centrum"
        db.session.commit()
    page = client.get("/walks/").get_data(as_text=True)
    assert "Höstvandring i centrum uppföljning" in _list_row(page, follow_up.id)
    assert "uppföljning" not in _list_row(page, original.id).casefold()
