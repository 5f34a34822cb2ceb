from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import get_locale
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.dbtypes import UTCDateTime, utcnow
from webapp.extensions import db
from webapp.geo.tiles import derive_columns

# An observation's review state: new, reviewed, linked to a measure, closed, a duplicate.
STATUSES = ("new", "reviewed", "linked", "closed", "duplicate")


# What the API tells of a category (Category.to_json, and its schema in the OpenAPI document).
CATEGORY_JSON = ("code", "label_sv", "label_en", "color", "icon")


class Category(db.Model):
    """Observation category; rows, so a coordinator can add one without a release."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_sv: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    color: Mapped[str] = mapped_column(String(9), default="#555555")
    icon: Mapped[str] = mapped_column(String(8), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def label(self, locale: str | None = None) -> str:
        locale = locale or str(get_locale() or "sv")
        return self.label_en if locale.startswith("en") else self.label_sv

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CATEGORY_JSON}


# The columns of the map's cell indexes (see Observation.__table_args__).
_CELL_INDEX = ("mx", "my", "category_code", "visibility", "status", "author_id", "observed_at")


class Observation(db.Model):
    """A geotagged note made in the field.

    The primary key is the UUID the phone generated when the entry was made: a replayed upload
    hits the key and can never store a second row.
    """

    __tablename__ = "observations"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        # The map's aggregates (webapp/map/clusters.py): cells over any period read only this
        # index; a week (a slider frame) or a short period reads the week-first one.
        Index("ix_observations_cell", *_CELL_INDEX),
        Index("ix_observations_week_cell", "week", *_CELL_INDEX),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lat: Mapped[float]
    lon: Mapped[float]
    accuracy_m: Mapped[float | None] = mapped_column(nullable=True)
    # The position was set by hand on the map rather than by GPS.
    manual_position: Mapped[bool] = mapped_column(Boolean, default=False)
    # Saved although the GPS fix was worse than the configured limit ("save anyway"): the
    # coordinator sees that the point may be far off.
    imprecise_position: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Offset the phone reported, in minutes east of UTC, so times display as the user saw them.
    observed_utc_offset_min: Mapped[int] = mapped_column(Integer, default=0)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    visibility: Mapped[str] = mapped_column(String(16), index=True)
    # Review state, one of STATUSES: ny, granskad, kopplad, avslutad, dubblett.
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    activity_id: Mapped[str | None] = mapped_column(
        ForeignKey("activities.id"), nullable=True, index=True
    )
    walk_id: Mapped[int | None] = mapped_column(
        ForeignKey("safety_walks.id"), nullable=True, index=True
    )
    # Review: the measure this problem was turned into, or the record it duplicates.
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measures.id", ondelete="SET NULL"), nullable=True, index=True
    )
    duplicate_of_id: Mapped[str | None] = mapped_column(
        ForeignKey("observations.id", ondelete="SET NULL"), nullable=True
    )
    # Hash of the normalised submitted content: same id + same hash is a replay, else a conflict.
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Integer web-mercator position and local week (webapp/geo/tiles.py), derived from lat, lon
    # and observed_at whenever the row is written: the map groups by them. A Core insert
    # (bulk loads) gets them from the column defaults, an ORM insert or update from the mapper
    # events below, so no path can leave them out or stale.
    mx: Mapped[int] = mapped_column(Integer, default=lambda ctx: _derived(ctx, "mx"))
    my: Mapped[int] = mapped_column(Integer, default=lambda ctx: _derived(ctx, "my"))
    week: Mapped[int] = mapped_column(Integer, default=lambda ctx: _derived(ctx, "week"))
    # Z-order code of (mx, my): the map fetches the records of its small cells by it.
    zcode: Mapped[int] = mapped_column(
        BigInteger, default=lambda ctx: _derived(ctx, "zcode"), index=True
    )

    category: Mapped[Category] = relationship(lazy="joined")
    photos: Mapped[list[Photo]] = relationship(
        back_populates="observation", order_by="Photo.created_at", cascade="all, delete-orphan"
    )


def _derived(context: Any, key: str) -> int:
    row = context.get_current_parameters()
    return derive_columns(row["lat"], row["lon"], row["observed_at"])[key]


@event.listens_for(Observation, "before_insert")
@event.listens_for(Observation, "before_update")
def _fill_map_columns(_mapper, _connection, target: Observation) -> None:  # type: ignore[no-untyped-def]
    """No ORM path (submit, demo, moderation, merge, a move) can leave mx/my/week/zcode stale."""
    for key, value in derive_columns(target.lat, target.lon, target.observed_at).items():
        if getattr(target, key) != value:
            setattr(target, key, value)


class PhotoFile:
    """The columns of a stored photo file (webapp.observations.photos.StoredPhoto), for the
    photos of observations and of walk spots alike."""

    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # Hash of the bytes the client sent, to tell a replay from a different photo under one id.
    upload_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Photo(PhotoFile, db.Model):
    """A re-encoded, metadata-free JPEG stored under a server-chosen name."""

    __tablename__ = "photos"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # client photo UUID
    observation_id: Mapped[str] = mapped_column(
        ForeignKey("observations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    observation: Mapped[Observation] = relationship(back_populates="photos")
