"""Stored roll-up of observation counts per map cell, so a zoomed-out map never reads every row.

Without it, an all-time view of Sunne at 1,000,000 records reads ~700,000 index entries per
request (0.8 s of CPU on SQLite, issue 18). `map_cells` holds, for each zoom level from
MIN_LEVEL to MAX_LEVEL, one row per (cell, visibility, category, status) with the count and the
sums of the positions (for the cell's mean centre). A view at zoom z reads level z's rows in the
tiles asked: at most a few hundred per cell, whatever the number of records.

How it stays exact without locking hot rows: database triggers on `observations` append one
row per change to `map_cell_deltas` (+1 for a new or changed-to row, -1 for a deleted or
changed-from one). They catch every write path, ORM or bulk SQL, in the writer's own transaction,
and never update a shared row, so submits never wait on each other (an upsert into the coarse
levels would serialise every submit in the municipality on one row and deadlock two phones'
batches). Readers add the pending deltas to the stored rows in the same statement, so an answer
is exact at any moment; `compact()` folds the deltas into `map_cells` from time to time (the
worker's tick; after a bulk load), atomically: a delta is folded exactly once.

Access: rows keep the visibility, so the viewer's readable visibilities select them; the one
thing a roll-up cannot know, "records I wrote myself", is read from `observations` for the few
viewers whose role does not already read every visibility (see clusters.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, event, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.geo.tiles import cell_divisor

MIN_LEVEL, MAX_LEVEL = 4, 17  # zooms stored; beyond 17 a view holds few enough rows to read
LEVELS = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))
COMPACT_CHUNK = 200_000  # deltas folded per transaction, so one compaction never holds long


class MapCell(db.Model):
    __tablename__ = "map_cells"
    __table_args__ = {
        "sqlite_with_rowid": False
    }  # the key is the storage order: ranges read in place

    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    visibility: Mapped[str] = mapped_column(String(16), primary_key=True)
    category_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    # Sums of mx / my (up to 2^24 each) over up to millions of records: 64-bit.
    sx: Mapped[int] = mapped_column(BigInteger)
    sy: Mapped[int] = mapped_column(BigInteger)


class MapCellDelta(db.Model):
    """One change to the counts, written by the triggers below; folded away by compact()."""

    __tablename__ = "map_cell_deltas"
    __table_args__ = (Index("ix_map_cell_deltas_position", "mx", "my"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    mx: Mapped[int] = mapped_column(Integer)
    my: Mapped[int] = mapped_column(Integer)
    visibility: Mapped[str] = mapped_column(String(16))
    category_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    n: Mapped[int] = mapped_column(Integer)  # +1 or -1


# Written out in full (no formatting: what runs is what is read). A change to a tracked column
# (position, visibility, category, status) moves one count from the old key to the new one.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER map_cells_insert AFTER INSERT ON observations BEGIN
    INSERT INTO map_cell_deltas (mx, my, visibility, category_code, status, n)
    VALUES (NEW.mx, NEW.my, NEW.visibility, NEW.category_code, NEW.status, 1); END""",
    """CREATE TRIGGER map_cells_delete AFTER DELETE ON observations BEGIN
    INSERT INTO map_cell_deltas (mx, my, visibility, category_code, status, n)
    VALUES (OLD.mx, OLD.my, OLD.visibility, OLD.category_code, OLD.status, -1); END""",
    """CREATE TRIGGER map_cells_update
    AFTER UPDATE OF mx, my, visibility, category_code, status ON observations
    WHEN OLD.mx IS NOT NEW.mx OR OLD.my IS NOT NEW.my OR OLD.visibility IS NOT NEW.visibility
      OR OLD.category_code IS NOT NEW.category_code OR OLD.status IS NOT NEW.status BEGIN
    INSERT INTO map_cell_deltas (mx, my, visibility, category_code, status, n)
    VALUES (OLD.mx, OLD.my, OLD.visibility, OLD.category_code, OLD.status, -1),
           (NEW.mx, NEW.my, NEW.visibility, NEW.category_code, NEW.status, 1); END""",
)
POSTGRES_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION map_cells_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO map_cell_deltas (mx, my, visibility, category_code, status, n)
        VALUES (OLD.mx, OLD.my, OLD.visibility, OLD.category_code, OLD.status, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO map_cell_deltas (mx, my, visibility, category_code, status, n)
        VALUES (NEW.mx, NEW.my, NEW.visibility, NEW.category_code, NEW.status, 1);
    END IF;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER map_cells_insert_delete AFTER INSERT OR DELETE ON observations
    FOR EACH ROW EXECUTE FUNCTION map_cells_track()""",
    """CREATE TRIGGER map_cells_update
    AFTER UPDATE OF mx, my, visibility, category_code, status ON observations FOR EACH ROW
    WHEN (OLD.mx IS DISTINCT FROM NEW.mx OR OLD.my IS DISTINCT FROM NEW.my
      OR OLD.visibility IS DISTINCT FROM NEW.visibility
      OR OLD.category_code IS DISTINCT FROM NEW.category_code
      OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION map_cells_track()""",
)
DROP_TRIGGERS = {
    "sqlite": (
        "DROP TRIGGER IF EXISTS map_cells_insert",
        "DROP TRIGGER IF EXISTS map_cells_delete",
        "DROP TRIGGER IF EXISTS map_cells_update",
    ),  # fmt: skip
    "postgresql": (
        "DROP TRIGGER IF EXISTS map_cells_insert_delete ON observations",
        "DROP TRIGGER IF EXISTS map_cells_update ON observations",
        "DROP FUNCTION IF EXISTS map_cells_track()",
    ),
}


def create_triggers(connection: Any) -> None:
    """Install the triggers (create_all, the migration, a restore into an empty schema)."""
    dialect = connection.dialect.name
    for statement in DROP_TRIGGERS.get(dialect, ()):
        connection.exec_driver_sql(statement)
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS:
        connection.exec_driver_sql(statement)


# db.create_all() (tests, bench, a first start without migrations) makes them as well; both
# tables exist by then, whatever order the metadata sorts them in.
@event.listens_for(db.metadata, "after_create")
def _create_triggers(_target: Any, connection: Any, **_kw: Any) -> None:
    create_triggers(connection)


def levels_sql() -> str:
    """The stored levels with their divisors, as a derived table both databases read."""
    rows = [f"SELECT {z} AS level, {cell_divisor(z)} AS div" for z in LEVELS]  # noqa: S608 - ints
    return " UNION ALL ".join(rows)


def _fold(source: str, where: str) -> str:
    """Deltas (or records: n = 1) grouped per level and key, upserted into map_cells.

    Only constants and the two fragments of our own below reach the SQL text.
    """
    return (
        "INSERT INTO map_cells (level, cx, cy, visibility, category_code, status, n, sx, sy)"  # noqa: S608 - ours
        " SELECT l.level, d.mx / l.div, d.my / l.div, d.visibility, d.category_code, d.status,"
        " SUM(d.n), SUM(CAST(d.n AS BIGINT) * d.mx), SUM(CAST(d.n AS BIGINT) * d.my)"
        f" FROM {source} AS d CROSS JOIN ({levels_sql()}) AS l WHERE {where}"
        " GROUP BY l.level, d.mx / l.div, d.my / l.div, d.visibility, d.category_code, d.status"
        " ON CONFLICT (level, cx, cy, visibility, category_code, status) DO UPDATE SET"
        " n = map_cells.n + excluded.n, sx = map_cells.sx + excluded.sx,"
        " sy = map_cells.sy + excluded.sy"
    )


_PG_GONE = (
    "WITH gone AS (DELETE FROM map_cell_deltas WHERE id IN"
    " (SELECT id FROM map_cell_deltas ORDER BY id LIMIT :chunk)"
    " RETURNING mx, my, visibility, category_code, status, n)"
)
# Every part of a data-modifying WITH runs once, on one snapshot: the rows deleted are exactly
# the rows added, however many submits commit meanwhile.
PG_COMPACT = f"{_PG_GONE}, folded AS ({_fold('gone', 'true')}) SELECT COUNT(*) FROM gone"  # noqa: S608 - ours
SQLITE_COMPACT = _fold("map_cell_deltas", "d.id <= :last")


def compact() -> int:
    """Fold every pending delta into map_cells; returns how many were folded.

    PostgreSQL: one statement deletes a chunk of deltas and adds exactly the deleted rows (a
    data-modifying CTE), under an advisory lock so two workers never interleave their upserts.
    SQLite: one writer at a time anyway, so read-then-delete in one transaction is atomic.
    Runs in the app's session and commits each chunk (the caller has nothing pending: the
    worker's tick, a command, a bench after its load).
    """
    folded = 0
    while True:
        try:
            count = _compact_chunk(db.session.connection())
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        folded += count
        if count < COMPACT_CHUNK:
            return folded


def _compact_chunk(connection: Any) -> int:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(18018)"))  # issue 18's lock key
        return int(connection.execute(text(PG_COMPACT), {"chunk": COMPACT_CHUNK}).scalar() or 0)
    last = connection.execute(
        text("SELECT id FROM map_cell_deltas ORDER BY id LIMIT 1 OFFSET :skip"),
        {"skip": COMPACT_CHUNK - 1},
    ).scalar()
    if last is None:
        last = connection.execute(text("SELECT MAX(id) FROM map_cell_deltas")).scalar()
    if last is None:
        return 0
    connection.execute(text(SQLITE_COMPACT), {"last": last})
    deleted = connection.execute(
        text("DELETE FROM map_cell_deltas WHERE id <= :last"), {"last": last}
    )
    return int(deleted.rowcount)
