"""Bringing a database up to date, and refusing one written by a newer unknot."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from unknot.storage.faults import DatabaseTooNew

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["DatabaseTooNew", "current_revision", "head_revision", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration this unknot knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision; None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, to: str | None = None) -> tuple[str | None, str]:
    """Apply every pending migration (or those up to revision `to`, for migration tests);
    return the revisions before and after."""
    from alembic import command
    from alembic.script import ScriptDirectory

    config = _config()
    before = current_revision(engine)
    known = {s.revision for s in ScriptDirectory.from_config(config).walk_revisions()}
    if before is not None and before not in known:
        raise DatabaseTooNew(
            f"the database is at revision {before!r}, written by a newer unknot than this one "
            f"(which knows up to {head_revision()!r}); upgrade unknot, or point "
            "UNKNOT_DATABASE_URL at another database"
        )
    target = to or head_revision()
    if before != target:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
    return before, target
