"""Session runs and their event log; each step's paused seconds.

Issue 15: the browser sends what happened (start, pause, done, pain...) as events timed from the
run's start, and the server replays them through the engine, which writes the records. Steps
stored before this have no paused seconds (NULL): they were counted whole.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _person() -> sa.Column[int]:
    return sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("persons.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    with op.batch_alter_table("session_steps") as batch:
        batch.add_column(sa.Column("paused_s", sa.Float, nullable=True))
    op.create_table(
        "session_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        _person(),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("resume_at", sa.Integer, nullable=False),
        sa.Column("start_pain", sa.JSON, nullable=False),
        sa.Column("applied", sa.Integer, nullable=False),
    )
    op.create_table(
        "session_events",
        sa.Column("id", sa.Integer, primary_key=True),
        _person(),
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("session_runs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("offset_s", sa.Float, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("run_id", "seq", name="uq_session_events_run_seq"),
    )


def downgrade() -> None:
    op.drop_table("session_events")
    op.drop_table("session_runs")
    with op.batch_alter_table("session_steps") as batch:
        batch.drop_column("paused_s")
