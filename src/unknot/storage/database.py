"""Engine set-up: SQLite in the data folder by default, any SQLAlchemy URL by configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event


def default_url(data_dir: Path) -> str:
    """SQLite file in the person's data folder."""
    return f"sqlite:///{data_dir / 'unknot.db'}"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    # WAL: readers never block the writer; a killed process loses nothing committed.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def keep_private(database: Path) -> None:
    """The data folder readable by its owner only (0700), and the database file too (0600):
    SQLite gives its WAL and SHM files the database file's mode (issue 13)."""
    import os

    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(database.parent, 0o700)
    descriptor = os.open(database, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    os.chmod(database, 0o600)


def make_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite, makes the folder and file private and sets the pragmas
    on connect."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            keep_private(Path(path))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)
