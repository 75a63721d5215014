"""The local app listening on the network from its Your data page (issue 21): one row while it
lasts, so that every process asks for a sign-in meanwhile.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_listening",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("urls", sa.String(1000), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("heartbeat_at", UTCDateTime, nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("network_listening")
