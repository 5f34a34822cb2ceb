"""Safety walks (trygghetsvandringar): the plan, who took part, what they marked and rated.

Participants join with the walk's code and have no account: a `WalkParticipant` row is their
only identity, holding at most a self-chosen group, gender and age band (never a name). What they
make on their phones (spots, ratings, on-site checks) is keyed by the UUID the phone gave it, like
observations, so an outbox replay can never store a second row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.dbtypes import UTCDateTime, utcnow
from webapp.extensions import db
from webapp.observations.links import register_link
from webapp.observations.models import PhotoFile

# Safety-audit factors rated at each stop, 0 (bad) to 3 (good).
FACTORS = ("lighting", "overview", "people", "upkeep", "walkway", "feeling")
RATING_MAX = 3
# Who took part: counts only, no names (boende, näringsidkare, unga, politiker, polis, kommun).
GROUPS = ("residents", "business", "youth", "politicians", "police", "municipality")
GENDERS = ("woman", "man", "other", "unstated")
AGE_BANDS = ("under_18", "18_29", "30_49", "50_64", "65_plus")
HEADCOUNT_DIMENSIONS = {"group": GROUPS, "gender": GENDERS, "age_band": AGE_BANDS}
WALK_STATUSES = ("planned", "held", "closed")
# A marked spot in the protocol: still to decide, turned into a measure, merged, or no problem.
SPOT_STATUSES = ("new", "measure", "duplicate", "dismissed")
# A follow-up walk's on-site answer to "is it still a problem?".
CHECK_ANSWERS = ("resolved", "partly", "still_a_problem")


class SafetyWalk(db.Model):
    __tablename__ = "safety_walks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    meeting_point: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(nullable=True)
    lon: Mapped[float | None] = mapped_column(nullable=True)
    after_dark: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="planned")  # planned, held, closed
    # Internal notes: never in the public protocol nor shown to participants.
    notes: Mapped[str] = mapped_column(Text, default="")
    # Public summary for the protocol (what the walk found, what happens next).
    summary: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16), default="shared")
    # The drawn route as a GeoJSON LineString geometry (WGS84, [lon, lat]).
    route: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    invited_organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    # People counted by the coordinator (without phones): {"group": {"residents": 3}, ...}.
    headcount: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    join_code: Mapped[str | None] = mapped_column(String(8), unique=True, nullable=True)
    join_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    follow_up_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("safety_walks.id", ondelete="SET NULL"), nullable=True, index=True
    )
    activity_id: Mapped[str | None] = mapped_column(ForeignKey("activities.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=True
    )
    # The coordinator published the public protocol (once; webhooks tell other systems).
    protocol_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    protocol_published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True
    )

    stops: Mapped[list[WalkStop]] = relationship(
        back_populates="walk",
        order_by="WalkStop.position",
        cascade="all, delete-orphan",
        foreign_keys="WalkStop.walk_id",
    )
    follow_up_of: Mapped[SafetyWalk | None] = relationship(
        remote_side=[id], foreign_keys=[follow_up_of_id]
    )

    def join_closes_at(self, hours_after: float) -> datetime:
        """The code works from planning until this long after the walk's end (or start)."""
        return (self.ends_at or self.starts_at) + timedelta(hours=hours_after)

    def join_state(self, now: datetime, hours_after: float) -> str:
        """ "open", or why joining is not possible: "no_code", "revoked", "published",
        "expired"."""
        if not self.join_code:
            return "no_code"
        if self.join_revoked_at is not None:
            return "revoked"
        if not self.takes_records:
            return "published"
        if self.status == "closed" or now > self.join_closes_at(hours_after):
            return "expired"
        return "open"

    @property
    def takes_records(self) -> bool:
        """Whether participants may still add spots, ratings and checks.

        Until the public protocol is published: a phone that was offline on the walk still
        sends what it kept after the walk is marked held. After that the published protocol
        must stay as it was published, so nothing new comes in and nobody joins.
        """
        return self.protocol_published_at is None

    def has_started(self, now: datetime) -> bool:
        """A walk can only be marked held once its start time has come."""
        return now >= self.starts_at

    @property
    def has_public_protocol(self) -> bool:
        """Published and meant for everyone: only then may anyone read it without a login."""
        return self.protocol_published_at is not None and self.visibility == "shared"


# An observation made on a walk names it (webapp.observations.links).
register_link("walk_id", SafetyWalk, "created_by_id", lambda: _("Unknown safety walk."))


