"""Reads and writes of passkeys and their challenges (issue 20)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Engine, RowMapping, delete, insert, select, update

from unknot.storage import tables as t

if TYPE_CHECKING:
    from unknot.storage.repository import Store


@dataclasses.dataclass(frozen=True)
class PasskeyRow:
    id: int
    account_id: int
    credential_id: str
    public_key: str
    sign_count: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


def _passkey(row: RowMapping) -> PasskeyRow:
    return PasskeyRow(**{f.name: row[f.name] for f in dataclasses.fields(PasskeyRow)})


class PasskeyStore:
    def __init__(self, store: Store) -> None:
        self.engine: Engine = store.engine
        self._tx = store._tx

    def add_challenge(
        self,
        id_hash: str,
        purpose: str,
        challenge: str,
        expires_at: dt.datetime,
        account_id: int | None = None,
    ) -> None:
        with self._tx() as db:
            db.execute(
                insert(t.passkey_challenges).values(
                    id_hash=id_hash,
                    purpose=purpose,
                    challenge=challenge,
                    expires_at=expires_at,
                    account_id=account_id,
                )
            )

    def take_challenge(
        self, id_hash: str, purpose: str, now: dt.datetime
    ) -> tuple[str, int | None] | None:
        """The challenge and its account, removed so it answers once; None if unknown,
        expired or taken already (two answers at once: one wins)."""
        rows = t.passkey_challenges.c
        with self._tx() as db:
            found = db.execute(
                select(rows.challenge, rows.account_id).where(
                    rows.id_hash == id_hash, rows.purpose == purpose, rows.expires_at > now
                )
            ).first()
            gone = db.execute(delete(t.passkey_challenges).where(rows.id_hash == id_hash))
            # Old challenges of nobody's go with each answer.
            db.execute(delete(t.passkey_challenges).where(rows.expires_at <= now))
        if found is None or gone.rowcount != 1:
            return None
        return str(found.challenge), None if found.account_id is None else int(found.account_id)

    def add(
        self,
        *,
        account_id: int,
        credential_id: str,
        public_key: str,
        sign_count: int,
        name: str,
        now: dt.datetime,
    ) -> None:
        with self._tx() as db:
            db.execute(
                insert(t.passkeys).values(
                    account_id=account_id,
                    credential_id=credential_id,
                    public_key=public_key,
                    sign_count=sign_count,
                    name=name,
                    created_at=now,
                )
            )

    def by_credential(self, credential_id: str) -> PasskeyRow | None:
        with self.engine.connect() as db:
            row = (
                db.execute(select(t.passkeys).where(t.passkeys.c.credential_id == credential_id))
                .mappings()
                .first()
            )
        return None if row is None else _passkey(row)

    def of_account(self, account_id: int) -> list[PasskeyRow]:
        with self.engine.connect() as db:
            rows = (
                db.execute(
                    select(t.passkeys)
                    .where(t.passkeys.c.account_id == account_id)
                    .order_by(t.passkeys.c.id)
                )
                .mappings()
                .all()
            )
        return [_passkey(r) for r in rows]

    def used(self, passkey_id: int, sign_count: int, now: dt.datetime) -> None:
        with self._tx() as db:
            db.execute(
                update(t.passkeys)
                .where(t.passkeys.c.id == passkey_id)
                .values(sign_count=sign_count, last_used_at=now)
            )

    def remove(self, passkey_id: int, account_id: int) -> bool:
        """Remove one of the account's passkeys; False if it is not theirs."""
        rows = t.passkeys.c
        with self._tx() as db:
            done = db.execute(
                delete(t.passkeys).where(rows.id == passkey_id, rows.account_id == account_id)
            )
        return done.rowcount == 1

    def remove_all(self, account_id: int) -> int:
        """Remove every passkey of the account (its sign-in code was reset); how many."""
        with self._tx() as db:
            done = db.execute(delete(t.passkeys).where(t.passkeys.c.account_id == account_id))
        return int(done.rowcount)
