"""The first tables: people, profiles, screenings, plans, sessions and their steps.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def person() -> sa.Column[int]:
    return sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("persons.id", ondelete="CASCADE", name=None),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "profiles",
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("persons.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer, primary_key=True),
        person(),
        sa.Column("taken_at", UTCDateTime, nullable=False),
        sa.Column("taken_on", sa.Date, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("tier", sa.String(10), nullable=False),
        sa.Column("restrictions", sa.JSON, nullable=False),
        sa.Column("flagged", sa.JSON, nullable=False),
        sa.Column("pain", sa.JSON, nullable=False),
        sa.Column("cleared_on", sa.Date, nullable=True),
        sa.Column("clearance_note", sa.Text, nullable=True),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        person(),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        person(),
        sa.Column(
            "plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime, nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("paced", sa.Boolean, nullable=False),
        sa.Column("steps_total", sa.Integer, nullable=False),
    )
    op.create_index("ix_sessions_person_started", "sessions", ["person_id", "started_at"])
    op.create_table(
        "session_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        person(),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("step_index", sa.Integer, nullable=False),
        sa.Column("item_index", sa.Integer, nullable=False),
        sa.Column("exercise_id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("set_number", sa.Integer, nullable=False),
        sa.Column("side", sa.String(5), nullable=True),
        sa.Column("direction", sa.String(40), nullable=True),
        sa.Column("reps", sa.Integer, nullable=True),
        sa.Column("hold_s", sa.Float, nullable=True),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime, nullable=False),
        sa.Column("skipped", sa.Boolean, nullable=False),
        sa.Column("idempotency_key", sa.String(120), nullable=False),
        sa.UniqueConstraint("session_id", "step_index", name="uq_session_steps_session_step"),
        sa.UniqueConstraint("person_id", "idempotency_key", name="uq_session_steps_person_key"),
    )
    op.create_table(
        "efforts",
        sa.Column("id", sa.Integer, primary_key=True),
        person(),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item_index", sa.Integer, nullable=False),
        sa.Column("exercise_id", sa.String(80), nullable=False),
        sa.Column("reps_in_reserve", sa.Integer, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("session_id", "item_index", name="uq_efforts_session_item"),
    )
    op.create_table(
        "pain_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        person(),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("step_index", sa.Integer, nullable=False),
        sa.Column("item_index", sa.Integer, nullable=False),
        sa.Column("exercise_id", sa.String(80), nullable=False),
        sa.Column("area", sa.String(20), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("symptoms", sa.JSON, nullable=False),
        sa.Column("reported_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "aggravations",
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("persons.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("exercise_id", sa.String(80), primary_key=True),
        sa.Column("marked_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "aggravations",
        "pain_reports",
        "efforts",
        "session_steps",
        "sessions",
        "plans",
        "screenings",
        "profiles",
        "persons",
    ):
        op.drop_table(table)