class WalkStop(db.Model):
    """A stop on the route where participants rate the place."""

    __tablename__ = "walk_stops"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    walk_id: Mapped[int] = mapped_column(
        ForeignKey("safety_walks.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float]
    lon: Mapped[float]
    # On a follow-up walk: the stop of the earlier walk this one revisits (before/after).
    origin_stop_id: Mapped[int | None] = mapped_column(
        ForeignKey("walk_stops.id", ondelete="SET NULL"), nullable=True
    )

    walk: Mapped[SafetyWalk] = relationship(back_populates="stops", foreign_keys=[walk_id])


class WalkParticipant(db.Model):
    """Someone who joined with the code. No name: an optional group, gender and age band."""

    __tablename__ = "walk_participants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # server-made UUID
    walk_id: Mapped[int] = mapped_column(
        ForeignKey("safety_walks.id", ondelete="CASCADE"), index=True
    )
    # The code joined with: a new code (or a revoked one) ends the sessions made with the old one.
    join_code: Mapped[str] = mapped_column(String(8))
    group: Mapped[str | None] = mapped_column(String(16), nullable=True)
    gender: Mapped[str | None] = mapped_column(String(16), nullable=True)
    age_band: Mapped[str | None] = mapped_column(String(16), nullable=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Leaving ends the participant's session on the server: a copied cookie stops working too.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Officers and staff who joined from the walk's page: joining again (after a logout, a new
    # code or leaving) takes up the same participant, so they are counted once and keep their
    # ratings. Residents join without an account and stay unlinked.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )

    walk: Mapped[SafetyWalk] = relationship()


class _ParticipantRecord:
    """Client-keyed rows made by a participant (see webapp.core.idempotency.insert_once)."""

    # The phone's UUID. The keys stand first in the table (sort_order), after them a model's own.
    id: Mapped[str] = mapped_column(String(36), primary_key=True, sort_order=-1)
    walk_id: Mapped[int] = mapped_column(
        ForeignKey("safety_walks.id", ondelete="CASCADE"), index=True, sort_order=-1
    )
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("walk_participants.id", ondelete="CASCADE"), index=True, sort_order=-1
    )

    @property
    def author_id(self) -> str:
        return self.participant_id


class WalkSpot(_ParticipantRecord, db.Model):
    """A place a participant marked on the walk: category, note, position, maybe a photo."""

    __tablename__ = "walk_spots"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
    )

    lat: Mapped[float]
    lon: Mapped[float]
    accuracy_m: Mapped[float | None] = mapped_column(nullable=True)
    manual_position: Mapped[bool] = mapped_column(Boolean, default=False)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    observed_utc_offset_min: Mapped[int] = mapped_column(Integer, default=0)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measures.id", ondelete="SET NULL"), nullable=True, index=True
    )
    duplicate_of_id: Mapped[str | None] = mapped_column(
        ForeignKey("walk_spots.id", ondelete="SET NULL"), nullable=True
    )
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category = relationship("Category", lazy="joined")
    photos: Mapped[list[WalkSpotPhoto]] = relationship(
        back_populates="spot", order_by="WalkSpotPhoto.created_at", cascade="all, delete-orphan"
    )


class WalkSpotPhoto(PhotoFile, db.Model):
    """A re-encoded, metadata-free JPEG of a spot (stored like observation photos)."""

    __tablename__ = "walk_spot_photos"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the phone's photo UUID
    spot_id: Mapped[str] = mapped_column(
        ForeignKey("walk_spots.id", ondelete="CASCADE"), index=True
    )

    spot: Mapped[WalkSpot] = relationship(back_populates="photos")


class WalkRating(_ParticipantRecord, db.Model):
    """One participant's rating of one stop. A later rating of the same stop supersedes it."""

    __tablename__ = "walk_ratings"
    __table_args__ = tuple(
        CheckConstraint(f"{f} IS NULL OR ({f} >= 0 AND {f} <= {RATING_MAX})", name=f"{f}_range")
        for f in FACTORS
    )

    stop_id: Mapped[int] = mapped_column(
        ForeignKey("walk_stops.id", ondelete="CASCADE"), index=True
    )
    lighting: Mapped[int | None] = mapped_column(Integer, nullable=True)
    overview: Mapped[int | None] = mapped_column(Integer, nullable=True)
    people: Mapped[int | None] = mapped_column(Integer, nullable=True)
    upkeep: Mapped[int | None] = mapped_column(Integer, nullable=True)
    walkway: Mapped[int | None] = mapped_column(Integer, nullable=True)
    feeling: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def values(self) -> dict[str, int | None]:
        return {factor: getattr(self, factor) for factor in FACTORS}


class WalkMeasureCheck(_ParticipantRecord, db.Model):
    """On a follow-up walk: a participant's answer, on site, to "is it still a problem?"."""

    __tablename__ = "walk_measure_checks"

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    answer: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
