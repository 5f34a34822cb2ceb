"""Photo store in the database: photo_blobs and their 256 KiB photo_chunks (helper: issue 19,
TRYGG_PHOTO_BACKEND=database).

Revision ID: ops0001blobs
Revises: auth0001sessions
Create Date: 2026-12-06 03:40:00
"""

import sqlalchemy as sa
from alembic import op

import webapp.core.dbtypes

revision = "ops0001blobs"
down_revision = "auth0001sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "photo_blobs",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("created_at", webapp.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_photo_blobs")),
    )
    op.create_table(
        "photo_chunks",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key"],
            ["photo_blobs.key"],
            name=op.f("fk_photo_chunks_key_photo_blobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "seq", name=op.f("pk_photo_chunks")),
    )


def downgrade():
    op.drop_table("photo_chunks")
    op.drop_table("photo_blobs")
