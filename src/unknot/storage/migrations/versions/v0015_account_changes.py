"""Changes to an account after it is made (issue 20): an administrator switches an account off;
an e-mail address waits for its confirmation link; a new authenticator waits for its first
code; TOTP secrets are stored sealed (services.sealing), which takes more than 64 characters.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from unknot.storage.tables import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("disabled_at", UTCDateTime, nullable=True))
    op.add_column("accounts", sa.Column("new_email", sa.String(254), nullable=True))
    op.add_column("accounts", sa.Column("totp_new_secret", sa.String(255), nullable=True))
    # SQLite keeps any length in a VARCHAR; only PostgreSQL needs the wider column. (A batch
    # rebuild of `accounts` on SQLite would also cascade through its foreign keys.)
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("accounts", "totp_secret", type_=sa.String(255))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as table:
        table.drop_column("totp_new_secret")
        table.drop_column("new_email")
        table.drop_column("disabled_at")
