"""Reads and writes of device pairings (issue 21). The rules (lifetimes, tries, who confirms)
are `services.devices`'; this module stores, and makes each step a single conditional update so
that two phones racing for one code cannot both win."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Engine, RowMapping, insert, select, update

from unknot.storage import tables as t

if TYPE_CHECKING:
    from unknot.storage.repository import Store


@dataclasses.dataclass(frozen=True)
class PairingRow:
    id: int
    account_id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    wrong_codes: int
    state: str
    device_name: str | None
    asked_at: dt.datetime | None
    login_id: int | None
    asked_address: str | None
    asked_agent: str | None


def _row(row: RowMapping) -> PairingRow:
    return PairingRow(**{f.name: row[f.name] for f in dataclasses.fields(PairingRow)})


class PairingStore:
    """The device pairings of one database."""

    def __init__(self, store: Store) -> None:
        self.engine: Engine = store.engine
        self._tx = store._tx

    def add(
        self,
        *,
        account_id: int,
        token_hash: str,
        code_hash: str,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> int:
        with self._tx() as db:
            # One pairing at a time: a new one ends any still open.
            db.execute(
                update(t.device_pairings)
                .where(
                    t.device_pairings.c.account_id == account_id,
                    t.device_pairings.c.state.in_(("open", "asked")),
                )
                .values(state="cancelled")
            )
            made = db.execute(
                insert(t.device_pairings)
                .values(
                    account_id=account_id,
                    token_hash=token_hash,
                    code_hash=code_hash,
                    created_at=now,
                    expires_at=expires_at,
                    wrong_codes=0,
                    state="open",
                )
                .returning(t.device_pairings.c.id)
            )
            return int(made.scalar_one())

    def _first(self, *where: ColumnElement[bool]) -> PairingRow | None:
        with self.engine.connect() as db:
            found = db.execute(select(t.device_pairings).where(*where)).mappings().first()
        return None if found is None else _row(found)

    def get(self, pairing_id: int, account_id: int) -> PairingRow | None:
        rows = t.device_pairings.c
        return self._first(rows.id == pairing_id, rows.account_id == account_id)

    def by_waiting(self, waiting_hash: str) -> PairingRow | None:
        return self._first(t.device_pairings.c.waiting_hash == waiting_hash)

    def live_by_token(self, token_hash: str, now: dt.datetime) -> PairingRow | None:
        """The pairing of this token while it is open or a device has asked, within its time."""
        rows = t.device_pairings.c
        return self._first(
            rows.token_hash == token_hash,
            rows.state.in_(("open", "asked")),
            rows.expires_at > now,
        )

    def live_by_code(self, code_hash: str, now: dt.datetime, most_wrong: int) -> PairingRow | None:
        rows = t.device_pairings.c
        return self._first(
            rows.code_hash == code_hash,
            rows.state.in_(("open", "asked")),
            rows.expires_at > now,
            rows.wrong_codes < most_wrong,
        )

    def contest(self, pairing_id: int) -> None:
        """A second device tried a pairing another has asked on: nobody is admitted."""
        rows = t.device_pairings.c
        with self._tx() as db:
            db.execute(
                update(t.device_pairings)
                .where(rows.id == pairing_id, rows.state == "asked")
                .values(state="contested", waiting_hash=None)
            )

    def count_wrong_code(self, now: dt.datetime) -> None:
        """A wrong short code counts against every pairing open now (it names none of them).
        Enough of them stop the short code only: the QR code's link still works, so nobody
        on the network stops a pairing by typing junk."""
        rows = t.device_pairings.c
        with self._tx() as db:
            db.execute(
                update(t.device_pairings)
                .where(rows.state == "open", rows.expires_at > now)
                .values(wrong_codes=rows.wrong_codes + 1)
            )

    def ask(
        self,
        pairing_id: int,
        device_name: str,
        waiting_hash: str,
        now: dt.datetime,
        address: str | None,
        agent: str | None,
    ) -> bool:
        """A device names itself and waits; False if another got there first or time is up."""
        rows = t.device_pairings.c
        with self._tx() as db:
            done = db.execute(
                update(t.device_pairings)
                .where(rows.id == pairing_id, rows.state == "open", rows.expires_at > now)
                .values(
                    state="asked",
                    device_name=device_name,
                    waiting_hash=waiting_hash,
                    asked_at=now,
                    asked_address=address,
                    asked_agent=(agent or "")[:200] or None,
                )
            )
        return done.rowcount == 1

    def decide(self, pairing_id: int, account_id: int, state: str) -> bool:
        """The computer's answer to a device that asked: "admitted" or "refused"."""
        rows = t.device_pairings.c
        with self._tx() as db:
            done = db.execute(
                update(t.device_pairings)
                .where(rows.id == pairing_id, rows.account_id == account_id, rows.state == "asked")
                .values(state=state)
            )
        return done.rowcount == 1

    def joined(self, pairing_id: int, login_id: int) -> bool:
        """The admitted device collected its sign-in, once."""
        rows = t.device_pairings.c
        with self._tx() as db:
            done = db.execute(
                update(t.device_pairings)
                .where(rows.id == pairing_id, rows.state == "admitted")
                .values(state="joined", login_id=login_id, waiting_hash=None)
            )
        return done.rowcount == 1


class ListeningStore:
    """The one row saying the local app listens on the network, and since when."""

    ROW = 1

    def __init__(self, store: Store) -> None:
        self.engine: Engine = store.engine
        self._tx = store._tx

    def start(self, urls: list[str], pid: int, now: dt.datetime, stale: dt.datetime) -> bool:
        """Claim the row for this process; False if another process listens (fresh since
        `stale`)."""
        rows = t.network_listening.c
        with self._tx() as db:
            found = db.execute(select(rows.heartbeat_at).where(rows.id == self.ROW)).scalar()
            if found is not None and found > stale:
                return False
            db.execute(t.network_listening.delete().where(rows.id == self.ROW))
            db.execute(
                insert(t.network_listening).values(
                    id=self.ROW, urls=",".join(urls), started_at=now, heartbeat_at=now, pid=pid
                )
            )
        return True

    def beat(self, pid: int, now: dt.datetime) -> bool:
        """Keep this process's row fresh; False once it is gone (stopped from a page)."""
        rows = t.network_listening.c
        with self._tx() as db:
            done = db.execute(
                update(t.network_listening)
                .where(rows.id == self.ROW, rows.pid == pid)
                .values(heartbeat_at=now)
            )
        return done.rowcount == 1

    def stop(self, pid: int | None = None) -> None:
        """No longer listening (only if this process's, when `pid` is given)."""
        rows = t.network_listening.c
        where = [rows.id == self.ROW] + ([rows.pid == pid] if pid is not None else [])
        with self._tx() as db:
            db.execute(t.network_listening.delete().where(*where))

    def urls(self, stale: dt.datetime) -> list[str] | None:
        """The phones' addresses while a process listens (its heartbeat after `stale`)."""
        rows = t.network_listening.c
        with self.engine.connect() as db:
            found = db.execute(
                select(rows.urls).where(rows.id == self.ROW, rows.heartbeat_at > stale)
            ).scalar()
        return None if found is None else str(found).split(",")
