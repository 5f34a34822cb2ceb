"""The annual safety survey in the council report, on a fixture with answers counted by hand.

October 2026 holds "Trygghetsenkät 2026" (4 answers); the survey before it is "Trygghetsenkät
2025" (2 answers), opened a year earlier with the same questions. Marked places lie in Sunne
centrum (Stortorget), in the rest of the tätort, and outside it (Rottneros).
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from tests.citizen.helpers import english
from tests.reports.conftest import NOW, OCTOBER
from tests.reports.helpers import ROTTNEROS, STORTORGET, local
from webapp.citizen.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from webapp.extensions import db
from webapp.reports import present
from webapp.reports.mapdraw import HEAT_STEPS, heat_colour
from webapp.reports.period import Period
from webapp.reports.service import build_council_report
from webapp.reports.surveys import survey_sections

TATORT = (59.8450, 13.1600)  # in the tätort, outside the centrum box
COUNCIL = "/reports/?from=2026-10-01&to=2026-10-31"


@dataclass
class Surveys:
    this_year: int
    last_year: int


def _survey(creator_id: int, title: str, opens: Any, closes: Any, *, annual: bool = True) -> Survey:
    survey = Survey(
        title=title,
        code=uuid.uuid4().hex[:12],
        opens_at=opens,
        closes_at=closes,
        annual=annual,
        created_by_id=creator_id,
    )
    survey.questions = [
        SurveyQuestion(position=1, kind="scale", text="Hur trygg känner du dig i centrum?"),
        SurveyQuestion(
            position=2,
            kind="single",
            text="Hur ofta går du ut?",
            options=["Aldrig", "Ibland", "Ofta"],
        ),
        SurveyQuestion(
            position=3,
            kind="multiple",
            text="Vad skulle öka din trygghet?",
            options=["Belysning", "Synlig polis", "Mer folk"],
        ),
        SurveyQuestion(position=4, kind="map_point", text="Markera var du känner dig otrygg"),
    ]
    db.session.add(survey)
    db.session.flush()
    return survey


def _respond(survey: Survey, **answers: Any) -> None:
    """One response: scale=, single=, multiple=[...], points=[(lat, lon), ...]."""
    by_kind = {q.kind: q.id for q in survey.questions}
    response = SurveyResponse(id=str(uuid.uuid4()), survey_id=survey.id)
    rows = []
    if "scale" in answers:
        rows.append(SurveyAnswer(question_id=by_kind["scale"], value=answers["scale"]))
    if "single" in answers:
        rows.append(SurveyAnswer(question_id=by_kind["single"], value=answers["single"]))
    for option in answers.get("multiple", ()):
        rows.append(SurveyAnswer(question_id=by_kind["multiple"], value=option))
    for lat, lon in answers.get("points", ()):
        rows.append(SurveyAnswer(question_id=by_kind["map_point"], lat=lat, lon=lon))
    response.answers = rows
    db.session.add(response)


@pytest.fixture
def surveys(app: Flask, dataset) -> Surveys:  # type: ignore[no-untyped-def]
    with app.app_context():
        creator = dataset.coordinator.id
        last = _survey(creator, "Trygghetsenkät 2025", local(2025, 10, 1, 0), local(2025, 11, 1, 0))
        _respond(last, scale=2, single=0, multiple=[1], points=[STORTORGET])
        _respond(last, scale=2, single=0, points=[TATORT, TATORT])
        this = _survey(
            creator, "Trygghetsenkät 2026", local(2026, 10, 5, 0), local(2026, 10, 27, 0)
        )
        _respond(this, scale=5, single=2, multiple=[0, 1], points=[STORTORGET, TATORT])
        _respond(this, scale=4, single=1, multiple=[0], points=[STORTORGET])
        _respond(this, scale=4, multiple=[0, 2], points=[ROTTNEROS])
        _respond(this, scale=2, single=1)
        db.session.commit()
        return Surveys(this.id, last.id)


def _by_kind(section) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {r.question.kind: r for r in section.results.questions}


def test_the_report_holds_the_survey_of_the_period_and_the_one_before(app, dataset, surveys):  # type: ignore[no-untyped-def]
    with app.app_context():
        report = build_council_report(Period(*OCTOBER), [], dataset.coordinator, now=NOW)

        (section,) = report.surveys
        assert section.results.survey.id == surveys.this_year
        assert section.results.previous_survey.id == surveys.last_year
        assert (section.results.responses, section.results.previous_responses) == (4, 2)
        # A period with no survey open has none; last year's is found for its own October.
        assert survey_sections(Period(date(2026, 6, 1), date(2026, 6, 30))) == []
        (earlier,) = survey_sections(Period(date(2025, 10, 1), date(2025, 10, 31)))
        assert earlier.results.survey.id == surveys.last_year
        assert earlier.results.previous_survey is None


def test_answers_per_question_are_counted_exactly_against_last_time(app, dataset, surveys):  # type: ignore[no-untyped-def]
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        (section,) = survey_sections(Period(*OCTOBER))
        q = _by_kind(section)

        assert (q["scale"].answered, q["scale"].counts, q["scale"].average) == (
            4,
            [0, 1, 0, 2, 1],
            3.75,
        )
        assert (q["scale"].previous.counts, q["scale"].previous.average) == ([0, 2, 0, 0, 0], 2.0)
        assert (q["single"].answered, q["single"].counts) == (3, [0, 2, 1])
        assert q["single"].previous.counts == [2, 0, 0]
        assert (q["multiple"].answered, q["multiple"].counts) == (3, [3, 1, 1])
        assert (q["multiple"].previous.answered, q["multiple"].previous.counts) == (1, [0, 1, 0])

        assert present.survey_rows(q["single"]) == [
            ["Aldrig", "0", "0%", "2", "100%"],
            ["Ibland", "2", "67%", "0", "0%"],
            ["Ofta", "1", "33%", "0", "0%"],
        ]
        assert present.survey_average(q["scale"]) == (
            "Average 3.8 on the scale 1–5; last time 2.0 (+1.8)."
        )
        assert present.survey_answered(q["multiple"]) == ("3 people answered (last time 1 person)")


def test_marked_places_are_counted_per_area_and_per_square(app, dataset, surveys):  # type: ignore[no-untyped-def]
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        (section,) = survey_sections(Period(*OCTOBER))
        place = section.place_question(_by_kind(section)["map_point"])

        assert place.areas == {"centrum": 2, "tatort": 1, "outside": 1}
        assert place.previous_areas == {"centrum": 1, "tatort": 2, "outside": 0}
        # The change and its percentage stay on one line (a no-break space between them).
        assert present.survey_place_rows(place) == [
            ["Sunne centrum", "2", "1", "+1\u00a0(+100%)"],
            ["Rest of Sunne tätort", "1", "2", "−1\u00a0(−50%)"],
            ["Outside Sunne tätort", "1", "0", "+1\u00a0(new)"],
            ["Total", "4", "3", "+1\u00a0(+33%)"],
        ]
        # The heat map covers the tätort: Rottneros is beyond it, and said to be.
        assert sorted(place.heat.cells.values()) == [1, 2]
        assert place.heat.outside_map == 1
        assert sorted(place.previous_heat.cells.values()) == [1, 2]
        assert place.scale_max == 2
        assert present.survey_places(place) == "4 places marked (last time 3 places)"
        maps = present.survey_heat_maps(section, place)
        assert [m.title for m in maps] == [
            "Marked places: Trygghetsenkät 2026",
            "Marked places: Trygghetsenkät 2025",
        ]


def test_the_council_page_shows_the_survey_with_tables_for_its_maps(app, as_user, dataset, surveys):  # type: ignore[no-untyped-def]
    response = english(as_user(dataset.coordinator)).get(COUNCIL)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    section = body.split('aria-labelledby="survey-heading"')[1].split("</section>")[0]
    assert "Trygghetsenkät 2026" in section
    assert (
        "Open 5 October 2026 – 26 October 2026: 4 answers. "
        "Compared with Trygghetsenkät 2025: 2 answers." in section
    )
    assert "Average 3.8 on the scale 1–5; last time 2.0 (+1.8)." in section
    # The heat maps are images with a name, and the table beside them carries the same places.
    assert section.count('role="img" aria-label="Marked places: Trygghetsenkät') == 2
    assert "<caption>Places marked per area</caption>" in section
    assert re.search(
        r'<th scope="row">Outside Sunne tätort</th><td class="num" data-label="This survey">'
        r'<span class="cell">1</span></td>',
        section,
    )
    assert "1 place beyond this map is counted in the table." in section


def test_the_council_page_says_when_no_survey_was_open(app, as_user, dataset):  # type: ignore[no-untyped-def]
    response = english(as_user(dataset.coordinator)).get(COUNCIL)

    assert "No yearly safety survey was open in the period." in response.get_data(as_text=True)


def test_the_council_pdf_carries_the_survey(app, as_user, dataset, surveys):  # type: ignore[no-untyped-def]
    response = as_user(dataset.coordinator).get(COUNCIL.replace("/?", "/council.pdf?"))

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(
        " ".join(p.extract_text() or "" for p in reader.pages).replace("\u00a0", " ").split()
    )
    assert "Trygghetsenkät 2026" in text
    assert "4 svar" in text and "2 svar" in text
    assert "Sunne centrum 2 1 +1 (+100 %)" in text


def test_heat_colours_run_from_the_lightest_for_one_to_the_darkest_for_the_fullest():
    assert heat_colour(1, 2) == HEAT_STEPS[0]
    assert heat_colour(2, 2) == HEAT_STEPS[-1]
    assert heat_colour(3, 5) == HEAT_STEPS[2]
    assert heat_colour(1, 1) == HEAT_STEPS[-1]


def test_the_heat_map_zooms_to_the_marked_places_and_centrum(app, dataset, surveys):  # type: ignore[no-untyped-def]
    """Not the whole tätort with a cluster in one corner: the marked places fill the map."""
    from webapp.geo.areas import Area
    from webapp.reports.surveys import HEAT_CELL_MIN_M

    with app.app_context(), app.test_request_context():
        (section,) = survey_sections(Period(*OCTOBER))
        grid = section.grid
        tatort = db.session.execute(db.select(Area).filter_by(kind="tatort")).scalar_one()
        lons = [point[0] for ring in tatort.geometry["coordinates"] for point in ring]

    assert grid.cell_of(*STORTORGET) is not None and grid.cell_of(*TATORT) is not None
    assert grid.cell_of(*ROTTNEROS) is None  # beyond the tätort: counted in the table only
    extent = grid.extent
    assert extent.max_lon - extent.min_lon < 0.8 * (max(lons) - min(lons))
    cell_m = grid.dlat * 111_320
    assert HEAT_CELL_MIN_M * 0.9 <= cell_m <= 250


HOSTILE_TITLE = '<img src=x onerror="alert(1)">Enkät & "svar"'


def test_a_hostile_survey_title_stays_text_on_the_page_in_its_maps_and_in_the_pdf(
    app, as_user, dataset, surveys
):  # type: ignore[no-untyped-def]
    """Titles reach the heat maps' SVG (built with Markup) and their names: escaped everywhere."""
    with app.app_context():
        db.session.get(Survey, surveys.this_year).title = HOSTILE_TITLE
        db.session.commit()
    client = english(as_user(dataset.coordinator))

    body = client.get(COUNCIL).get_data(as_text=True)
    section = body.split('aria-labelledby="survey-heading"')[1].split("</section>")[0]

    assert "<img" not in section and 'onerror="alert' not in section
    assert "&lt;img src=x onerror=" in section  # shown, as text
    assert section.count('aria-label="Marked places: &lt;img') == 1  # the heat map's name

    pdf = client.get(COUNCIL.replace("/reports/?", "/reports/council.pdf?"))
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert '<img src=x onerror="alert(1)">Enkät' in " ".join(text.split())


