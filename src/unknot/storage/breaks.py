"""Desk breaks' rows (issue 22): offers, answers, times away and check-ins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, insert, select, update

from unknot.storage import tables as t

if TYPE_CHECKING:
    from unknot.storage.repository import Store


@dataclass(frozen=True)
class BreakRow:
    id: int
    kind: str
    at: dt.datetime
    answer: str | None
    routine: dict[str, Any] | None
    idle_source: str
    away_s: int | None
    pain_after: int | None


class BreakStore:
    def __init__(self, store: Store) -> None:
        self.engine: Engine = store.engine
        self._tx = store._tx

    def add(
        self,
        person_id: int,
        kind: str,
        at: dt.datetime,
        idle_source: str,
        routine: dict[str, Any] | None = None,
        away_s: int | None = None,
    ) -> int:
        with self._tx() as db:
            made = db.execute(
                insert(t.desk_breaks)
                .values(
                    person_id=person_id,
                    kind=kind,
                    at=at,
                    idle_source=idle_source,
                    routine=routine,
                    away_s=away_s,
                )
                .returning(t.desk_breaks.c.id)
            )
            return int(made.scalar_one())

    def answer(self, person_id: int, break_id: int, answer: str, at: dt.datetime) -> bool:
        """Record the answer to an offer not yet answered (or, for "started", one put off or
        skipped and then opened after all); False when there is none."""
        rows = t.desk_breaks.c
        open_to = (
            rows.answer.is_distinct_from("started")
            if answer == "started"
            else rows.answer.is_(None)
        )
        with self._tx() as db:
            done = db.execute(
                update(t.desk_breaks)
                .where(
                    rows.id == break_id,
                    rows.person_id == person_id,
                    rows.kind == "offer",
                    open_to,
                )
                .values(answer=answer, answered_at=at)
            )
        return bool(done.rowcount)

    def check_in(self, person_id: int, break_id: int, pain: int) -> bool:
        rows = t.desk_breaks.c
        with self._tx() as db:
            done = db.execute(
                update(t.desk_breaks)
                .where(rows.id == break_id, rows.person_id == person_id, rows.answer == "started")
                .values(pain_after=pain)
            )
        return bool(done.rowcount)

    def one(self, person_id: int, break_id: int) -> BreakRow | None:
        found = self._rows(person_id, t.desk_breaks.c.id == break_id)
        return found[0] if found else None

    def since(self, person_id: int, since: dt.datetime) -> list[BreakRow]:
        return self._rows(person_id, t.desk_breaks.c.at >= since)

    def _rows(self, person_id: int, where: Any) -> list[BreakRow]:
        rows = t.desk_breaks.c
        with self.engine.connect() as db:
            found = db.execute(
                select(
                    rows.id,
                    rows.kind,
                    rows.at,
                    rows.answer,
                    rows.routine,
                    rows.idle_source,
                    rows.away_s,
                    rows.pain_after,
                )
                .where(rows.person_id == person_id, where)
                .order_by(rows.at, rows.id)
            ).all()
        return [BreakRow(*row) for row in found]
