"""Desk breaks (issue 22): the companion's offers and their answers, and times away from the
desk.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_breaks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("persons.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("answer", sa.String(10), nullable=True),
        sa.Column("answered_at", UTCDateTime, nullable=True),
        sa.Column("routine", sa.JSON, nullable=True),
        sa.Column("idle_source", sa.String(20), nullable=False),
        sa.Column("away_s", sa.Integer, nullable=True),
        sa.Column("pain_after", sa.Integer, nullable=True),
    )
    op.create_index("ix_desk_breaks_person", "desk_breaks", ["person_id", "at"])


def downgrade() -> None:
    op.drop_table("desk_breaks")