@pytest.fixture
def topical(app: Flask, dataset, surveys) -> int:  # type: ignore[no-untyped-def]
    """A two-answer survey about the bus station, open in October after the yearly one."""
    with app.app_context():
        survey = _survey(
            dataset.coordinator.id,
            "Trygghet vid busstationen",
            local(2026, 10, 20, 0),
            local(2026, 11, 1, 0),
            annual=False,
        )
        _respond(survey, scale=1, points=[STORTORGET])
        _respond(survey, scale=1)
        db.session.commit()
        return survey.id


def test_a_topical_survey_is_named_but_never_compared_with_the_yearly_one(
    app, as_user, dataset, surveys, topical
):  # type: ignore[no-untyped-def]
    with app.app_context():
        report = build_council_report(Period(*OCTOBER), [], dataset.coordinator, now=NOW)
        assert [s.results.survey.id for s in report.surveys] == [surveys.this_year]
        assert [(s.id, n) for s, n in report.other_surveys] == [(topical, 2)]

    body = english(as_user(dataset.coordinator)).get(COUNCIL).get_data(as_text=True)
    section = body.split('aria-labelledby="survey-heading"')[1].split("</section>")[0]
    assert "Compared with Trygghetsenkät 2025: 2 answers." in section
    assert "Compared with Trygghetsenkät 2026" not in section
    assert "Marked places: Trygghet vid busstationen" not in section
    assert (
        "Other surveys open in the period, not part of the yearly survey and not compared: "
        "Trygghet vid busstationen (2 answers)." in section
    )
    pdf = as_user(dataset.coordinator).get(COUNCIL.replace("/?", "/council.pdf?"))
    text = " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages).split()
    )
    assert "Jämfört med Trygghetsenkät 2026" not in text
    assert "Trygghet vid busstationen (2 svar)" in text


