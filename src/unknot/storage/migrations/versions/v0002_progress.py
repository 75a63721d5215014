"""Progress: pain check-ins, function ratings, dismissed clinician advice.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def person() -> sa.Column[int]:
    return sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("persons.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True),
        person(),
        sa.Column("taken_at", UTCDateTime, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("moment", sa.String(10), nullable=False),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("pain", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_table(
        "function_ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        person(),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("activity", sa.String(120), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "advice_dismissals",
        sa.Column("id", sa.Integer, primary_key=True),
        person(),
        sa.Column("concern", sa.String(20), nullable=False),
        sa.Column("choice", sa.String(40), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("dismissed_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("advice_dismissals", "function_ratings", "checkins"):
        op.drop_table(table)
