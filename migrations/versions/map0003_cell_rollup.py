"""The map's roll-up (issue 18): counts per cell, level, visibility, category and status in
`map_cells`, pending changes in `map_cell_deltas`, filled from the existing observations, and
the triggers on `observations` that keep them exact from now on (webapp/map/cells.py); and each
observation's z-order code (`zcode`, indexed), by which the map fetches a small cell's records.

Revision ID: map0003rollup
Revises: map0001cells
Create Date: 2026-12-06 06:20:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.geo.tiles import z_order
from webapp.map.cells import DROP_TRIGGERS, create_triggers, levels_sql

revision = "map0003rollup"
down_revision = "map0001cells"
branch_labels = None
depends_on = None

BATCH = 10_000


def upgrade():
    # First the column: on SQLite the NOT NULL step rebuilds the table, which would drop any
    # trigger made before it.
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zcode", sa.BigInteger(), nullable=True))
    _fill_zcodes(op.get_bind())
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.alter_column("zcode", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_index("ix_observations_zcode", ["zcode"], unique=False)

    op.create_table(
        "map_cells",
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("sx", sa.BigInteger(), nullable=False),
        sa.Column("sy", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "level", "cx", "cy", "visibility", "category_code", "status", name=op.f("pk_map_cells")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "map_cell_deltas",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("mx", sa.Integer(), nullable=False),
        sa.Column("my", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_cell_deltas")),
    )
    op.create_index("ix_map_cell_deltas_position", "map_cell_deltas", ["mx", "my"], unique=False)
    # The records there are now, in one grouped pass (1,000,000 rows: about 30 s here).
    op.execute(
        "INSERT INTO map_cells (level, cx, cy, visibility, category_code, status, n, sx, sy)"
        " SELECT l.level, o.mx / l.div, o.my / l.div, o.visibility, o.category_code, o.status,"
        " COUNT(*), SUM(o.mx), SUM(o.my)"
        f" FROM observations AS o CROSS JOIN ({levels_sql()}) AS l"
        " WHERE o.mx IS NOT NULL AND o.my IS NOT NULL"
        " GROUP BY l.level, o.mx / l.div, o.my / l.div, o.visibility, o.category_code, o.status"
    )
    create_triggers(op.get_bind())


def _fill_zcodes(bind):  # type: ignore[no-untyped-def]
    table = sa.table(
        "observations",
        sa.column("id", sa.String),
        sa.column("mx", sa.Integer),
        sa.column("my", sa.Integer),
        sa.column("zcode", sa.BigInteger),
    )
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("b_id"))
        .values(zcode=sa.bindparam("b_zcode"))
    )
    last = ""
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.mx, table.c.my)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(update, [{"b_id": r.id, "b_zcode": z_order(r.mx, r.my)} for r in rows])
        last = rows[-1].id


def downgrade():
    bind = op.get_bind()
    for statement in DROP_TRIGGERS.get(bind.dialect.name, ()):
        op.execute(statement)
    op.drop_index("ix_map_cell_deltas_position", table_name="map_cell_deltas")
    op.drop_table("map_cell_deltas")
    op.drop_table("map_cells")
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_index("ix_observations_zcode")
        batch_op.drop_column("zcode")
