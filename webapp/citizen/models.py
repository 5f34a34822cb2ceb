"""Citizen voice: map reports from residents and the annual safety survey.

Residents have no account. A report is keyed by the UUID the phone gave it (an outbox replay can
never store a second row) and holds no address, browser or account of whoever sent it; contact
details exist only if the reporter typed them, and only the coordinator sees them. Survey answers
hold no time, address, browser or token at all: a response is a bag of answers to one survey,
and no row anywhere links a browser to it (see survey_answers.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.dbtypes import UTCDateTime, new_uuid, utcnow
from webapp.extensions import db

FEELINGS = ("unsafe", "safe")
TIMES_OF_DAY = ("morning", "day", "evening", "night")
# pending: waits for the coordinator, nothing of it is shown anywhere. Only "published" is public.
REPORT_STATUSES = ("pending", "published", "hidden", "merged", "converted")
QUESTION_KINDS = ("scale", "single", "multiple", "map_point")
SCALE_MIN, SCALE_MAX = 1, 5
# The steps of a scale question, in order: what its answers may be, what its results count.
SCALE_STEPS = range(SCALE_MIN, SCALE_MAX + 1)


def received_hour() -> datetime:
    """Now, cut to the hour: a report's time must not single out its sender in a server log."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


class PublicReport(db.Model):
    """A place in Sunne a resident marked as feeling unsafe (or safe), waiting for moderation."""

    __tablename__ = "citizen_reports"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
    )

    # Anonymous: the UUID alone is the capability. core.idempotency compares authors, so every
    # report has the same (absent) one.
    author_id: ClassVar[None] = None

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the phone's UUID
    lat: Mapped[float]
    lon: Mapped[float]
    feeling: Mapped[str] = mapped_column(String(8))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    time_of_day: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Only if the reporter chose to leave it; shown to the coordinator and nobody else.
    contact: Mapped[str] = mapped_column(String(200), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=received_hour, index=True)

    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    # What the public sees once published: the coordinator's (possibly edited) text.
    public_text: Mapped[str] = mapped_column(Text, default="")
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Why a hidden report is not shown (a code of citizen.labels.HIDE_REASON): the coordinator
    # answers for the decision, and the resident's follow-up page says it in plain words.
    hidden_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # With "other": the reason in the coordinator's words (HIDE_NOTE_MAX_LENGTH), shown with
    # the decision and to the resident. Empty with every other reason.
    hidden_note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Merged into an existing observation, or the review item made from it.
    observation_id: Mapped[str | None] = mapped_column(
        ForeignKey("observations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measures.id", ondelete="SET NULL"), nullable=True, index=True
    )

    category = relationship("Category", lazy="joined")
    measure = relationship("Measure")
    observation = relationship("Observation")

    @property
    def is_public(self) -> bool:
        return self.status == "published"


class Survey(db.Model):
    """A short safety survey, open for a period, answered anonymously through a public link."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    # The public link: random, so a survey being prepared cannot be found by counting ids.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Part of the yearly safety survey (Trygghetsenkät), the only series the council report and
    # the results page compare year on year. Off for a survey on one place or topic: its few
    # answers against last year's whole survey would read as a trend that is not there.
    annual: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey",
        order_by="SurveyQuestion.position",
        cascade="all, delete-orphan",
    )

    def state(self, now: datetime | None = None) -> str:
        """draft (no period yet), scheduled, open or closed."""
        now = now or datetime.now(UTC)
        if self.opens_at is None or self.closes_at is None:
            return "draft"
        if now < self.opens_at:
            return "scheduled"
        if now >= self.closes_at:
            return "closed"
        return "open"


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(300))
    # Choice questions: the option labels; answers point at them by index.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)

    survey: Mapped[Survey] = relationship(back_populates="questions")

    def same_question(self, other: SurveyQuestion) -> bool:
        """Whether `other` (in another survey) asks the same thing, for year-on-year comparison."""
        return self.kind == other.kind and _norm(self.text) == _norm(other.text)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "options": list(self.options or []),
            "required": self.required,
        }


def _norm(text: str) -> str:
    return " ".join((text or "").casefold().split())


class SurveyResponse(db.Model):
    """One person's answers. No time, address, browser or token: nothing to trace it back by."""

    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random, says nothing of order
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)

    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class SurveyAnswer(db.Model):
    """One value: a scale step, a chosen option (one row per option), or a marked point."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat_range"),
        CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon_range"),
    )

    # Random like the response's: a counter would number the answers in the order they came.
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lat: Mapped[float | None] = mapped_column(nullable=True)
    lon: Mapped[float | None] = mapped_column(nullable=True)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")


class UsedFormToken(db.Model):
    """A public form's token that has been used: each token stores at most one report or answer.

    The digest of the token's random nonce (which existed only in the page that carried it,
    never in a cookie or a log) and when the token would expire anyway; rows past that are
    deleted as new ones come. Nothing links a row to the report or answers it let through.
    """

    __tablename__ = "citizen_used_form_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DailyCount(db.Model):
    """How many reports (or answers to one survey) came from one address on one day.

    The key is a keyed hash of (what, day, address): no address is stored, and rows of past
    days are deleted as the new day's first ones come.
    """

    __tablename__ = "citizen_daily_counts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
