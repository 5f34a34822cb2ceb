"""SQL expressions that differ between SQLite and PostgreSQL, written once here.

Timestamps are stored in UTC on both (webapp.core.dbtypes.UTCDateTime), so a duration is a plain
difference of two instants: correct across DST changes without any time zone arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Float, Integer, case, cast, func, literal

from webapp.extensions import db


def dialect() -> str:
    return db.session.get_bind().dialect.name


def seconds_between(start: ColumnElement, end: ColumnElement) -> ColumnElement[float]:
    """end - start in seconds (NULL when either is NULL)."""
    if dialect() == "sqlite":
        # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" text; julianday() parses it (in days).
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return cast(func.extract("epoch", end - start), Float)


def floor_int(value: ColumnElement) -> ColumnElement[int]:
    """Whole part of a non-negative number (callers restrict to values >= 0).

    SQLite's CAST truncates, which is floor for non-negative values, and works even where
    SQLite was built without its math functions; PostgreSQL's CAST would round instead.
    """
    if dialect() == "sqlite":
        return cast(value, Integer)
    return cast(func.floor(value), Integer)


def bucket(column: ColumnElement, boundaries: Sequence[datetime]) -> ColumnElement[int]:
    """Index of the half-open interval [b0, b1), [b1, b2)... that `column` falls in.

    `boundaries` are the starts of buckets 1..n-1 (the caller filters to the whole range), so
    local months become plain comparisons against precomputed UTC instants.
    """
    if not boundaries:
        return literal(0, Integer)
    whens = [(column < boundary, index) for index, boundary in enumerate(boundaries)]
    return case(*whens, else_=len(boundaries))


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def sum_if(condition: ColumnElement[bool], value: ColumnElement) -> ColumnElement:
    return func.sum(case((condition, value), else_=None))
