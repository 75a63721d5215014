"""Sessions: a random key of their own, which every write from a player carries.

Ids start again at 1 after `forget`, so an id alone let a step queued in a browser before the
data was deleted land in the new session 1 (issue 13). Sessions stored before this have none.

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
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("session_key", sa.String(24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("session_key")
