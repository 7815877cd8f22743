"""search outbox sequence and one cursor per search index

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_outbox") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.create_index("ix_search_outbox_seq", ["seq"], unique=True)
    op.create_table(
        "search_cursor",
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("hold", sa.BigInteger(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("consumer"),
    )
    # The sequencer's row: its position is the last sequence number given out.
    op.execute(
        "INSERT INTO search_cursor (consumer, position, seen_at) VALUES ('', 0, CURRENT_TIMESTAMP)"
    )


def downgrade() -> None:
    op.drop_table("search_cursor")
    with op.batch_alter_table("search_outbox") as batch:
        batch.drop_index("ix_search_outbox_seq")
        batch.drop_column("seq")
