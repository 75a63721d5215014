"""Every storage test runs on a real SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres import PostgresServer
from unknot.storage.database import make_engine
from unknot.storage.migrate import upgrade
from unknot.storage.repository import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'unknot.db'}"
    # Asked for here only: the SQLite runs start no PostgreSQL server (and run in the parallel
    # pass; tests/conftest.py sends the PostgreSQL ones to the serial one).
    postgres: PostgresServer | None = request.getfixturevalue("postgres")
    if postgres is None:
        pytest.skip("PostgreSQL is not installed; `make system-deps` installs it")
    return postgres.create_database()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield Store(engine)
    engine.dispose()
