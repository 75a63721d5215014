"""Persons: the day their calendar week starts on, Monday or Sunday (issue 17).

Empty until the person chooses: the week then starts as it does where they are (their country,
else this computer's locale).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("week_start", sa.String(6), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("week_start")
