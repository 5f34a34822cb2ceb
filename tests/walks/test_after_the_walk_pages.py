"""What the pages show after the walk: the participant's phone once the protocol is published,
the coordinator's walk page once the walk is held, and the review's spots naming their
measures."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.walks.helpers import join, make_walk, post_rating, post_spot, rating, spot
from webapp.auth.models import User
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.walks import service
from webapp.walks.models import SafetyWalk, WalkSpot

STARTED = {"starts_at": datetime.now(UTC) - timedelta(hours=2)}
ENTRY_FORMS = ('id="spot-form"', 'class="rating-form"', 'class="check-form"', "Spara platsen")


def _held(app, walk_id: int, coordinator: User, *, publish: bool = False) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        walk = db.session.get(SafetyWalk, walk_id)
        service.mark_held(walk, db.session.get(User, coordinator.id))
        if publish:
            service.publish_protocol(walk, db.session.get(User, coordinator.id))


def _walk_with_entries(app, coordinator):  # type: ignore[no-untyped-def]
    """A started walk: this phone marked a spot and rated the first stop; another phone marked
    a spot with a note of its own."""
    walk = make_walk(app, coordinator.id, **STARTED)
    phone, other = join(app, walk.join_code), join(app, walk.join_code)
    assert post_spot(phone, walk.id, spot(note="Trasig lampa vid <gångtunneln>")).status_code == 201
    assert post_spot(other, walk.id, spot(note="Någon annans anteckning")).status_code == 201
    assert post_rating(phone, walk.id, walk.stops[0].id, rating()).status_code == 201
    return walk, phone


# ---- the participant's phone ------------------------------------------------------------------


def test_a_published_walk_shows_the_participant_no_entry_forms_but_the_protocol(app, coordinator):
    walk, phone = _walk_with_entries(app, coordinator)
    _held(app, walk.id, coordinator, publish=True)
    page = phone.get(f"/walk/{walk.id}").get_data(as_text=True)
    for form in ENTRY_FORMS:
        assert form not in page
    assert "Vandringen är avslutad och protokollet är publicerat" in page
    assert f'href="/walk/{walk.id}/protocol"' in page
    # The finished walk is said before anything else on the page.
    assert page.index("data-walk-closed") < page.index('id="participant-map"')


def test_a_published_walk_still_shows_what_the_participant_entered(app, coordinator):
    walk, phone = _walk_with_entries(app, coordinator)
    _held(app, walk.id, coordinator, publish=True)
    page = phone.get(f"/walk/{walk.id}").get_data(as_text=True)
    mine = page[page.index('id="entered-heading"') :]
    assert "Trasig lampa vid &lt;gångtunneln&gt;" in mine  # escaped
    assert "Någon annans anteckning" not in page
    first, second = walk.stops[0].name, walk.stops[1].name
    assert re.search(rf"{first} – <span class=\"stop-done\">✓ bedömt", mine)
    assert re.search(rf"{second} – <span class=\"muted\">inte bedömt", mine)
    assert 'id="walk-page-data"' in page  # the map of the walk is still drawn


def test_a_participant_who_entered_nothing_is_told_so_after_publication(app, coordinator):
    walk = make_walk(app, coordinator.id, **STARTED)
    phone = join(app, walk.join_code)
    _held(app, walk.id, coordinator, publish=True)
    page = phone.get(f"/walk/{walk.id}").get_data(as_text=True)
    assert "Du markerade inga platser." in page


def test_a_held_walk_keeps_its_forms_until_the_protocol_is_published(app, coordinator):
    walk, phone = _walk_with_entries(app, coordinator)
    _held(app, walk.id, coordinator)
    page = phone.get(f"/walk/{walk.id}").get_data(as_text=True)
    assert 'id="spot-form"' in page and 'class="rating-form"' in page
    assert "data-walk-closed" not in page and 'id="entered-heading"' not in page


def test_a_published_follow_up_walk_offers_no_checks_of_earlier_measures(app, coordinator):
    original = make_walk(app, coordinator.id)
    with app.app_context():
        db.session.add(
            Measure(title="Lampor", visibility="shared", walk_id=original.id,
                    created_by_id=coordinator.id)
        )  # fmt: skip
        db.session.commit()
    walk = make_walk(app, coordinator.id, follow_up_of_id=original.id, **STARTED)
    phone = join(app, walk.join_code)
    assert 'class="check-form"' in phone.get(f"/walk/{walk.id}").get_data(as_text=True)
    _held(app, walk.id, coordinator, publish=True)
    assert 'class="check-form"' not in phone.get(f"/walk/{walk.id}").get_data(as_text=True)


# ---- the coordinator's walk page --------------------------------------------------------------


def test_a_planned_walk_leads_with_its_join_code(app, coordinator, as_user):
    walk = make_walk(app, coordinator.id)
    page = as_user(coordinator).get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "data-next-steps" not in page
    assert page.index('id="join-heading"') < page.index('id="walk-view-map"')


def test_a_held_walk_leads_with_the_next_steps_and_keeps_the_poster_further_down(
    app, coordinator, as_user
):
    walk, _phone = _walk_with_entries(app, coordinator)
    _held(app, walk.id, coordinator)
    page = as_user(coordinator).get(f"/walks/{walk.id}").get_data(as_text=True)
    steps = page.index("data-next-steps")
    assert steps < page.index('id="walk-view-map"') < page.index('id="join-heading"')
    assert f'href="/walks/{walk.id}/poster"' in page  # joining is still open
    assert "2 av 2 markerade platser återstår att besluta om." in page
    assert "Ingen åtgärd beslutad ännu." in page
    review = re.search(r'<a class="btn btn-primary" href="/walks/\d+/review">', page)
    assert review is not None and review.start() > steps  # the next step is the primary button
    assert f'href="/walks/{walk.id}/protocol?version=public"' in page  # read, then publish


def test_the_next_steps_follow_the_review_and_the_publication(app, coordinator, as_user):
    walk, _phone = _walk_with_entries(app, coordinator)
    _held(app, walk.id, coordinator)
    with app.app_context():
        measure = Measure(title="Byt lampor", visibility="shared", walk_id=walk.id,
                          created_by_id=coordinator.id)  # fmt: skip
        db.session.add(measure)
        db.session.flush()
        for row in db.session.query(WalkSpot).filter_by(walk_id=walk.id):
            row.status, row.measure_id = "measure", measure.id
        db.session.get(SafetyWalk, walk.id).summary = "Belysningen brister."
        db.session.commit()
    client = as_user(coordinator)
    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "Alla markerade platser är avgjorda. 1 åtgärd beslutad hittills." in " ".join(
        page.split()
    )
    assert re.search(
        r'<a class="btn btn-primary" href="/walks/\d+/protocol\?version=public">', page
    )
    _held_walk_published(app, walk.id, coordinator)
    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "Det offentliga protokollet publicerades" in page
    assert f'href="/walk/{walk.id}/protocol"' in page
    assert "btn-primary" not in page[page.index("data-next-steps") : page.index("</ol>")]


def _held_walk_published(app, walk_id: int, coordinator: User) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        service.publish_protocol(
            db.session.get(SafetyWalk, walk_id), db.session.get(User, coordinator.id)
        )


def test_staff_see_no_next_steps_on_a_held_walk(app, coordinator, staff, as_user):
    walk = make_walk(app, coordinator.id, **STARTED)
    _held(app, walk.id, coordinator)
    page = as_user(staff).get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "data-next-steps" not in page and 'id="join-heading"' not in page


# ---- the review of marked spots ---------------------------------------------------------------


def test_a_spot_with_a_measure_names_the_measure_by_its_title(app, coordinator, as_user):
    walk, _phone = _walk_with_entries(app, coordinator)
    with app.app_context():
        measure = Measure(title="Byt <b>lampor</b>", visibility="shared", walk_id=walk.id,
                          created_by_id=coordinator.id)  # fmt: skip
        db.session.add(measure)
        db.session.flush()
        first, second = (
            db.session.query(WalkSpot).filter_by(walk_id=walk.id).order_by(WalkSpot.observed_at)
        )
        first.status, first.measure_id = "measure", measure.id
        second.status, second.measure_id, second.duplicate_of_id = (
            "duplicate", measure.id, first.id
        )  # fmt: skip
        db.session.commit()
        measure_id = measure.id
    page = as_user(coordinator).get(f"/walks/{walk.id}/review").get_data(as_text=True)
    title = "Byt &lt;b&gt;lampor&lt;/b&gt;"  # escaped
    assert f'<span class="cell">åtgärd beslutad: {title}</span>' in page
    assert f'<span class="cell">sammanslagen, ingår i åtgärden {title}</span>' in page
    assert ">åtgärd</a>" not in page
    # The measure is linked once, in the list of the walk's measures.
    assert page.count(f'href="/measures/{measure_id}"') == 1


def test_a_refused_entry_on_the_participant_s_phone_does_not_send_them_to_my_records(
    app, coordinator, officer, as_user
):
    """A participant joined with a code and has no My records: the refusal box names the
    reasons only. A field user's pages keep the way to My records."""
    walk = make_walk(app, coordinator.id, **STARTED)
    page = join(app, walk.join_code).get(f"/walk/{walk.id}").get_data(as_text=True)
    alert = re.search(r'<div id="outbox-alert".*?</div>', page, re.S).group(0)
    assert "/field/mine" not in alert
    assert 'data-rejected-one="{n} registrering togs inte emot av servern:"' in page
    assert "Mina registreringar" not in page.split('id="outbox-strings"', 1)[1].split(">", 1)[0]

    field_page = as_user(officer).get("/field/new").get_data(as_text=True)
    assert "/field/mine" in re.search(r'<div id="outbox-alert".*?</div>', field_page, re.S).group(0)
    assert "Öppna Mina registreringar för att rätta den." in field_page
