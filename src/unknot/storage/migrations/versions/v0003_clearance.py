"""Screenings: who cleared the person, and answers set aside as a mistake.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screenings") as batch:
        batch.add_column(sa.Column("cleared_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", UTCDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screenings") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("cleared_by")
