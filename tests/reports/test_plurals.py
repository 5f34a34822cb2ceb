"""Counts in the council report take the right plural form, in Swedish and in English."""

from __future__ import annotations

import pytest
from flask import Flask

from webapp.activities.kinds.andt import AGE_BANDS
from webapp.reports import present
from webapp.reports.activities import TypeFigures


def _details(app: Flask, language: str, kind: str, n: int) -> str:
    first_band = next(iter(AGE_BANDS))
    figures = TypeFigures(
        cases=n,
        follow_ups=n,
        walks=n,
        reached={**dict.fromkeys(AGE_BANDS, 0), first_band: n},
    )
    with app.test_request_context(headers={"Accept-Language": language}):
        return " | ".join(present.type_details(kind, figures))


@pytest.mark.parametrize(
    ("language", "kind", "n", "expected"),
    [
        ("en", "meeting", 1, "1 case discussed | 1 follow-up agreed"),
        ("en", "meeting", 2, "2 cases discussed | 2 follow-ups agreed"),
        ("sv", "meeting", 1, "1 ärende togs upp | 1 uppföljning överenskommen"),
        ("sv", "meeting", 2, "2 ärenden togs upp | 2 uppföljningar överenskomna"),
        ("en", "safety_walk", 1, "1 safety walk held"),
        ("sv", "safety_walk", 1, "1 trygghetsvandring genomförd"),
        ("sv", "safety_walk", 3, "3 trygghetsvandringar genomförda"),
        ("en", "andt", 1, "1 young person reached"),
        ("sv", "andt", 2, "2 unga nåddes"),
    ],
)
def test_type_details_count_in_the_right_form(app, language, kind, n, expected):  # type: ignore[no-untyped-def]
    assert _details(app, language, kind, n).startswith(expected)


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [("en", 1, "1 answer"), ("en", 1234, "1,234 answers"), ("sv", 1234, "1 234 svar")],
)
def test_survey_answers_are_counted_the_readers_way(app, language, n, expected):  # type: ignore[no-untyped-def]
    with app.test_request_context(headers={"Accept-Language": language}):
        assert present.survey_answers(n).replace("\u00a0", " ") == expected
