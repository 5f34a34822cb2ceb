from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime, new_uuid, utcnow
from ..extensions import db

promise_activity_types = Table(
    "promise_activity_types",
    db.metadata,
    Column("promise_id", ForeignKey("promises.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_type_id", ForeignKey("activity_types.id", ondelete="CASCADE"), primary_key=True),
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
        secondary=promise_activity_types, back_populates="promises"
    )


class ActivityType(db.Model):
    """A promised kind of work, e.g. foot patrols in centrum.

    `kind` tells the app which entry form fits (patrol, business_visit, andt, meeting,
    safety_walk, other); new activity types of a known kind need no code.
    """

    __tablename__ = "activity_types"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24), default="other")
    # police, municipality or joint
    organisation: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")

    promises: Mapped[list[Promise]] = relationship(
        secondary=promise_activity_types, back_populates="activity_types"
    )


class Activity(db.Model):
    """One logged occurrence of a promised activity (a patrol, a visit, a meeting...)."""

    __tablename__ = "activities"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    activity_type_id: Mapped[int] = mapped_column(ForeignKey("activity_types.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)
    lat: Mapped[float | None] = mapped_column(nullable=True)
    lon: Mapped[float | None] = mapped_column(nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # Kind-specific figures (counts reached, topics...): never names of people.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    visibility: Mapped[str] = mapped_column(String(16), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity_type: Mapped[ActivityType] = relationship()
