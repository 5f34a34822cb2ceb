"""Map aggregates (issue 18): integer web-mercator position and local week on observations,
filled for existing rows, and the two covering indexes the cluster queries read.

Revision ID: map0001cells
Revises: map0002obsareas
Create Date: 2026-12-06 03:45:00
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from webapp.geo.tiles import derive_columns

revision = "map0001cells"
down_revision = "map0002obsareas"
branch_labels = None
depends_on = None

BATCH = 10_000
COLUMNS = ("category_code", "visibility", "status", "author_id", "observed_at")


def upgrade():
    with op.batch_alter_table("observations", schema=None) as batch_op:
        for name in ("mx", "my", "week"):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))

    # Existing rows, in batches (1,000,000 rows take about 10 s of CPU here).
    bind = op.get_bind()
    table = sa.table(
        "observations",
        sa.column("id", sa.String),
        sa.column("lat", sa.Float),
        sa.column("lon", sa.Float),
        sa.column("observed_at", sa.DateTime(timezone=True)),
        sa.column("mx", sa.Integer),
        sa.column("my", sa.Integer),
        sa.column("week", sa.Integer),
    )
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("b_id"))
        .values(mx=sa.bindparam("b_mx"), my=sa.bindparam("b_my"), week=sa.bindparam("b_week"))
    )
    last = ""
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.lat, table.c.lon, table.c.observed_at)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        values = []
        for row in rows:
            observed_at = row.observed_at
            if isinstance(observed_at, str):  # SQLite without the column type's converter
                observed_at = datetime.fromisoformat(observed_at)
            derived = derive_columns(row.lat, row.lon, observed_at)
            values.append(
                {"b_id": row.id, "b_mx": derived["mx"], "b_my": derived["my"],
                 "b_week": derived["week"]}  # fmt: skip
            )
        bind.execute(update, values)
        last = rows[-1].id

    with op.batch_alter_table("observations", schema=None) as batch_op:
        for name in ("mx", "my", "week"):
            batch_op.alter_column(name, existing_type=sa.Integer(), nullable=False)
        batch_op.create_index("ix_observations_cell", ["mx", "my", *COLUMNS], unique=False)
        batch_op.create_index(
            "ix_observations_week_cell", ["week", "mx", "my", *COLUMNS], unique=False
        )


def downgrade():
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_index("ix_observations_week_cell")
        batch_op.drop_index("ix_observations_cell")
        for name in ("week", "my", "mx"):
            batch_op.drop_column(name)
