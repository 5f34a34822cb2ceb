"""The weekly situational picture covers one ISO week, Monday to Sunday, named by its number.

The walk found "vecka 50" on the seven days ending Monday 7 December (1–7 December), and two
different spans both called "vecka 49".
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

from tests.citizen.helpers import english
from tests.reports.conftest import Dataset
from webapp.core.localtime import local_today
from webapp.reports.period import Period, PeriodError, chosen_week, iso_week, week_code
from webapp.reports.weekly import build_weekly, incomplete_note

MONDAY = date(2026, 12, 7)  # the walk's Monday morning
WEEK_49 = Period(date(2026, 11, 30), date(2026, 12, 6))


def _week(today: date = MONDAY, **args: str) -> Period:
    return chosen_week(MultiDict(args), today)


def test_on_monday_the_picture_is_last_weeks_whole_week():
    assert _week() == WEEK_49
    assert week_code(_week()) == "2026-W49"


@pytest.mark.parametrize("day", ["2026-11-30", "2026-12-03", "2026-12-06"])
def test_any_day_chooses_its_monday_to_sunday_week(day):  # type: ignore[no-untyped-def]
    assert _week(day=day) == WEEK_49
    assert _week(to=day) == WEEK_49  # links made before weeks were ISO weeks


def test_a_week_is_chosen_by_its_iso_number_across_the_new_year():
    assert _week(week="2026-W49") == WEEK_49
    # 2026 has 53 ISO weeks; 1 January 2027 (a Friday) still lies in 2026's week 53.
    assert _week(today=date(2027, 1, 11), day="2027-01-01") == Period(
        date(2026, 12, 28), date(2027, 1, 3)
    )
    assert week_code(iso_week(date(2027, 1, 1))) == "2026-W53"


@pytest.mark.parametrize("args", [{"week": "2025-W53"}, {"week": "49"}, {"day": "7/12/2026"}])
def test_a_week_that_does_not_exist_is_refused(app: Flask, args):  # type: ignore[no-untyped-def]
    with app.test_request_context(), pytest.raises(PeriodError):
        _week(**args)


def test_a_week_that_has_not_begun_is_refused_but_the_current_one_is_allowed(app: Flask):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(PeriodError) as refused:
            _week(week="2026-W51")
        assert _week(day="2026-12-13") == Period(MONDAY, date(2026, 12, 13))
    assert refused.value.fields["day"] == (
        "Week 51 2026 has not begun yet. Choose a day up to today."
    )


def test_the_week_before_is_the_previous_iso_week(app: Flask, dataset: Dataset):
    with app.app_context():
        picture = build_weekly(
            iso_week(date(2026, 10, 21)), dataset.coordinator, now=datetime(2026, 11, 2, tzinfo=UTC)
        )
    assert picture.previous == Period(date(2026, 10, 12), date(2026, 10, 18))
    assert (picture.walks_held, picture.previous_walks_held) == (1, 0)
    assert not picture.incomplete


def test_the_current_week_is_marked_as_not_over(app: Flask, dataset: Dataset):
    now = datetime(2026, 10, 21, 10, tzinfo=UTC)  # a Wednesday
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        picture = build_weekly(iso_week(date(2026, 10, 21)), dataset.coordinator, now=now)
        assert picture.incomplete
        assert incomplete_note(picture).startswith("Week 43 is not over: the figures run up to")


def test_the_page_is_titled_with_the_week_number_and_its_dates(app, as_user, dataset):  # type: ignore[no-untyped-def]
    response = english(as_user(dataset.coordinator)).get("/reports/weekly?day=2026-10-21")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Situational picture, week 43 2026</h1>" in html
    assert "Monday 19 October 2026 – Sunday 25 October 2026" in html
    assert "compared with the week before (week 42)" in html
    assert 'href="/reports/weekly?week=2026-W42"' in html
    assert 'href="/reports/weekly?week=2026-W44"' in html
    # The walks row has the week before's figure, 0, not a blank cell.
    assert re.search(
        r'<th scope="row">Safety walks held</th><td class="num">1</td><td class="num">0</td>', html
    )


def test_the_current_week_page_says_it_is_not_over_and_offers_no_next_week(app, as_user, dataset):  # type: ignore[no-untyped-def]
    this_week = iso_week(local_today())
    html = (
        english(as_user(dataset.coordinator))
        .get(f"/reports/weekly?week={week_code(this_week)}")
        .get_data(as_text=True)
    )
    assert 'id="week-incomplete"' in html
    following = week_code(iso_week(this_week.last + timedelta(days=1)))
    assert f"week={following}" not in html


def test_a_future_week_is_refused_on_the_page_and_for_the_pdf(app, as_user, dataset):  # type: ignore[no-untyped-def]
    desk = english(as_user(dataset.coordinator))
    page = desk.get("/reports/weekly?week=2099-W10")
    assert page.status_code == 422
    assert "Week 10 2099 has not begun yet." in page.get_data(as_text=True)
    assert desk.get("/reports/weekly.pdf?week=2099-W10").status_code == 422


def test_the_pdf_is_named_and_titled_by_its_week(app, as_user, dataset):  # type: ignore[no-untyped-def]
    response = as_user(dataset.coordinator).get("/reports/weekly.pdf?week=2026-W43")
    assert response.status_code == 200
    assert 'filename="lagesbild-2026-W43.pdf"' in response.headers["Content-Disposition"]
    text = " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.data)).pages).split()
    )
    assert text.startswith("Lägesbild vecka 43 2026 Måndag 19 oktober 2026 – söndag 25 oktober")
    assert "Genomförda trygghetsvandringar 1 0" in text
