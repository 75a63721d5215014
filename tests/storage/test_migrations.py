"""Migrations: an empty database comes up to the tables' shape; a newer one is refused."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from unknot.storage.database import make_engine
from unknot.storage.migrate import DatabaseTooNew, current_revision, head_revision, upgrade
from unknot.storage.tables import metadata


def test_upgrade_from_empty_matches_the_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    assert upgrade(engine) == (None, head_revision())
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, metadata) == []
    names = set(inspect(engine).get_table_names())
    assert {"persons", "screenings", "sessions", "session_steps"} <= names
    # Every table but persons is keyed by a person.
    for table in names - {"persons", "alembic_version"}:
        columns = {c["name"] for c in inspect(engine).get_columns(table)}
        assert "person_id" in columns, table
    # A second upgrade changes nothing.
    assert upgrade(engine) == (head_revision(), head_revision())
    engine.dispose()


def test_a_newer_database_is_refused(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'from-the-future'"))
    with pytest.raises(DatabaseTooNew, match="newer unknot"):
        upgrade(engine)
    engine.dispose()


def test_sqlite_pragmas(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/p.db")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
