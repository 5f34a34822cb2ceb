"""One row per event that happened; the payload is frozen when the event is written."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.dbtypes import UTCDateTime, new_uuid, utcnow
from webapp.extensions import db


class OutboxEvent(db.Model):
    __tablename__ = "outbox_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    type: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    # police, municipality, shared, or public (a published resident's report).
    visibility: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The exact JSON bytes (UTF-8 text) that are signed and sent on every attempt.
    payload: Mapped[str] = mapped_column(Text)
    # Set when the event has been fanned out to the endpoints that want it.
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)

    @property
    def message_id(self) -> str:
        """The `webhook-id`: the same for every attempt, and without a dot (Standard Webhooks)."""
        return "msg_" + self.id.replace("-", "")