def test_a_yearly_survey_still_open_is_preliminary_and_few_answers_are_flagged(
    app, dataset, surveys
):  # type: ignore[no-untyped-def]
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        (section,) = survey_sections(Period(*OCTOBER))
        while_open = present.survey_notes(section, local(2026, 10, 20, 12))
        after = present.survey_notes(section, NOW)

    assert while_open[0] == (
        "Preliminary: the survey is open until 26 October 2026, so more answers may come."
    )
    # 4 and 2 answers: a share moves by 25 points with each person.
    few = (
        "Few answers (under 30 in this survey or in the survey it is compared with): "
        "compare with care."
    )
    assert while_open[1:] == [few]
    assert after == [few]


def test_the_council_pdf_says_the_survey_is_preliminary(app, as_user, dataset, surveys):  # type: ignore[no-untyped-def]
    with app.app_context():  # this year's survey is kept open past the moment of the report
        db.session.get(Survey, surveys.this_year).closes_at = datetime.now(UTC) + timedelta(days=9)
        db.session.commit()

    response = as_user(dataset.coordinator).get(COUNCIL.replace("/?", "/council.pdf?"))
    text = " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.data)).pages).split()
    )
    assert "Preliminärt: enkäten är öppen till och med" in text
    assert "Få svar (under 30" in text
