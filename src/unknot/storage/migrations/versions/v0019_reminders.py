"""Reminders (issue 22): the person's settings, the reminders due that workers claim, and each
delivery under its unique key.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _person(primary_key: bool = False) -> sa.Column[int]:
    return sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("persons.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "reminder_settings",
        _person(primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("scheduled_through", sa.Date, nullable=True),
    )
    op.create_table(
        "reminders_due",
        sa.Column("id", sa.Integer, primary_key=True),
        _person(),
        sa.Column("occurrence", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("claimed_until", UTCDateTime, nullable=True),
        sa.Column("claimed_by", sa.String(80), nullable=True),
        sa.Column("done_at", UTCDateTime, nullable=True),
        sa.UniqueConstraint(
            "person_id", "occurrence", "channel", name="uq_reminders_due_person_id"
        ),
    )
    op.create_index("ix_reminders_due_waiting", "reminders_due", ["done_at", "due_at"])
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        _person(),
        sa.Column("occurrence", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("detail", sa.String(300), nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.UniqueConstraint(
            "person_id", "occurrence", "channel", name="uq_reminder_deliveries_person_id"
        ),
    )
    op.create_index("ix_reminder_deliveries_person", "reminder_deliveries", ["person_id", "due_at"])


def downgrade() -> None:
    op.drop_table("reminder_deliveries")
    op.drop_table("reminders_due")
    op.drop_table("reminder_settings")
