from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.dbtypes import HistoryEntry, UTCDateTime, utcnow
from webapp.extensions import db
from webapp.observations.links import register_link

# Honest states: a measure can be partly done, impossible, or belong to someone else.
STATUSES = (
    "proposed",  # föreslagen
    "decided",  # beslutad
    "in_progress",  # pågår
    "done",  # klar
    "partly_done",  # delvis klar
    "not_feasible",  # ej genomförbar (reason required)
    "other_owner",  # annan ägare
)
OPEN_STATUSES = ("proposed", "decided", "in_progress")
# States that must say why: what makes it impossible, or who owns it instead.
REASON_REQUIRED = ("not_feasible", "other_owner")
OWNERS = ("police", "municipality_technical", "municipality_social", "municipality_other",
          "property_owner", "trafikverket", "other")  # fmt: skip
PRIORITIES = ("high", "medium", "low")


class Measure(db.Model):
    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # For police and municipality only: never in a public protocol.
    internal_note: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(32), default="municipality_other")
    owner_detail: Mapped[str] = mapped_column(String(120), default="")
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    recheck_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    priority: Mapped[str] = mapped_column(String(8), default="medium")
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None] = mapped_column(nullable=True)
    lon: Mapped[float | None] = mapped_column(nullable=True)
    visibility: Mapped[str] = mapped_column(String(16), default="shared", index=True)
    walk_id: Mapped[int | None] = mapped_column(
        ForeignKey("safety_walks.id"), nullable=True, index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    walk = relationship("SafetyWalk")
    # The records the measure was made from, read-only: review, walks and moderation set the
    # links. Named, not imported: walks and citizen sit above measures in the layering.
    observations = relationship(
        "Observation", viewonly=True, order_by="(Observation.observed_at, Observation.id)"
    )
    walk_spots = relationship(
        "WalkSpot", viewonly=True, order_by="(WalkSpot.observed_at, WalkSpot.id)"
    )
    public_reports = relationship(
        "PublicReport", viewonly=True, order_by="(PublicReport.received_at, PublicReport.id)"
    )
    events: Mapped[list[MeasureEvent]] = relationship(
        back_populates="measure", order_by="MeasureEvent.at", cascade="all, delete-orphan"
    )

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN_STATUSES and self.deadline is not None and self.deadline < today

    def recheck_due(self, today: date) -> bool:
        """The day to ask "is it still a problem?" has come (closed measures are asked too:
        a done measure may not have solved the problem)."""
        return self.recheck_on is not None and self.recheck_on <= today

    def note_change(self, *, by: int, comment: str) -> MeasureEvent:
        """Record an edit that keeps the status (owner, deadline...) in the same history."""
        event = MeasureEvent(
            from_status=self.status, to_status=self.status, comment=comment.strip(), user_id=by
        )
        self.events.append(event)
        return event

    def change_status(self, status: str, *, by: int, comment: str = "") -> MeasureEvent:
        """Move to `status`, keeping who, when and why in the history."""
        if status not in STATUSES:
            raise ValueError(f"unknown measure status {status!r}")
        if status in REASON_REQUIRED and not comment.strip():
            raise ValueError(f"a reason is required for {status}")
        event = MeasureEvent(
            from_status=self.status, to_status=status, comment=comment.strip(), user_id=by
        )
        self.status = status
        # The reason shown next to the status: why not, or who owns it now.
        self.status_reason = comment.strip() if status in REASON_REQUIRED else ""
        self.events.append(event)
        return event


# Review links an observation to the measure it became (webapp.observations.links).
register_link("measure_id", Measure, "created_by_id")


class MeasureEvent(HistoryEntry, db.Model):
    __tablename__ = "measure_events"

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")

    measure: Mapped[Measure] = relationship(back_populates="events")
    user = relationship("User")
