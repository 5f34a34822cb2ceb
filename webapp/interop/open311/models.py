"""API keys for partners' systems that post residents' reports through Open311."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.dbtypes import UTCDateTime, utcnow
from webapp.extensions import db


class ApiKey(db.Model):
    """Only the SHA-256 of the key is kept; the key itself is shown once when made."""

    __tablename__ = "open311_keys"
    # One active key per name: a revoked key keeps its name (the list and the audit log show it),
    # and a new key for the same system may take that name again.
    __table_args__ = (
        Index(
            "uq_open311_keys_active_name",
            "name",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def active(self) -> bool:
        return self.revoked_at is None
