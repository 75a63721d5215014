"""Indexes for the reads every request makes, so each costs the same however long the history.

Issue 16: at 1,000 past sessions and 50,000 steps, the plan, a session's start, a check-in and
the pages read the whole history. The repository now reads only the rows a request needs; these
indexes find them: the latest session of each exercise (a loose index scan), a day's plan and
check-ins, and a session's plan, runs, pain reports and check-ins.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = (
    (
        "ix_session_steps_person_exercise",
        "session_steps",
        ["person_id", "exercise_id", "session_id", "kind"],
    ),
    ("ix_plans_person_day", "plans", ["person_id", "day"]),
    ("ix_sessions_plan", "sessions", ["plan_id"]),
    ("ix_session_runs_session", "session_runs", ["session_id"]),
    ("ix_pain_reports_session", "pain_reports", ["session_id"]),
    ("ix_checkins_person_day", "checkins", ["person_id", "day"]),
    ("ix_checkins_session", "checkins", ["session_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
