"""Dates shown to people are Swedish (or English) dates, never ISO text; ISO stays in attributes."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask

from tests.conftest import form_csrf_token
from tests.walks.helpers import join, make_walk
from webapp.extensions import db
from webapp.measures.models import Measure
from webapp.walks.models import SafetyWalk

DEADLINE = date(2031, 5, 15)


def _follow_up_with_a_shared_measure(app: Flask, coordinator, as_user) -> SafetyWalk:  # type: ignore[no-untyped-def]
    original = make_walk(app, coordinator.id)
    with app.app_context():
        db.session.add(
            Measure(
                title="Ny belysning i parken",
                walk_id=original.id,
                created_by_id=coordinator.id,
                visibility="shared",
                deadline=DEADLINE,
            )
        )
        db.session.commit()
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
        db.session.expunge(follow_up)
    return follow_up


def test_participant_page_shows_the_measure_deadline_as_a_date(app: Flask, coordinator, as_user):  # type: ignore[no-untyped-def]
    walk = _follow_up_with_a_shared_measure(app, coordinator, as_user)
    phone = join(app, walk.join_code)
    # English in the European order (en_GB), never the American "May 15, 2031".
    for language, shown in (("sv", "15 maj 2031"), ("en", "15 May 2031")):
        html = phone.get(f"/walk/{walk.id}", headers={"Accept-Language": language})
        html = html.get_data(as_text=True)
        assert f'<time datetime="2031-05-15">{shown}</time>' in html
        # Outside attributes and the page's JSON the ISO date never shows.
        visible = re.sub(r"<script.*?</script>|<[^>]*>", " ", html, flags=re.S)
        assert "2031-05-15" not in visible


def test_english_dates_are_day_month_year_in_every_format(app: Flask) -> None:
    from flask_babel import format_date, format_datetime

    from webapp.reports import fmt

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert format_date(date(2031, 5, 15), "short") == "15/05/2031"
        assert format_date(date(2031, 5, 15), "medium") == "15 May 2031"
        assert fmt.period(date(2031, 5, 1), date(2031, 5, 15)).startswith("1")
        from datetime import UTC, datetime

        assert format_datetime(datetime(2031, 5, 15, 18, 0, tzinfo=UTC), "short") == (
            "15/05/2031, 20:00"
        )
