"""A person's rows as plain data and back: the SQL of export, import and "forget me".

The use cases (services/records.py) decide what a valid export is; this module reads and
writes the tables, and converts each value to its column's type.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError

from unknot.storage.repository import Store
from unknot.storage.tables import PERSON_TABLES, UTCDateTime

Row = dict[str, object]


class RowRefused(ValueError):
    """A value, row or set of rows the database cannot take; the message says where."""


@dataclass(frozen=True, slots=True)
class TableRows:
    """One table's rows, converted to its columns' types, ready to insert."""

    table: Table
    rows: list[Row]


def table_names() -> list[str]:
    """The tables that hold a person's data, parents before children."""
    return [t.name for t in PERSON_TABLES]


def column_names(table_name: str) -> list[str]:
    return [c.name for c in _table(table_name).columns]


def _table(name: str) -> Table:
    return next(t for t in PERSON_TABLES if t.name == name)


def _plain(value: object) -> object:
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    return value


def export_tables(store: Store, person: int | None) -> dict[str, list[Row]]:
    """Every row of every table about the person, by table, in id order."""
    out: dict[str, list[Row]] = {}
    with store.engine.connect() as db:
        for table in PERSON_TABLES:
            key = table.c.id if table.name == "persons" else table.c.person_id
            order = list(table.primary_key.columns)
            rows = db.execute(select(table).where(key == person).order_by(*order)).mappings()
            out[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return out


def schema_revision(store: Store) -> str | None:
    from unknot.storage.migrate import current_revision

    return current_revision(store.engine)


def convert_row(table_name: str, row: Mapping[str, object], where: str) -> Row:
    """A row as read from an export, each value converted to its column's type; raises
    RowRefused naming the field of the first value that is wrong."""
    table = _table(table_name)
    names = {c.name for c in table.columns}
    extra = sorted(set(row) - names)
    missing = sorted(names - set(row))
    if extra or missing:
        wrong = f"unknown field {extra[0]!r}" if extra else f"missing field {missing[0]!r}"
        raise RowRefused(f"{where}: {wrong}")
    return {c.name: _convert(c, row[c.name], f"{where}.{c.name}") for c in table.columns}


def table_rows(table_name: str, rows: list[Row]) -> TableRows:
    return TableRows(_table(table_name), rows)


def _convert(column: Column[object], value: object, where: str) -> object:
    kind = column.type
    if value is None:
        if not column.nullable:
            raise RowRefused(f"{where}: is required")
        return None
    try:
        if isinstance(kind, UTCDateTime):
            parsed = dt.datetime.fromisoformat(str(value))
            if parsed.tzinfo is None:
                raise ValueError("no time zone")
            return parsed
        if isinstance(kind, Date):
            return dt.date.fromisoformat(str(value))
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise ValueError("not true or false")
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("not a whole number")
            if not -(2**63) <= value < 2**63:
                raise ValueError("beyond what a database integer holds (64 bits)")
            return value
        if isinstance(kind, Float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError("not a number")
            if not math.isfinite(float(value)):
                raise ValueError("not a finite number")
            return float(value)
        if isinstance(kind, String | Text):
            if not isinstance(value, str):
                raise ValueError("not text")
            return value
        if isinstance(kind, JSON):
            return value
    except (TypeError, ValueError, OverflowError) as error:
        raise RowRefused(f"{where}: {error} ({str(value)[:80]!r})") from None
    return value


def holds_anyone(store: Store) -> bool:
    """Whether the database holds any person's data."""
    persons = _table("persons")
    with store.engine.connect() as db:
        return bool(db.execute(select(func.count()).select_from(persons)).scalar())


def restore(store: Store, tables: Sequence[TableRows]) -> dict[str, int]:
    """Insert every table's rows in one transaction, all or nothing; rows per table. Rows that
    contradict each other raise RowRefused."""
    counts: dict[str, int] = {}
    try:
        with store.engine.begin() as db:
            for prepared in tables:
                if prepared.rows:
                    db.execute(insert(prepared.table), prepared.rows)
                counts[prepared.table.name] = len(prepared.rows)
            if store.engine.dialect.name == "postgresql":
                # Restored ids were given, not drawn: move each sequence past them.
                for prepared in tables:
                    name = prepared.table.name
                    if "id" in prepared.table.c:
                        db.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                            )
                        )
    except IntegrityError as error:
        raise RowRefused(f"rows contradict each other ({error.orig})") from None
    return counts


def forget_person(store: Store, person: int | None) -> dict[str, int]:
    """Delete everything about the person; rows deleted per table."""
    counts: dict[str, int] = {t.name: 0 for t in PERSON_TABLES}
    if person is None:
        return counts
    with store.engine.begin() as db:
        for table in reversed(PERSON_TABLES):
            key = table.c.id if table.name == "persons" else table.c.person_id
            counts[table.name] = db.execute(delete(table).where(key == person)).rowcount
    return counts
