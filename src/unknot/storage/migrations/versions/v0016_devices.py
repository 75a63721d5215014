"""The person's own devices on the local app (issue 21): what kind of sign-in a session is (the
computer's, through the link `unknot serve` prints, or a paired device's, with its name), and
the pairings under way.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("login_sessions", sa.Column("kind", sa.String(10), nullable=True))
    op.add_column("login_sessions", sa.Column("device_name", sa.String(80), nullable=True))
    op.create_table(
        "device_pairings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("wrong_codes", sa.Integer, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("device_name", sa.String(80), nullable=True),
        sa.Column("asked_address", sa.String(45), nullable=True),
        sa.Column("asked_agent", sa.String(200), nullable=True),
        sa.Column("waiting_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("asked_at", UTCDateTime, nullable=True),
        sa.Column(
            "login_id",
            sa.Integer,
            sa.ForeignKey("login_sessions.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_table("device_pairings")
    with op.batch_alter_table("login_sessions") as table:
        table.drop_column("device_name")
        table.drop_column("kind")
