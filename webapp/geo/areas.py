from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class Area(db.Model):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))  # centrum, tatort, kommun, patrol
    # A GeoJSON geometry (Polygon or MultiPolygon) in WGS84.
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    # True for the shipped defaults: there is no authoritative polygon for centrum or tätort.
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised past every other area's on each insert and outline change, so (count, max revision)
    # names the set of outlines exactly: processes keep them cached and check that pair.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
