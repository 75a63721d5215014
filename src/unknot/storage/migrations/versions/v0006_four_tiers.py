"""Four warning tiers, what set them, and the person's country.

Issue 14 split the screening's "urgent" into "emergency" (call now) and "same day" (see a doctor
today). Every stored "urgent" result was given for signs that are now emergency or same-day
ones, and both lock sessions until a clearance, so it maps to "emergency": nothing stored
becomes less cautious. The person's country sets the emergency number they are told to call.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE screenings SET tier = 'emergency' WHERE tier = 'urgent'")
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("country", sa.String(2), nullable=True))
    with op.batch_alter_table("screenings") as batch:
        batch.add_column(sa.Column("findings", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screenings") as batch:
        batch.drop_column("findings")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("country")
    op.execute("UPDATE screenings SET tier = 'urgent' WHERE tier IN ('emergency', 'same_day')")
