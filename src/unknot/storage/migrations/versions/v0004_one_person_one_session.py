"""One local person and one active session per person, kept by the database.

Databases written before this may already hold a second "me" (two server processes creating the
person at once) and several active sessions (concurrent starts). They are merged first, with
nothing lost: every row of a duplicate person moves to the first one, and every active session
but the latest of each person is marked abandoned, its steps kept.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LOCAL = "me"
# Tables with a person_id, as they are at this revision (not as tables.py may have them later).
PERSON_ROWS = (
    "screenings",
    "plans",
    "sessions",
    "session_steps",
    "efforts",
    "pain_reports",
    "checkins",
    "function_ratings",
    "advice_dismissals",
)


def merge_local_persons(db: sa.Connection) -> None:
    ids = [
        row[0]
        for row in db.execute(
            sa.text("SELECT id FROM persons WHERE label = :me ORDER BY id"), {"me": LOCAL}
        )
    ]
    keep, duplicates = ids[0] if ids else None, ids[1:]
    for duplicate in duplicates:
        moved = {"keep": keep, "dup": duplicate}
        # A profile each: keep the one saved last.
        newer = db.execute(
            sa.text(
                "SELECT (SELECT updated_at FROM profiles WHERE person_id = :dup) > "
                "(SELECT updated_at FROM profiles WHERE person_id = :keep)"
            ),
            moved,
        ).scalar()
        if newer:
            db.execute(sa.text("DELETE FROM profiles WHERE person_id = :keep"), moved)
        db.execute(
            sa.text(
                "DELETE FROM profiles WHERE person_id = :dup "
                "AND EXISTS (SELECT 1 FROM profiles WHERE person_id = :keep)"
            ),
            moved,
        )
        db.execute(sa.text("UPDATE profiles SET person_id = :keep WHERE person_id = :dup"), moved)
        # An exercise marked aggravating by both stays marked once.
        db.execute(
            sa.text(
                "DELETE FROM aggravations WHERE person_id = :dup AND exercise_id IN "
                "(SELECT exercise_id FROM aggravations WHERE person_id = :keep)"
            ),
            moved,
        )
        db.execute(
            sa.text("UPDATE aggravations SET person_id = :keep WHERE person_id = :dup"), moved
        )
        # Idempotency keys are unique per person: a key both used gets the old person's mark.
        db.execute(
            sa.text(
                "UPDATE session_steps SET idempotency_key = "
                "idempotency_key || '#merged-' || CAST(:dup AS VARCHAR(20)) "
                "WHERE person_id = :dup AND idempotency_key IN "
                "(SELECT idempotency_key FROM session_steps WHERE person_id = :keep)"
            ),
            moved,
        )
        for table in PERSON_ROWS:
            db.execute(
                sa.text(f"UPDATE {table} SET person_id = :keep WHERE person_id = :dup"), moved
            )
        db.execute(sa.text("DELETE FROM persons WHERE id = :dup"), moved)


def abandon_extra_active_sessions(db: sa.Connection) -> None:
    rows = db.execute(
        sa.text(
            "SELECT id, person_id, started_at FROM sessions WHERE status = 'active' "
            "ORDER BY person_id, started_at DESC, id DESC"
        )
    ).all()
    latest: dict[int, object] = {}
    for session_id, person_id, started_at in rows:
        if person_id not in latest:
            latest[person_id] = started_at
            continue
        # Superseded when the later one started; its steps stay as they were.
        db.execute(
            sa.text("UPDATE sessions SET status = 'abandoned', ended_at = :at WHERE id = :id"),
            {"at": latest[person_id], "id": session_id},
        )


def upgrade() -> None:
    db = op.get_bind()
    merge_local_persons(db)
    abandon_extra_active_sessions(db)
    with op.batch_alter_table("persons") as batch:
        batch.create_index(
            "uq_persons_local",
            ["label"],
            unique=True,
            sqlite_where=sa.text(f"label = '{LOCAL}'"),
            postgresql_where=sa.text(f"label = '{LOCAL}'"),
        )
    with op.batch_alter_table("sessions") as batch:
        batch.create_index(
            "uq_sessions_one_active",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )


def downgrade() -> None:
    op.drop_index("uq_sessions_one_active", table_name="sessions")
    op.drop_index("uq_persons_local", table_name="persons")
