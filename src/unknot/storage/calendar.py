"""Reads and writes of the person's session time and their published calendar events (issue
22). The rules (when a version goes up) are `domain.calendar`'s."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from unknot.storage import tables as t

if TYPE_CHECKING:
    from unknot.storage.repository import Store


class CalendarStore:
    def __init__(self, store: Store) -> None:
        self.engine: Engine = store.engine
        self._tx = store._tx

    def session_time(self, person_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as db:
            found = db.execute(
                select(t.session_times.c.data).where(t.session_times.c.person_id == person_id)
            ).scalar()
        return None if found is None else dict(found)

    def save_session_time(self, person_id: int, data: dict[str, Any], now: dt.datetime) -> None:
        with self._tx() as db:
            db.execute(delete(t.session_times).where(t.session_times.c.person_id == person_id))
            db.execute(
                insert(t.session_times).values(person_id=person_id, data=data, updated_at=now)
            )

    def published(self, person_id: int) -> list[tuple[dt.date, str, int, dt.datetime]]:
        rows = t.calendar_events.c
        with self.engine.connect() as db:
            found = db.execute(
                select(rows.day, rows.content, rows.sequence, rows.modified_at).where(
                    rows.person_id == person_id
                )
            ).all()
        return [(r[0], r[1], r[2], r[3]) for r in found]

    def publish(
        self, person_id: int, events: Sequence[tuple[dt.date, str, int, dt.datetime]]
    ) -> None:
        """Keep what these days' events say now (the days not given keep theirs)."""
        if not events:
            return
        # Another fetch of the same feed may write these days at the same moment: the same
        # versions, as both read the same before. Theirs stand.
        with contextlib.suppress(IntegrityError):
            self._write_published(person_id, events)

    def _write_published(
        self, person_id: int, events: Sequence[tuple[dt.date, str, int, dt.datetime]]
    ) -> None:
        rows = t.calendar_events.c
        with self._tx() as db:
            db.execute(
                delete(t.calendar_events).where(
                    rows.person_id == person_id, rows.day.in_([e[0] for e in events])
                )
            )
            db.execute(
                insert(t.calendar_events),
                [
                    {
                        "person_id": person_id,
                        "day": day,
                        "content": content,
                        "sequence": sequence,
                        "modified_at": modified,
                    }
                    for day, content, sequence, modified in events
                ],
            )

    def new_feed(self, person_id: int, token_hash: str, now: dt.datetime) -> None:
        """A new feed for the person; any earlier one stops serving."""
        rows = t.calendar_feeds.c
        with self._tx() as db:
            db.execute(
                update(t.calendar_feeds)
                .where(rows.person_id == person_id, rows.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            db.execute(
                insert(t.calendar_feeds).values(
                    person_id=person_id, token_hash=token_hash, created_at=now
                )
            )

    def revoke_feeds(self, person_id: int, now: dt.datetime) -> int:
        rows = t.calendar_feeds.c
        with self._tx() as db:
            done = db.execute(
                update(t.calendar_feeds)
                .where(rows.person_id == person_id, rows.revoked_at.is_(None))
                .values(revoked_at=now)
            )
        return int(done.rowcount)

    def feed_since(self, person_id: int) -> dt.datetime | None:
        rows = t.calendar_feeds.c
        with self.engine.connect() as db:
            return db.execute(
                select(rows.created_at).where(
                    rows.person_id == person_id, rows.revoked_at.is_(None)
                )
            ).scalar()

    def feed_person(self, token_hash: str) -> int | None:
        """The person a live feed names; none when their account is switched off."""
        rows = t.calendar_feeds.c
        accounts = t.accounts.c
        with self.engine.connect() as db:
            found = db.execute(
                select(rows.person_id)
                .outerjoin(t.accounts, accounts.person_id == rows.person_id)
                .where(
                    rows.token_hash == token_hash,
                    rows.revoked_at.is_(None),
                    accounts.disabled_at.is_(None),
                )
            ).scalar()
        return None if found is None else int(found)
