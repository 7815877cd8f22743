"""exhibitions, their photos and display links

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exhibition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("dates_shown", sa.String(length=200), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "exhibition_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exhibition_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["exhibition_id"], ["exhibition.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["photo_id"], ["photo.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exhibition_id", "photo_id"),
    )
    op.create_index("ix_exhibition_item_exhibition_id", "exhibition_item", ["exhibition_id"])
    op.create_index("ix_exhibition_item_photo_id", "exhibition_item", ["photo_id"])
    op.create_table(
        "display_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exhibition_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["exhibition_id"], ["exhibition.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_display_link_exhibition_id", "display_link", ["exhibition_id"])


def downgrade() -> None:
    op.drop_table("display_link")
    op.drop_table("exhibition_item")
    op.drop_table("exhibition")
