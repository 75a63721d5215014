"""Reminders' rows (issue 22): the settings, the reminders due and their deliveries.

A worker claims one due reminder in a transaction that takes the write lock first (`BEGIN
IMMEDIATE` on SQLite; `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that workers pass over each
other's rows instead of queueing behind them), marks it claimed for a lease and records its
delivery as "sending" under the (person, occurrence, channel) key. A worker killed before it
sends leaves a claim that runs out; the next claim finds the same delivery row, and so the same
Message-ID.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select, update

from unknot.storage import tables as t

if TYPE_CHECKING:
    from unknot.storage.repository import Store


@dataclass(frozen=True)
class DueRow:
    """One reminder to schedule: its key among the person's, channel, kind, day and time."""

    occurrence: str
    channel: str
    kind: str
    day: dt.date
    due_at: dt.datetime


@dataclass(frozen=True)
class ClaimedReminder:
    id: int
    person_id: int
    occurrence: str
    channel: str
    kind: str
    day: dt.date
    due_at: dt.datetime
    attempts: int
    """This claim's attempt, counting from 1 (a repeat after a crash counts too)."""
    message_id: str


@dataclass(frozen=True)
class DeliveryRow:
    occurrence: str
    channel: str
    kind: str
    due_at: dt.datetime
    status: str
    attempts: int
    detail: str | None
    updated_at: dt.datetime
    sent_at: dt.datetime | None


