"""event article, keywords and publication time

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("keywords", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("article", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("published_at")
        batch.drop_column("article")
        batch.drop_column("keywords")
