"""Activity types (the catalogue of promised kinds of work) and the activity log.

Activities sit below promises: an activity type serves promises and an activity counts for
promises, but those links (tables promise_activity_types and activity_promises, class Promise)
belong to promises.models and are named here by string only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.dbtypes import HistoryEntry, UTCDateTime, new_uuid, utcnow
from webapp.core.localtime import SUNNE_ZONE
from webapp.extensions import db
from webapp.observations.links import register_link, uuid_key

if TYPE_CHECKING:
    from webapp.promises.models import Promise

LOCAL_ZONE = SUNNE_ZONE
ORGANISATIONS = ("police", "municipality", "joint")
KINDS = ("patrol", "business_visit", "andt", "meeting", "safety_walk", "other")


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
    # Retired types keep their history but are not offered for new entries.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    promises: Mapped[list[Promise]] = relationship(
        "Promise", secondary="promise_activity_types", back_populates="activity_types"
    )

    def default_visibility(self) -> str:
        return {"police": "police", "municipality": "municipality"}.get(self.organisation, "shared")

    def promises_covering(self, day: date) -> list[Promise]:
        return [p for p in self.promises if p.covers(day)]


class Activity(db.Model):
    """One logged occurrence of a promised activity (a patrol, a visit, a meeting...).

    Made on a phone, so the primary key is the client's UUID and `content_hash` is the hash of
    what was first sent: a replay after a later edit is still recognised as the same record.
    """

    __tablename__ = "activities"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    activity_type_id: Mapped[int] = mapped_column(ForeignKey("activity_types.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), nullable=True)
    lat: Mapped[float | None] = mapped_column(nullable=True)
    lon: Mapped[float | None] = mapped_column(nullable=True)
    accuracy_m: Mapped[float | None] = mapped_column(nullable=True)
    # The position was set by hand on the map rather than by GPS.
    manual_position: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Computed from the Sunne tätort area, never typed in (None: no position or no area).
    outside_tatort: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Kind-specific figures (counts reached, topics...): never names of people.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Patrols: the walked route as a GeoJSON LineString and its geodesic length.
    route: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    length_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Closed by the app (forgotten open), not by a person: the end time is an estimate.
    auto_closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    visibility: Mapped[str] = mapped_column(String(16), index=True)
    # True: the author ticked the promises it counts for. False (nothing ticked): it counts for
    # every promise that serves its type and covers its day, re-derived whenever promises change
    # (promises.linking), so work logged before a promise was entered still counts for it.
    promises_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Hash of the stop request, so a replayed stop is told from a different one.
    stop_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    activity_type: Mapped[ActivityType] = relationship()
    author = relationship("User")
    area = relationship("Area")
    promises: Mapped[list[Promise]] = relationship(
        "Promise", secondary="activity_promises", order_by="Promise.starts_on"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="activity", order_by="FollowUp.position", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[ActivityRevision]] = relationship(
        back_populates="activity", order_by="ActivityRevision.at", cascade="all, delete-orphan"
    )

    @property
    def kind(self) -> str:
        return self.activity_type.kind

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def duration(self) -> timedelta | None:
        return None if self.ended_at is None else self.ended_at - self.started_at

    @property
    def local_day(self) -> date:
        return self.started_at.astimezone(LOCAL_ZONE).date()

    def is_stale(self, now: datetime, limit: timedelta) -> bool:
        return self.ended_at is None and now - self.started_at > limit

    def auto_close(self, limit: timedelta) -> None:
        """Close a patrol forgotten open: at the limit, not at 'now', so no time is invented."""
        self.ended_at = self.started_at + limit
        self.auto_closed = True
        self.updated_at = datetime.now(UTC)


register_link("activity_id", Activity, "author_id", lambda: _("Unknown activity."), key=uuid_key)


class FollowUp(db.Model):
    """An agreed follow-up from a meeting: what, which organisation owns it, by when."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    what: Mapped[str] = mapped_column(Text)
    # An organisation code (school, social services...), never a person's name.
    owner: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    activity: Mapped[Activity] = relationship(back_populates="follow_ups")

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due_on < today


class ActivityRevision(HistoryEntry, db.Model):
    """The content of an activity before an edit: the history an edit must not erase."""

    __tablename__ = "activity_revisions"

    activity_id: Mapped[str] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    changed: Mapped[list[str]] = mapped_column(JSON, default=list)
    previous: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    activity: Mapped[Activity] = relationship(back_populates="revisions")
    user = relationship("User")


def promise_class() -> type[Promise]:
    """The Promise model, found through Activity.promises: promises sit above activities, so
    the activity pages that list promises (to filter by one) do not import it."""
    return inspect(Activity).relationships["promises"].mapper.class_