class ReminderStore:
    def __init__(self, store: Store) -> None:
        self.engine: Engine = store.engine
        self._tx = store._tx
        self._one_writer = store._one_writer
        self._insert_ignoring_duplicates = store._insert_ignoring_duplicates

    # Settings ---------------------------------------------------------------------------------

    def settings(self, person_id: int) -> dict[str, Any] | None:
        rows = t.reminder_settings.c
        with self.engine.connect() as db:
            found = db.execute(select(rows.data).where(rows.person_id == person_id)).scalar()
        return None if found is None else dict(found)

    def save_settings(self, person_id: int, data: dict[str, Any], now: dt.datetime) -> None:
        """Keep the settings; what was scheduled under the old ones is scheduled again."""
        with self._tx() as db:
            db.execute(
                delete(t.reminder_settings).where(t.reminder_settings.c.person_id == person_id)
            )
            db.execute(
                insert(t.reminder_settings).values(
                    person_id=person_id, data=data, updated_at=now, scheduled_through=None
                )
            )

    def schedule_again(self) -> None:
        """Everyone's reminders scheduled afresh at the next pass (after an import)."""
        with self._tx() as db:
            db.execute(update(t.reminder_settings).values(scheduled_through=None))

    def scheduled(self) -> list[tuple[int, dict[str, Any], dt.date | None]]:
        """Everyone's settings, with the last local day their reminders are rows through."""
        rows = t.reminder_settings.c
        with self.engine.connect() as db:
            found = db.execute(select(rows.person_id, rows.data, rows.scheduled_through)).all()
        return [(int(person), dict(data), through) for person, data, through in found]

    def schedule(
        self, person_id: int, due: Sequence[DueRow], through: dt.date, now: dt.datetime
    ) -> None:
        """These are the person's reminders: waiting ones not among them go (their time or
        day changed), new ones to come are added, and those claimed, tried or done stay as
        they are."""
        rows = t.reminders_due.c
        deliveries = t.reminder_deliveries.c
        wanted = {(row.occurrence, row.channel, row.due_at) for row in due}
        movable = (
            rows.person_id == person_id,
            rows.done_at.is_(None),
            or_(rows.claimed_until.is_(None), rows.claimed_until <= now),
            # A reminder tried before keeps its place: its delivery row tells its story.
            ~select(deliveries.id)
            .where(
                deliveries.person_id == person_id,
                deliveries.occurrence == rows.occurrence,
                deliveries.channel == rows.channel,
            )
            .exists(),
        )
        with self._tx() as db:
            waiting = db.execute(
                select(rows.id, rows.occurrence, rows.channel, rows.due_at).where(*movable)
            ).all()
            stale = [row_id for row_id, *key in waiting if tuple(key) not in wanted]
            if stale:
                # The conditions again: on SQLite the read above ran before the write lock,
                # and a worker may have claimed one of these since.
                db.execute(delete(t.reminders_due).where(rows.id.in_(stale), *movable))
            coming = [
                {
                    "person_id": person_id,
                    "occurrence": row.occurrence,
                    "channel": row.channel,
                    "kind": row.kind,
                    "day": row.day,
                    "due_at": row.due_at,
                }
                for row in due
                if row.due_at > now
            ]
            if coming:
                db.execute(self._insert_ignoring_duplicates(t.reminders_due), coming)
            db.execute(
                update(t.reminder_settings)
                .where(t.reminder_settings.c.person_id == person_id)
                .values(scheduled_through=through)
            )

    def waiting(self, person_id: int) -> list[DueRow]:
        """The person's reminders not yet sent, soonest first."""
        rows = t.reminders_due.c
        with self.engine.connect() as db:
            found = db.execute(
                select(rows.occurrence, rows.channel, rows.kind, rows.day, rows.due_at)
                .where(rows.person_id == person_id, rows.done_at.is_(None))
                .order_by(rows.due_at)
            ).all()
        return [DueRow(*row) for row in found]

    # Claims -----------------------------------------------------------------------------------

    @contextmanager
    def _claiming(self) -> Iterator[Connection]:
        """A transaction that holds the write lock from its first statement: two SQLite workers
        cannot both read a reminder as unclaimed."""
        if self.engine.dialect.name != "sqlite":
            with self.engine.begin() as db:
                yield db
            return
        with self._one_writer or nullcontext(), self.engine.connect() as db:
            db.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            db.commit()

    def claim(
        self,
        now: dt.datetime,
        lease: dt.timedelta,
        worker: str,
        message_id: Callable[[int, str, str], str],
    ) -> ClaimedReminder | None:
        """The first reminder due and not claimed by a live worker, claimed for `lease`, with
        its delivery marked sending: a new delivery gets `message_id(person, occurrence,
        channel)`, a repeat keeps the one it had."""
        rows = t.reminders_due.c
        ready = (
            select(rows.id, rows.person_id, rows.occurrence, rows.channel, rows.kind, rows.day)
            .add_columns(rows.due_at)
            .where(
                rows.done_at.is_(None),
                rows.due_at <= now,
                or_(rows.claimed_until.is_(None), rows.claimed_until <= now),
            )
            .order_by(rows.due_at, rows.id)
            .limit(1)
        )
        if self.engine.dialect.name == "postgresql":
            ready = ready.with_for_update(skip_locked=True)
        with self._claiming() as db:
            found = db.execute(ready).first()
            if found is None:
                return None
            row_id, person, occurrence, channel, kind, day, due_at = found
            db.execute(
                update(t.reminders_due)
                .where(rows.id == row_id)
                .values(claimed_until=now + lease, claimed_by=worker[:80])
            )
            deliveries = t.reminder_deliveries.c
            key = and_(
                deliveries.person_id == person,
                deliveries.occurrence == occurrence,
                deliveries.channel == channel,
            )
            before = db.execute(
                select(deliveries.message_id, deliveries.attempts, deliveries.status).where(key)
            ).first()
            if before is None:
                attempts, given = 1, message_id(int(person), occurrence, channel)
                db.execute(
                    insert(t.reminder_deliveries).values(
                        person_id=person,
                        occurrence=occurrence,
                        channel=channel,
                        kind=kind,
                        due_at=due_at,
                        status="sending",
                        message_id=given,
                        attempts=attempts,
                        updated_at=now,
                    )
                )
            elif before[2] == "sent":
                # Sent already (a row scheduled again under the same key): nothing to repeat.
                db.execute(update(t.reminders_due).where(rows.id == row_id).values(done_at=now))
                given = ""
            else:
                given, attempts = before[0], int(before[1]) + 1
                db.execute(
                    update(t.reminder_deliveries)
                    .where(key)
                    .values(status="sending", attempts=attempts, updated_at=now)
                )
        if not given:
            return self.claim(now, lease, worker, message_id)
        return ClaimedReminder(
            int(row_id), int(person), occurrence, channel, kind, day, due_at, attempts, given
        )

    def finish(
        self,
        claimed: ClaimedReminder,
        status: str,
        detail: str | None,
        now: dt.datetime,
        retry_at: dt.datetime | None = None,
    ) -> None:
        """Record how the claimed delivery went: sent, skipped or failed; a failure with
        `retry_at` is claimed again from then."""
        deliveries = t.reminder_deliveries.c
        with self._tx() as db:
            db.execute(
                update(t.reminder_deliveries)
                .where(
                    deliveries.person_id == claimed.person_id,
                    deliveries.occurrence == claimed.occurrence,
                    deliveries.channel == claimed.channel,
                )
                .values(
                    status=status,
                    detail=None if detail is None else detail[:300],
                    updated_at=now,
                    sent_at=now if status == "sent" else None,
                )
            )
            done = (
                {"claimed_until": retry_at, "done_at": None}
                if retry_at is not None
                else {"done_at": now}
            )
            db.execute(
                update(t.reminders_due).where(t.reminders_due.c.id == claimed.id).values(**done)
            )

    def address(self, person_id: int) -> str | None:
        """Where the person's e-mail goes: their account's address, unless it is switched
        off."""
        accounts = t.accounts.c
        with self.engine.connect() as db:
            return db.execute(
                select(accounts.email).where(
                    accounts.person_id == person_id, accounts.disabled_at.is_(None)
                )
            ).scalar()

    # What the person sees ---------------------------------------------------------------------

    def deliveries(self, person_id: int, limit: int = 20) -> list[DeliveryRow]:
        """The person's latest deliveries, newest first."""
        rows = t.reminder_deliveries.c
        with self.engine.connect() as db:
            found = db.execute(
                select(
                    rows.occurrence,
                    rows.channel,
                    rows.kind,
                    rows.due_at,
                    rows.status,
                    rows.attempts,
                    rows.detail,
                    rows.updated_at,
                    rows.sent_at,
                )
                .where(rows.person_id == person_id)
                .order_by(rows.due_at.desc(), rows.id.desc())
                .limit(limit)
            ).all()
        return [DeliveryRow(*row) for row in found]
