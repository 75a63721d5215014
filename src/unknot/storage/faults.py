"""What went wrong with the database, said so a person can act on it (issue 13).

SQLAlchemy is imported only where a fault is read, so that the interfaces can name these
exceptions without paying for the driver at start-up.

The drivers raise the same few exception classes for very different faults: SQLite's
`OperationalError` is both "the disk is full" and "the folder is read-only". `storage_fault`
reads the driver's own error code (SQLite's `sqlite_errorname`, PostgreSQL's SQLSTATE) and
names the fault; the interfaces turn it into one line (CLI) or a problem (web).
"""

from __future__ import annotations

import errno
from typing import Literal

Kind = Literal["full", "read_only", "busy", "not_a_database", "unreachable"]

# SQLite's primary result codes, by name (https://sqlite.org/rescode.html).
_SQLITE: dict[str, Kind] = {
    "SQLITE_FULL": "full",
    "SQLITE_READONLY": "read_only",
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_NOTADB": "not_a_database",
    "SQLITE_CORRUPT": "not_a_database",
    "SQLITE_CANTOPEN": "unreachable",
    "SQLITE_IOERR": "unreachable",
}
# PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html):
# 53100 disk_full, 25006 read_only_sql_transaction (a standby), class 08 connection exceptions.
_SQLSTATE: dict[str, Kind] = {"53100": "full", "25006": "read_only", "08": "unreachable"}
_ERRNO: dict[int, Kind] = {
    errno.ENOSPC: "full",
    errno.EDQUOT: "full",
    errno.EROFS: "read_only",
    errno.EACCES: "read_only",
    errno.EPERM: "read_only",
}


class StorageFault(Exception):
    """The database cannot be used as asked; `kind` says why, `where` names the file or server."""

    def __init__(self, kind: Kind, where: str, reason: str) -> None:
        self.kind: Kind = kind
        self.where = where
        self.reason = reason
        super().__init__(kind, where, reason)

    @property
    def saving(self) -> bool:
        """Whether only saving failed: what is already saved can still be read."""
        return self.kind in ("full", "read_only", "busy")

    @property
    def title(self) -> str:
        return {
            "full": "The disk is full",
            "read_only": "The data folder is read-only",
            "busy": "The database is busy",
            "not_a_database": "The database file is damaged",
            "unreachable": "The database cannot be opened",
        }[self.kind]

    def __str__(self) -> str:
        if self.kind == "full":
            return (
                f"the disk that holds {self.where} is full; nothing was lost, but this was not "
                "saved: free some space and try again"
            )
        if self.kind == "read_only":
            return (
                f"{self.where} is read-only ({self.reason}): unknot cannot save there; make "
                "the folder writable, or set UNKNOT_DATA_DIR to a folder you can write"
            )
        if self.kind == "busy":
            return (
                f"{self.where} stayed locked by another program for too long; nothing was lost, "
                "but this was not saved: try again in a moment"
            )
        if self.kind == "not_a_database":
            return (
                f"{self.where} is not an unknot database, or it is damaged ({self.reason}); "
                "move it aside to start afresh (or restore a backup with `unknot import`), "
                "or set UNKNOT_DATA_DIR to another folder"
            )
        return (
            f"cannot open the database {self.where} ({self.reason}); check that it exists and "
            "that UNKNOT_DATABASE_URL is right"
        )


class DatabaseTooNew(RuntimeError):
    """The database was migrated by a newer unknot than this one."""


def where(url: str) -> str:
    """The database file, or the server and database name, never the password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "the in-memory database"
    return parsed.render_as_string(hide_password=True)


def storage_fault(error: BaseException, url: str) -> StorageFault | None:
    """The fault behind a driver or file-system error, or None when it is not one of ours."""
    from sqlalchemy.exc import OperationalError

    original = getattr(error, "orig", None) or error
    text = str(original).strip()
    reason = text.splitlines()[0] if text else type(original).__name__
    name = getattr(original, "sqlite_errorname", None)
    if isinstance(name, str):
        # Extended codes (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE) by their primary code.
        kind = _SQLITE.get("_".join(name.split("_")[:2]))
        if kind is not None:
            return StorageFault(kind, where(url), reason)
    state = getattr(original, "sqlstate", None)
    if isinstance(state, str):
        kind = _SQLSTATE.get(state) or _SQLSTATE.get(state[:2])
        if kind is not None:
            return StorageFault(kind, where(url), reason)
    if isinstance(original, OSError) and original.errno in _ERRNO:
        target = original.filename if original.filename else where(url)
        return StorageFault(_ERRNO[original.errno], str(target), original.strerror or reason)
    if isinstance(error, OperationalError):
        # The driver could not reach or open the database, and gave no code that says more.
        return StorageFault("unreachable", where(url), reason)
    return None
