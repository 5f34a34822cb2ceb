"""Factories for citizen voice tests: report payloads, aged form tokens, surveys, measures."""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner

from tests.conftest import api_post
from webapp.citizen import guard
from webapp.citizen.models import PublicReport, Survey, SurveyQuestion
from webapp.extensions import db
from webapp.measures.models import Measure

CENTRUM = (59.8366, 13.1440)
REPORTS_URL = "/api/v1/public/reports"
# Hostile text: HTML, a template-literal payload for Folium-style sinks, and a marker to find.
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>${alert(3)}`x` HOSTILE-MARK"
CONTACT = "secret.reporter@example.org"


def english(client: FlaskClient) -> FlaskClient:
    """A browser asking for English (texts in the tests are the English message ids)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@contextmanager
def _clock_back(seconds: float):  # type: ignore[no-untyped-def]
    real = time.time
    with mock.patch.object(TimestampSigner, "get_timestamp", lambda _s: int(real() - seconds)):
        yield


def aged_token(app: Flask, form: str = "report", seconds: float = 60) -> str:
    """A form token as if the page had been served `seconds` ago."""
    with app.test_request_context(), _clock_back(seconds):
        return guard.issue_form_token(form)


def report_payload(app: Flask, **overrides: Any) -> dict[str, Any]:
    payload = {
        "id": str(uuid.uuid4()),
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
        "feeling": "unsafe",
        "category": "belysning",
        "text": "Mörkt vid busshållplatsen, lampan är trasig.",
        "time_of_day": "evening",
        "contact": "",
        "website": "",
        "form_token": aged_token(app),
    }
    payload.update(overrides)
    return payload


def post_report(client: FlaskClient, payload: dict[str, Any]):  # type: ignore[no-untyped-def]
    return api_post(client, REPORTS_URL, payload)


def stored_reports(app: Flask) -> list[PublicReport]:
    with app.app_context():
        rows = db.session.execute(db.select(PublicReport)).unique().scalars().all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def make_report(app: Flask, **values: Any) -> str:
    """A report straight in the database (pending unless told); returns its id."""
    with app.app_context():
        report = PublicReport(
            id=values.pop("id", str(uuid.uuid4())),
            lat=values.pop("lat", CENTRUM[0]),
            lon=values.pop("lon", CENTRUM[1]),
            feeling=values.pop("feeling", "unsafe"),
            category_code=values.pop("category_code", "belysning"),
            text=values.pop("text", "Trasig lampa"),
            content_hash="0" * 64,
            **values,
        )
        db.session.add(report)
        db.session.commit()
        return report.id


def make_measure(app: Flask, creator_id: int, **values: Any) -> int:
    with app.app_context():
        measure = Measure(
            title=values.pop("title", "Byt lampor i gångtunneln"),
            created_by_id=creator_id,
            **values,
        )
        db.session.add(measure)
        db.session.commit()
        return measure.id


def make_survey(
    app: Flask,
    creator_id: int,
    *,
    title: str = "Trygghetsenkät 2026",
    opens: datetime | None = None,
    closes: datetime | None = None,
    code: str | None = None,
    annual: bool = False,
) -> tuple[int, str, dict[str, int]]:
    """An open survey (unless told), one question of each kind: (id, code, question ids)."""
    now = datetime.now(UTC)
    with app.app_context():
        survey = Survey(
            title=title,
            intro="Hur trygg känner du dig i Sunne?",
            code=code or uuid.uuid4().hex[:12],
            opens_at=opens or now - timedelta(days=1),
            closes_at=closes or now + timedelta(days=13),
            annual=annual,
            created_by_id=creator_id,
        )
        survey.questions = [
            SurveyQuestion(
                position=1,
                kind="scale",
                text="Hur trygg känner du dig i centrum på kvällen?",
                options=["Mycket otrygg", "Mycket trygg"],
                required=True,
            ),
            SurveyQuestion(
                position=2,
                kind="single",
                text="Hur ofta går du i centrum efter mörkrets inbrott?",
                options=["Aldrig", "Ibland", "Ofta"],
            ),
            SurveyQuestion(
                position=3,
                kind="multiple",
                text="Vad skulle öka din trygghet?",
                options=["Bättre belysning", "Synlig polis", "Mer folk i rörelse"],
            ),
            SurveyQuestion(position=4, kind="map_point", text="Markera var du känner dig otrygg"),
        ]
        db.session.add(survey)
        db.session.commit()
        return survey.id, survey.code, {q.kind: q.id for q in survey.questions}


def answer_survey(
    app: Flask, code: str, answers: dict[str, Any], client: FlaskClient | None = None, **extra: Any
):  # type: ignore[no-untyped-def]
    """A resident's browser opens the link and sends `answers` ({field name: value or list})."""
    client = client or english(app.test_client())
    page = client.get(f"/survey/{code}")
    from tests.conftest import form_csrf_token

    data: dict[str, Any] = {
        "csrf_token": form_csrf_token(page.get_data(as_text=True)),
        "form_token": aged_token(app, "survey"),
        "website": "",
        **answers,
    }
    data.update(extra)
    options = {key: data.pop(key) for key in ("headers", "environ_base") if key in data}
    return client.post(f"/survey/{code}", data=data, **options)
