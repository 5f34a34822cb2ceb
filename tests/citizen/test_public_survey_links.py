"""The public pages lead residents to the surveys open now, and to no other survey."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.citizen.helpers import english, make_survey
from webapp.citizen.models import Survey
from webapp.extensions import db


def _set(app, survey_id: int, **values) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        for name, value in values.items():
            setattr(survey, name, value)
        db.session.commit()


@pytest.mark.parametrize("path", ["/report", "/feedback"])
def test_an_open_survey_is_linked_from_the_public_pages(app, client, coordinator, path):
    _sid, code, _q = make_survey(app, coordinator.id, title="Trygghetsenkät 2026")

    body = english(client).get(path).get_data(as_text=True)

    assert f'href="/survey/{code}"' in body
    assert "Answer the survey: Trygghetsenkät 2026" in body


def test_closed_draft_future_and_empty_surveys_are_not_linked(app, client, coordinator):
    now = datetime.now(UTC)
    _sid, open_code, _q = make_survey(app, coordinator.id, title="Open now")
    _sid, closed_code, _q = make_survey(
        app, coordinator.id, opens=now - timedelta(days=30), closes=now - timedelta(minutes=1)
    )
    _sid, future_code, _q = make_survey(
        app, coordinator.id, opens=now + timedelta(minutes=1), closes=now + timedelta(days=30)
    )
    draft_id, draft_code, _q = make_survey(app, coordinator.id)
    _set(app, draft_id, opens_at=None, closes_at=None)
    empty_id, empty_code, _q = make_survey(app, coordinator.id)
    _set(app, empty_id, questions=[])

    body = client.get("/report").get_data(as_text=True)

    assert f"/survey/{open_code}" in body
    for code in (closed_code, future_code, draft_code, empty_code):
        assert f"/survey/{code}" not in body


def test_no_survey_box_when_no_survey_is_open(client):
    body = client.get("/feedback").get_data(as_text=True)

    assert "citizen-surveys" not in body
    assert "/survey/" not in body


def test_a_hostile_survey_title_stays_text_in_the_link(app, client, coordinator):
    make_survey(app, coordinator.id, title="<script>alert(1)</script> HOSTILE-MARK")

    body = client.get("/report").get_data(as_text=True)

    assert "HOSTILE-MARK" in body
    assert "<script>alert(1)</script>" not in body
