"""The promises page counts the safety walks held for a walk promise, as the council report does.

Found by a first-time user: "Trygghetsvandringar genomförs … – 0 logged" on the promises page
although a walk had been held (a walk from the planner is not a logged activity).
"""

from __future__ import annotations

import re
from datetime import date

from tests.reports.helpers import activity_type, add_activity, add_walk, local
from webapp.extensions import db
from webapp.promises.models import Promise

TITLE = "Trygghetsvandringar i Sunne 2026"


def _promise_item(html: str) -> str:
    """The promise's "Trygghetsvandringar genomförs …" line on the page."""
    article = re.search(rf"<article[^>]*>\s*<h2>{TITLE}</h2>.*?</article>", html, re.S)
    assert article, "no such promise on the page"
    (item,) = re.findall(r"<li>Trygghetsvandringar genomförs.*?</li>", article.group(0), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item))


def test_held_walks_count_for_their_promise_as_the_reader_may_see_them(
    app, coordinator, officer, staff, as_user
):  # type: ignore[no-untyped-def]
    with app.app_context():
        walks = activity_type("trygghetsvandring")
        db.session.add(
            Promise(
                title=TITLE,
                starts_on=date(2026, 3, 1),
                ends_on=date(2026, 10, 31),
                activity_types=[walks],
            )
        )
        add_walk(coordinator.id, local(2026, 3, 1, 0, 30))  # the first day, just after midnight
        add_walk(coordinator.id, local(2026, 10, 31, 23, 30))  # the last day, late
        add_walk(coordinator.id, local(2026, 6, 1), visibility="police")
        add_walk(coordinator.id, local(2026, 6, 2), status="planned")  # not held
        add_walk(coordinator.id, local(2026, 2, 28, 23, 30))  # the day before
        add_walk(coordinator.id, local(2026, 11, 1, 0, 30))  # the day after
        logged = add_walk(coordinator.id, local(2026, 5, 5))  # also logged as an activity
        activity = add_activity(
            "trygghetsvandring", coordinator.id, local(2026, 5, 5), visibility="shared"
        )
        db.session.flush()
        logged.activity_id = activity.id
        db.session.commit()

    assert _promise_item(as_user(coordinator).get("/promises/").get_data(as_text=True)) == (
        " Trygghetsvandringar genomförs och följs upp, beslutade åtgärder utförs"
        " (Police and municipality together) – 1 logged · 3 safety walks held "
    )
    assert "– 1 logged that you may see · 3 safety walks held" in _promise_item(
        as_user(officer).get("/promises/").get_data(as_text=True)
    )
    # Staff do not see the police walk.
    assert "– 1 logged that you may see · 2 safety walks held" in _promise_item(
        as_user(staff).get("/promises/").get_data(as_text=True)
    )


def test_held_walks_stand_alone_when_nothing_is_logged_and_an_ended_promise_says_so(
    app, coordinator, as_user
):  # type: ignore[no-untyped-def]
    with app.app_context():
        walks = activity_type("trygghetsvandring")
        db.session.add(
            Promise(
                title=TITLE,
                starts_on=date(2026, 3, 1),
                ends_on=date(2026, 10, 31),
                activity_types=[walks],
            )
        )
        add_walk(coordinator.id, local(2026, 6, 1))
        db.session.commit()

    page = as_user(coordinator).get("/promises/").get_data(as_text=True)
    # Not "0 logged · 1 safety walk held", which read as if the walk did not count.
    assert _promise_item(page).endswith("– 1 safety walk held ")
    article = re.search(rf"<article[^>]*>\s*<h2>{TITLE}</h2>.*?</article>", page, re.S)
    assert '<span class="tag">ended</span>' in article.group(0)
