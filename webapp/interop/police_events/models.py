"""Imported police events and the log of import calls (which also enforces the rate rules)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.dbtypes import UTCDateTime, utcnow
from webapp.extensions import db


class PoliceEvent(db.Model):
    """One event as the police published it; the id is theirs (the import de-duplicates on it).
    No position: the police's point is the centre of an area, and we never draw it."""

    __tablename__ = "police_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    raw_datetime: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(80), index=True)
    location_name: Mapped[str] = mapped_column(String(120))
    first_imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PoliceImport(db.Model):
    """One import: a call to the police's API (counted for the rate rules, even if it failed)
    or a saved file."""

    __tablename__ = "police_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    source: Mapped[str] = mapped_column(String(8))  # api | file
    url: Mapped[str] = mapped_column(String(500), default="")
    # running, ok, http_error, rate_limited, gone, network, parse, skipped
    outcome: Mapped[str] = mapped_column(String(16), default="running", index=True)
    http_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    retry_after_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    received: Mapped[int] = mapped_column(Integer, default=0)
    kept: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(String(300), default="")
