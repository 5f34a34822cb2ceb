"""Citizen promises (medborgarlöften) and their links to activity types and logged activities.

Activity types and the activity log live in activities.models, a layer below: the link tables
are defined here and the activity side names them (and Promise) by string, so activities need
not import promises.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.dbtypes import UTCDateTime, utcnow
from webapp.extensions import db

if TYPE_CHECKING:
    from webapp.activities.models import ActivityType

# Which activity types serve a promise (ActivityType.promises, Promise.activity_types).
promise_activity_types = Table(
    "promise_activity_types",
    db.metadata,
    Column("promise_id", ForeignKey("promises.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "activity_type_id", ForeignKey("activity_types.id", ondelete="CASCADE"), primary_key=True
    ),
)

# Which promise(s) one logged activity is counted for in the council's follow-up.
activity_promises = Table(
    "activity_promises",
    db.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("promise_id", ForeignKey("promises.id", ondelete="CASCADE"), primary_key=True),
)


class Promise(db.Model):
    """A medborgarlöfte. Promises change every year or two, so they are rows, not code."""

    __tablename__ = "promises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity_types: Mapped[list[ActivityType]] = relationship(
        "ActivityType", secondary=promise_activity_types, back_populates="promises"
    )

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
