"""Care links between a person and a clinician, and the clinician's notes (issue 20).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _account(name: str) -> sa.Column[int]:
    return sa.Column(
        name,
        sa.Integer,
        sa.ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "care_links",
        sa.Column("id", sa.Integer, primary_key=True),
        _account("person_account_id"),
        _account("clinician_account_id"),
        sa.Column("asked_at", UTCDateTime, nullable=False),
        sa.Column("consent_version", sa.String(20), nullable=True),
        sa.Column("accepted_at", UTCDateTime, nullable=True),
        sa.Column("ended_at", UTCDateTime, nullable=True),
        sa.Column("ended_by", sa.Integer, nullable=True),
    )
    op.create_table(
        "care_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "link_id",
            sa.Integer,
            sa.ForeignKey("care_links.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("written_at", UTCDateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("care_notes")
    op.drop_table("care_links")
