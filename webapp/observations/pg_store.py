"""A new observation, its audit entry, outbox event and area membership in one PostgreSQL
statement.

On PostgreSQL every statement is a round trip that costs the web worker CPU of its own (about
0.15 ms each, bench/README.md), and the backend too. Data-modifying CTEs let one statement do what
four INSERTs did: the observation is inserted with ON CONFLICT (id) DO NOTHING RETURNING it,
and the three other INSERTs select their rows FROM that CTE, so they add nothing when the id
was taken (a replay or a conflict, judged by the caller as before). PostgreSQL runs every
data-modifying CTE whether or not the main query reads it, all in the one statement and the
caller's transaction: the row is never stored without its audit entry.

The same statement reads the areas' version key (count, max id, max revision), so the membership
rows computed from this process's cached outlines are checked against the database in the same
snapshot instead of one more round trip before; when the outlines changed meanwhile, the caller
replaces the membership rows with ones from the fresh outlines.

SQLite has no data-modifying CTEs: there the four statements stay (observations/service.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ARRAY, Integer, Select, bindparam, func, select, true
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Row as DbRow

from webapp.core.audit.models import AuditEntry
from webapp.core.dbtypes import utcnow
from webapp.core.outbox.models import OutboxEvent
from webapp.observations.areas import SHAPES_KEY, observation_areas
from webapp.observations.models import Observation

# The columns each INSERT fills from parameters; the others keep their defaults.
AUDIT_COLUMNS = (
    "at", "action", "actor_id", "actor_label", "target_type", "target_id", "ip", "detail"
)  # fmt: skip
EVENT_COLUMNS = ("id", "type", "target_type", "target_id", "visibility", "occurred_at", "payload")
# Copied from the stored row into its membership rows (webapp/observations/areas.py).
COPIED = ("observed_at", "category_code", "visibility", "status", "author_id")
KEY_LABELS = tuple(c.name for c in SHAPES_KEY.selected_columns)


def _params(prefix: str, table: Any, names: tuple[str, ...]) -> list[Any]:
    """Typed bind parameters, so each value is converted as its column converts it."""
    return [bindparam(f"{prefix}{name}", type_=table.c[name].type) for name in names]


@cache
def statement(observation_columns: tuple[str, ...]) -> Select[Any]:
    """The statement for an observation whose row sets `observation_columns` (built once per
    set of columns: executing it then finds its compiled form in the cache)."""
    observations = Observation.__table__
    stored = (
        postgresql.insert(observations)
        .values({name: bindparam(f"o_{name}") for name in observation_columns})
        .on_conflict_do_nothing(index_elements=list(observations.primary_key.columns))
        .returning(*observations.columns)
        .cte("stored")
    )
    audit = AuditEntry.__table__.insert().from_select(
        list(AUDIT_COLUMNS),
        select(*_params("a_", AuditEntry.__table__, AUDIT_COLUMNS)).select_from(stored),
        include_defaults=False,
    )
    event = OutboxEvent.__table__.insert().from_select(
        list(EVENT_COLUMNS),
        select(*_params("e_", OutboxEvent.__table__, EVENT_COLUMNS)).select_from(stored),
        include_defaults=False,
    )
    area_ids = select(
        func.unnest(bindparam("area_ids", type_=ARRAY(Integer))).label("area_id")
    ).subquery("member_of")
    membership = observation_areas.insert().from_select(
        ["observation_id", "area_id", "week", *COPIED],
        select(
            stored.c.id,
            area_ids.c.area_id,
            bindparam("week", type_=Integer),
            *(stored.c[name] for name in COPIED),
        ).select_from(stored.join(area_ids, area_ids.c.area_id.isnot(None))),
        include_defaults=False,
    )
    key = SHAPES_KEY.subquery("areas_key")
    return (
        select(stored, key)
        .select_from(stored.join(key, true()))  # no row when the id was taken
        .add_cte(audit.cte("audited"), event.cte("announced"), membership.cte("placed"))
    )


def with_defaults(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    """`row` with the column defaults of `table` it leaves out, evaluated here: SQLAlchemy
    evaluates Python-side defaults for a top-level INSERT only, not for one inside a CTE."""
    missing = {}
    for column in table.columns:
        default = column.default
        if column.name in row or default is None:
            continue
        if default.is_scalar:
            missing[column.name] = default.arg
        elif default.is_callable:
            missing[column.name] = default.arg(None)  # utcnow and alike ignore the context
    return row | missing


def insert_with_trail(
    connection: Connection,
    observation: dict[str, Any],
    audit: dict[str, Any],
    event: dict[str, Any],
    *,
    area_ids: list[int],
    week: int,
) -> tuple[DbRow[Any] | None, tuple[int, int, int] | None]:
    """Run the statement: (the stored row, the areas' key) or (None, None) if the id was taken.

    `audit` and `event` are the columns entry_values() and event_values() give; `area_ids` the
    areas the point lies in by this process's outlines, `week` its week index.
    """
    unknown = (audit.keys() - set(AUDIT_COLUMNS)) | (event.keys() - set(EVENT_COLUMNS))
    if unknown:  # a column entry_values() or event_values() gained: write it here too
        raise ValueError(f"the statement does not write {sorted(unknown)}")
    observation = with_defaults(Observation.__table__, observation)
    params = {f"o_{name}": value for name, value in observation.items()}
    params |= {f"a_{name}": audit.get(name) for name in AUDIT_COLUMNS}
    params["a_at"] = params["a_at"] or utcnow()  # the column's default, which from_select skips
    params |= {f"e_{name}": event.get(name) for name in EVENT_COLUMNS}
    params |= {"area_ids": area_ids, "week": week}
    row = connection.execute(statement(tuple(observation)), params).first()
    if row is None:
        return None, None
    mapping = row._mapping
    key = tuple(int(mapping[label]) for label in KEY_LABELS)
    return row, key  # type: ignore[return-value]
