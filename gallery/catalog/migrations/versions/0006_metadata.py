"""photo metadata as an independent reader sees it: every creator, the MWG copyright, date-only dates

Revision ID: 0006
Revises: 0005
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("photo") as batch:
        batch.add_column(sa.Column("creators", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("rights", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("taken_date_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("taken_source", sa.String(length=8), nullable=False, server_default="")
        )
    # Until now ``artist`` and ``copyright`` held the best value of any block: keep them as the
    # creators and the notice; a re-import reads the EXIF values as stored.
    photo = sa.table(
        "photo",
        sa.column("id", sa.Integer),
        sa.column("artist", sa.Text),
        sa.column("copyright", sa.Text),
        sa.column("creators", sa.JSON),
        sa.column("rights", sa.Text),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(photo.c.id, photo.c.artist, photo.c.copyright)):
        names = [n.strip() for n in (row.artist or "").split(";") if n.strip()]
        connection.execute(
            photo.update()
            .where(photo.c.id == row.id)
            .values(creators=json.loads(json.dumps(names)), rights=row.copyright or "")
        )


def downgrade() -> None:
    with op.batch_alter_table("photo") as batch:
        batch.drop_column("taken_source")
        batch.drop_column("taken_date_only")
        batch.drop_column("rights")
        batch.drop_column("creators")
