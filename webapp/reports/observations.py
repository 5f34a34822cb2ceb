"""Observations in a period: per category, per area (centrum, tätort, outside) and per map cell."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import ColumnElement, func

from webapp.auth.models import User
from webapp.core.access import visibility_filter
from webapp.extensions import db
from webapp.geo import point_in_geometry
from webapp.geo.areas import Area
from webapp.observations.models import Category, Observation
from webapp.reports.period import Period

AREA_KEYS = ("centrum", "tatort", "outside")
CENTRUM_AREA_CODE = "sunne-centrum"


def _filters(period: Period, user: User) -> list[ColumnElement[bool]]:
    return [
        period.covers(Observation.observed_at),
        visibility_filter(user, Observation.visibility, Observation.author_id),
        # A record marked as a duplicate of another is one problem, counted once.
        Observation.status != "duplicate",
    ]


def categories() -> list[Category]:
    return list(db.session.execute(db.select(Category).order_by(Category.sort_order)).scalars())


def by_category(period: Period, user: User) -> dict[str, int]:
    query = (
        db.select(Observation.category_code, func.count())
        .where(*_filters(period, user))
        .group_by(Observation.category_code)
    )
    return dict(db.session.execute(query).all())


@dataclass
class AreaTable:
    """Observations per category and area; `areas_missing` when an outline is not configured."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # category -> area -> n
    areas_missing: list[str] = field(default_factory=list)

    def total(self, area: str) -> int:
        return sum(row.get(area, 0) for row in self.counts.values())

    def row_total(self, category: str) -> int:
        return sum(self.counts.get(category, {}).values())


def _outline(code: str) -> dict | None:
    area = db.session.execute(db.select(Area).filter_by(code=code)).scalar_one_or_none()
    return area.geometry if area else None


@dataclass(frozen=True)
class AreaOutlines:
    """The outlines that split Sunne into AREA_KEYS; None where one is not configured."""

    centrum: dict | None
    tatort: dict | None

    @property
    def missing(self) -> list[str]:
        return [k for k, g in (("centrum", self.centrum), ("tatort", self.tatort)) if g is None]

    def area_of(self, lon: float, lat: float) -> str:
        """centrum, tatort (the rest of it) or outside."""
        if self.centrum is not None and point_in_geometry(lon, lat, self.centrum):
            return "centrum"
        if self.tatort is not None and point_in_geometry(lon, lat, self.tatort):
            return "tatort"
        return "outside"


def area_outlines() -> AreaOutlines:
    return AreaOutlines(
        _outline(CENTRUM_AREA_CODE), _outline(current_app.config["TATORT_AREA_CODE"])
    )


def by_category_and_area(period: Period, user: User) -> AreaTable:
    """Point in polygon in Python: a week holds a few thousand points at most, and the outlines
    are arbitrary polygons a coordinator may redraw (no spatial database needed)."""
    outlines = area_outlines()
    table = AreaTable(areas_missing=outlines.missing)
    rows = db.session.execute(
        db.select(Observation.category_code, Observation.lon, Observation.lat).where(
            *_filters(period, user)
        )
    )
    for code, lon, lat in rows:
        counts = table.counts.setdefault(code, dict.fromkeys(AREA_KEYS, 0))
        counts[outlines.area_of(lon, lat)] += 1
    return table
