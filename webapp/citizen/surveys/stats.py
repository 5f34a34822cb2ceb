"""Survey results: counts and averages per question, marked places, and last time's figures.

For the council report, call `survey_summary(period)`: the yearly surveys open at some time in
the period, each with its results and the previous yearly survey's for comparison. Only the yearly
series (Survey.annual) is compared: a survey on one place or topic asks other people other things,
and set against last year's whole survey its figures would read as a trend that is not there.
Answers are anonymous aggregates with no visibility of their own, so no reader check is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import func

from webapp.citizen.models import (
    SCALE_STEPS,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from webapp.extensions import db

# Below this many answers a share moves by several percentage points with each person: the
# figures are shown, with a plain note to compare them with care.
FEW_ANSWERS = 30


class HasBounds(Protocol):
    """A period with UTC bounds, end exclusive (webapp.reports.period.Period is one)."""

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int  # respondents who answered this question
    # One count per option (choices) or per step 1..5 (scale); empty for map questions.
    counts: list[int] = field(default_factory=list)
    average: float | None = None  # scale questions only
    points: list[tuple[float, float]] = field(default_factory=list)  # map questions: (lat, lon)
    previous: QuestionResult | None = None  # the same question in the previous survey

    @property
    def scale_ends(self) -> tuple[str, str] | None:
        """What the lowest and the highest step of a scale question mean ("Mycket otrygg",
        "Mycket trygg"), as the resident read them; None without them or for other questions."""
        options = self.question.options or []
        if self.question.kind != "scale" or len(options) != 2:
            return None
        return str(options[0]), str(options[1])

    @property
    def labels(self) -> list[str]:
        if self.question.kind == "scale":
            # "1" and "5" alone leave the reader guessing which end is good.
            steps = [str(step) for step in SCALE_STEPS]
            if self.scale_ends:
                steps[0] = f"{steps[0]} ({self.scale_ends[0]})"
                steps[-1] = f"{steps[-1]} ({self.scale_ends[1]})"
            return steps
        return list(self.question.options or [])

    @property
    def shares(self) -> list[float]:
        """Each count as a share of those who answered (0..1)."""
        return [count / self.answered if self.answered else 0.0 for count in self.counts]

    @property
    def average_change(self) -> float | None:
        if self.average is None or self.previous is None or self.previous.average is None:
            return None
        return self.average - self.previous.average


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]
    previous_survey: Survey | None = None
    previous_responses: int = 0

    @property
    def few_answers(self) -> bool:
        """This survey, or the one it is compared with, has too few answers to read closely."""
        if self.responses < FEW_ANSWERS:
            return True
        return self.previous_survey is not None and self.previous_responses < FEW_ANSWERS

    def preliminary(self, at: datetime) -> bool:
        """Still open at `at`: more answers may come, so the figures are not final."""
        return self.survey.state(at) == "open"

    @property
    def points(self) -> list[tuple[float, float]]:
        return [p for q in self.questions for p in q.points]

    @property
    def previous_points(self) -> list[tuple[float, float]]:
        return [p for q in self.questions if q.previous for p in q.previous.points]


def previous_survey(survey: Survey) -> Survey | None:
    """The yearly survey that opened last before this one, if this one is a yearly survey
    (drafts have no place in time; other surveys are compared with nothing)."""
    if survey.opens_at is None or not survey.annual:
        return None
    return db.session.execute(
        db.select(Survey)
        .where(Survey.annual.is_(True), Survey.opens_at.is_not(None))
        .where(Survey.opens_at < survey.opens_at)
        .where(Survey.id != survey.id)
        .order_by(Survey.opens_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def _responses(survey: Survey) -> int:
    return (
        db.session.scalar(
            db.select(func.count()).select_from(SurveyResponse).filter_by(survey_id=survey.id)
        )
        or 0
    )


def _question_results(survey: Survey) -> list[QuestionResult]:
    ids = [q.id for q in survey.questions]
    counted = db.session.execute(
        db.select(SurveyAnswer.question_id, SurveyAnswer.value, func.count())
        .where(SurveyAnswer.question_id.in_(ids), SurveyAnswer.value.is_not(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.value)
    ).all()
    answered = dict(
        db.session.execute(
            db.select(SurveyAnswer.question_id, func.count(func.distinct(SurveyAnswer.response_id)))
            .where(SurveyAnswer.question_id.in_(ids))
            .group_by(SurveyAnswer.question_id)
        ).all()
    )
    points = db.session.execute(
        db.select(SurveyAnswer.question_id, SurveyAnswer.lat, SurveyAnswer.lon)
        .where(SurveyAnswer.question_id.in_(ids), SurveyAnswer.lat.is_not(None))
        .order_by(SurveyAnswer.lat, SurveyAnswer.lon)  # stored order would say who came when
    ).all()
    results = []
    for question in survey.questions:
        result = QuestionResult(question=question, answered=answered.get(question.id, 0))
        values = {value: n for qid, value, n in counted if qid == question.id}
        if question.kind == "scale":
            result.counts = [values.get(step, 0) for step in SCALE_STEPS]
            total = sum(result.counts)
            if total:
                weighted = sum(step * n for step, n in zip(SCALE_STEPS, result.counts, strict=True))
                result.average = weighted / total
        elif question.kind in ("single", "multiple"):
            result.counts = [values.get(index, 0) for index in range(len(question.options or []))]
        elif question.kind == "map_point":
            result.points = [(lat, lon) for qid, lat, lon in points if qid == question.id]
        results.append(result)
    return results


def survey_results(survey: Survey, *, compare: bool = True) -> SurveyResults:
    """Results per question; with `compare`, each question's figures in the previous survey."""
    results = SurveyResults(survey, _responses(survey), _question_results(survey))
    previous = previous_survey(survey) if compare else None
    if previous is not None:
        earlier = survey_results(previous, compare=False)
        results.previous_survey = previous
        results.previous_responses = earlier.responses
        for result in results.questions:
            result.previous = next(
                (e for e in earlier.questions if e.question.same_question(result.question)), None
            )
    return results


def _open_in(period: HasBounds, *, annual: bool) -> list[Survey]:
    return list(
        db.session.execute(
            db.select(Survey)
            .where(Survey.annual.is_(annual))
            .where(Survey.opens_at.is_not(None), Survey.closes_at.is_not(None))
            .where(Survey.opens_at < period.end, Survey.closes_at > period.start)
            .order_by(Survey.opens_at, Survey.id)
        ).scalars()
    )


def survey_summary(period: HasBounds) -> list[SurveyResults]:
    """Yearly surveys open at some time in `period`, oldest first, each compared with the
    yearly survey before it.

    For the council report: `period` is a webapp.reports.period.Period (or anything with
    UTC `start` and exclusive `end`).
    """
    return [survey_results(survey) for survey in _open_in(period, annual=True)]


def other_surveys(period: HasBounds) -> list[tuple[Survey, int]]:
    """The other surveys open in `period` with their number of answers: the council report
    names them, without figures, so nobody takes them for the yearly survey."""
    return [(survey, _responses(survey)) for survey in _open_in(period, annual=False)]
