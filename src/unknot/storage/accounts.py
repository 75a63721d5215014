"""Reads and writes of accounts, sign-in sessions, failed sign-ins, one-time links and the audit
log (issue 20). The rules (timeouts, limits, who may see what) are the services'; this module
only stores, and keeps the audit log's chain whole under concurrent writers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, RowMapping, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from unknot.storage import tables as t

if TYPE_CHECKING:
    from unknot.storage.repository import Store

# The audit chain starts from this, so the first row's hash depends on nothing before it.
CHAIN_START = "0" * 64
# Any constant: the PostgreSQL advisory lock that orders audit appends (see `append_audit`).
_AUDIT_LOCK = 20_020


@dataclasses.dataclass(frozen=True)
class AccountRow:
    id: int
    organisation_id: int
    email: str | None
    password_hash: str | None
    role: str
    person_id: int | None
    created_at: dt.datetime
    password_changed_at: dt.datetime | None
    totp_secret: str | None
    totp_confirmed_at: dt.datetime | None
    totp_last_step: int | None
    disabled_at: dt.datetime | None
    new_email: str | None
    totp_new_secret: str | None


@dataclasses.dataclass(frozen=True)
class LoginSessionRow:
    id: int
    account_id: int
    created_at: dt.datetime
    authenticated_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    idle_s: int
    revoked_at: dt.datetime | None
    address: str | None
    agent: str | None
    kind: str | None
    device_name: str | None


@dataclasses.dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    actor_account_id: int | None
    action: str
    subject_account_id: int | None
    detail: dict[str, Any]
    address: str | None
    previous_hash: str
    hash: str


def audit_hash(previous: str, row: dict[str, Any]) -> str:
    """The hash a row carries: SHA-256 of the previous hash and the row's own fields."""
    fields = {k: row[k] for k in sorted(row) if k not in ("id", "hash", "previous_hash")}
    at = fields["at"]
    fields["at"] = at.astimezone(dt.UTC).isoformat() if isinstance(at, dt.datetime) else at
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}\n{body}".encode()).hexdigest()


def _account(row: RowMapping) -> AccountRow:
    return AccountRow(**{f.name: row[f.name] for f in dataclasses.fields(AccountRow)})


def _login(row: RowMapping) -> LoginSessionRow:
    return LoginSessionRow(**{f.name: row[f.name] for f in dataclasses.fields(LoginSessionRow)})


def _audit(row: RowMapping) -> AuditRow:
    return AuditRow(**{f.name: row[f.name] for f in dataclasses.fields(AuditRow)})


class AccountStore:
    """The account tables of one database."""

    def __init__(self, store: Store) -> None:
        self.engine: Engine = store.engine
        # The store's transactions: on SQLite its one-writer lock, shared with every other
        # write of the process.
        self._tx = store._tx

    # Organisations and accounts ---------------------------------------------------------------

    def organisations(self) -> list[tuple[int, str]]:
        with self.engine.connect() as db:
            rows = db.execute(
                select(t.organisations.c.id, t.organisations.c.name).order_by(t.organisations.c.id)
            ).all()
        return [(int(r.id), str(r.name)) for r in rows]

    def create_organisation(self, name: str, now: dt.datetime) -> int:
        with self._tx() as db:
            made = db.execute(
                insert(t.organisations)
                .values(name=name, created_at=now)
                .returning(t.organisations.c.id)
            )
            return int(made.scalar_one())

    def create_account(
        self,
        *,
        organisation_id: int,
        role: str,
        now: dt.datetime,
        email: str | None = None,
        password_hash: str | None = None,
        person_id: int | None = None,
        new_person: bool = False,
    ) -> int:
        """A new account; with `new_person`, a person of its own for a patient's records."""
        with self._tx() as db:
            if new_person:
                made = db.execute(
                    insert(t.persons)
                    .values(label="account", created_at=now)
                    .returning(t.persons.c.id)
                )
                person_id = int(made.scalar_one())
            made = db.execute(
                insert(t.accounts)
                .values(
                    organisation_id=organisation_id,
                    role=role,
                    email=email,
                    password_hash=password_hash,
                    person_id=person_id,
                    created_at=now,
                    password_changed_at=now if password_hash else None,
                )
                .returning(t.accounts.c.id)
            )
            return int(made.scalar_one())

    def local_account(self, person_id: int, now: dt.datetime) -> int:
        """The account of the local person's own devices (issue 21), made on first use in the
        organisation of this computer, which is nobody's clinic."""
        with self._tx() as db:
            found = db.execute(
                select(t.accounts.c.id).where(t.accounts.c.person_id == person_id)
            ).scalar()
            if found is not None:
                return int(found)
            organisation = db.execute(
                select(t.organisations.c.id).where(t.organisations.c.name == t.LOCAL_ORGANISATION)
            ).scalar()
            if organisation is None:
                organisation = db.execute(
                    insert(t.organisations)
                    .values(name=t.LOCAL_ORGANISATION, created_at=now)
                    .returning(t.organisations.c.id)
                ).scalar_one()
            made = db.execute(
                insert(t.accounts)
                .values(
                    organisation_id=organisation,
                    role="person",
                    person_id=person_id,
                    created_at=now,
                )
                .returning(t.accounts.c.id)
            )
            return int(made.scalar_one())

    def adopt_local_person(self, organisation_id: int, now: dt.datetime) -> int | None:
        """The local person of a one-person install as a patient account of the organisation
        (its records stay where they are); None when there is no local person. Its label stops
        being the local one, so the login-free app no longer finds it. An account their own
        devices signed in with moves into the organisation, devices and all."""
        with self._tx() as db:
            person = db.execute(
                select(t.persons.c.id).where(t.persons.c.label == t.LOCAL_LABEL)
            ).scalar()
            if person is None:
                return None
            db.execute(update(t.persons).where(t.persons.c.id == person).values(label="account"))
            devices = db.execute(
                select(t.accounts.c.id).where(t.accounts.c.person_id == person)
            ).scalar()
            if devices is not None:
                db.execute(
                    update(t.accounts)
                    .where(t.accounts.c.id == devices)
                    .values(organisation_id=organisation_id)
                )
                return int(devices)
            made = db.execute(
                insert(t.accounts)
                .values(
                    organisation_id=organisation_id,
                    role="person",
                    person_id=person,
                    created_at=now,
                )
                .returning(t.accounts.c.id)
            )
            return int(made.scalar_one())

    def account(self, account_id: int) -> AccountRow | None:
        with self.engine.connect() as db:
            row = (
                db.execute(select(t.accounts).where(t.accounts.c.id == account_id))
                .mappings()
                .first()
            )
        return None if row is None else _account(row)

    def account_by_email(self, email: str) -> AccountRow | None:
        with self.engine.connect() as db:
            row = (
                db.execute(select(t.accounts).where(t.accounts.c.email == email)).mappings().first()
            )
        return None if row is None else _account(row)

    def accounts(self, organisation_id: int) -> list[AccountRow]:
        with self.engine.connect() as db:
            rows = (
                db.execute(
                    select(t.accounts)
                    .where(t.accounts.c.organisation_id == organisation_id)
                    .order_by(t.accounts.c.id)
                )
                .mappings()
                .all()
            )
        return [_account(r) for r in rows]

    def count_accounts(self) -> int:
        """Accounts of organisations: the local person's own devices' account is not one."""
        local = select(t.organisations.c.id).where(t.organisations.c.name == t.LOCAL_ORGANISATION)
        with self.engine.connect() as db:
            return int(
                db.execute(
                    select(func.count())
                    .select_from(t.accounts)
                    .where(t.accounts.c.organisation_id.not_in(local))
                ).scalar_one()
            )

    def set_password(self, account_id: int, password_hash: str, now: dt.datetime) -> None:
        with self._tx() as db:
            db.execute(
                update(t.accounts)
                .where(t.accounts.c.id == account_id)
                .values(password_hash=password_hash, password_changed_at=now)
            )

    def set_email(self, account_id: int, email: str) -> None:
        with self._tx() as db:
            db.execute(update(t.accounts).where(t.accounts.c.id == account_id).values(email=email))

    # The second factor ---------------------------------------------------------------------------

    def set_totp_secret(self, account_id: int, secret: str) -> None:
        """A new, unconfirmed secret (enrolment begins again at each sign-in until confirmed)."""
        with self._tx() as db:
            db.execute(
                update(t.accounts)
                .where(t.accounts.c.id == account_id, t.accounts.c.totp_confirmed_at.is_(None))
                .values(totp_secret=secret, totp_last_step=None)
            )

    def take_totp_step(self, account_id: int, step: int, now: dt.datetime) -> bool:
        """Record that a code of this time step was taken, confirming the secret; False if a
        code of this step or a later one was taken already (two at once: one wins)."""
        rows = t.accounts.c
        with self._tx() as db:
            done = db.execute(
                update(t.accounts)
                .where(
                    rows.id == account_id,
                    (rows.totp_last_step.is_(None)) | (rows.totp_last_step < step),
                )
                .values(
                    totp_last_step=step,
                    totp_confirmed_at=func.coalesce(rows.totp_confirmed_at, now),
                )
            )
        return done.rowcount == 1

    def replace_recovery_codes(self, account_id: int, hashes: Sequence[str]) -> None:
        with self._tx() as db:
            db.execute(t.recovery_codes.delete().where(t.recovery_codes.c.account_id == account_id))
            db.execute(
                insert(t.recovery_codes),
                [{"account_id": account_id, "code_hash": h} for h in hashes],
            )

    def use_recovery_code(self, account_id: int, code_hash: str, now: dt.datetime) -> bool:
        rows = t.recovery_codes.c
        with self._tx() as db:
            done = db.execute(
                update(t.recovery_codes)
                .where(
                    rows.account_id == account_id,
                    rows.code_hash == code_hash,
                    rows.used_at.is_(None),
                )
                .values(used_at=now)
            )
        return done.rowcount == 1

    def recovery_codes_left(self, account_id: int) -> int:
        rows = t.recovery_codes.c
        with self.engine.connect() as db:
            return int(
                db.execute(
                    select(func.count()).where(
                        rows.account_id == account_id, rows.used_at.is_(None)
                    )
                ).scalar_one()
            )

    def set_new_totp_secret(self, account_id: int, sealed: str | None) -> None:
        """A new authenticator being set up beside the one in use (None: set-up abandoned)."""
        with self._tx() as db:
            db.execute(
                update(t.accounts)
                .where(t.accounts.c.id == account_id)
                .values(totp_new_secret=sealed)
            )

    def take_new_totp_secret(
        self, account_id: int, sealed: str, step: int, now: dt.datetime
    ) -> bool:
        """The new authenticator replaces the old one, its first code's step taken; False if
        the set-up changed meanwhile (another tab began again)."""
        rows = t.accounts.c
        with self._tx() as db:
            done = db.execute(
                update(t.accounts)
                .where(rows.id == account_id, rows.totp_new_secret == sealed)
                .values(
                    totp_secret=sealed,
                    totp_new_secret=None,
                    totp_confirmed_at=now,
                    totp_last_step=step,
                )
            )
        return done.rowcount == 1

    def clear_second_factor(self, account_id: int) -> None:
        """No authenticator and no recovery codes: the next sign-in sets up a new one."""
        with self._tx() as db:
            db.execute(
                update(t.accounts)
                .where(t.accounts.c.id == account_id)
                .values(
                    totp_secret=None,
                    totp_confirmed_at=None,
                    totp_last_step=None,
                    totp_new_secret=None,
                )
            )
            db.execute(t.recovery_codes.delete().where(t.recovery_codes.c.account_id == account_id))

    def reseal_totp_secret(self, account_id: int, plain: str, sealed: str) -> None:
        with self._tx() as db:
            db.execute(
                update(t.accounts)
                .where(t.accounts.c.id == account_id, t.accounts.c.totp_secret == plain)
                .values(totp_secret=sealed)
            )

    def set_disabled(self, account_id: int, at: dt.datetime | None) -> None:
        with self._tx() as db:
            db.execute(
                update(t.accounts).where(t.accounts.c.id == account_id).values(disabled_at=at)
            )

    def set_new_email(self, account_id: int, email: str | None) -> None:
        with self._tx() as db:
            db.execute(
                update(t.accounts).where(t.accounts.c.id == account_id).values(new_email=email)
            )

    def take_new_email(self, account_id: int, email: str) -> bool:
        """The address waiting for confirmation becomes the account's; False if it is no longer
        the one waiting, or another account has taken it meanwhile."""
        rows = t.accounts.c
        try:
            with self._tx() as db:
                done = db.execute(
                    update(t.accounts)
                    .where(rows.id == account_id, rows.new_email == email)
                    .values(email=email, new_email=None)
                )
        except IntegrityError:
            return False
        return done.rowcount == 1

    def set_role(self, account_id: int, role: str) -> None:
        with self._tx() as db:
            db.execute(update(t.accounts).where(t.accounts.c.id == account_id).values(role=role))

    def delete_account(self, account_id: int) -> None:
        with self._tx() as db:
            db.execute(t.accounts.delete().where(t.accounts.c.id == account_id))

    # Sign-in sessions ---------------------------------------------------------------------------

    def add_login(
        self,
        *,
        token_hash: str,
        account_id: int,
        now: dt.datetime,
        expires_at: dt.datetime,
        idle_s: int,
        address: str | None,
        agent: str | None,
        kind: str | None = None,
        device_name: str | None = None,
    ) -> int:
        with self._tx() as db:
            made = db.execute(
                insert(t.login_sessions)
                .values(
                    token_hash=token_hash,
                    account_id=account_id,
                    created_at=now,
                    authenticated_at=now,
                    last_seen_at=now,
                    expires_at=expires_at,
                    idle_s=idle_s,
                    address=address,
                    agent=agent,
                    kind=kind,
                    device_name=device_name,
                )
                .returning(t.login_sessions.c.id)
            )
            return int(made.scalar_one())

    def login_and_account(self, token_hash: str) -> tuple[LoginSessionRow, AccountRow] | None:
        """A sign-in session and its account in one query: every request on the shared
        server asks this first (the 200-people bench)."""
        logins, accounts = t.login_sessions, t.accounts
        # Prefixed: the account's `id` must not meet the session's `account_id`.
        account_columns = [c.label(f"of_account_{c.name}") for c in accounts.c]
        with self.engine.connect() as db:
            row = (
                db.execute(
                    select(logins, *account_columns)
                    .join(accounts, accounts.c.id == logins.c.account_id)
                    .where(logins.c.token_hash == token_hash)
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        account = AccountRow(
            **{f.name: row[f"of_account_{f.name}"] for f in dataclasses.fields(AccountRow)}
        )
        return _login(row), account

    def logins(self, account_id: int) -> list[LoginSessionRow]:
        with self.engine.connect() as db:
            rows = (
                db.execute(
                    select(t.login_sessions)
                    .where(t.login_sessions.c.account_id == account_id)
                    .order_by(t.login_sessions.c.id)
                )
                .mappings()
                .all()
            )
        return [_login(r) for r in rows]

    def touch_login(self, login_id: int, now: dt.datetime) -> None:
        with self._tx() as db:
            db.execute(
                update(t.login_sessions)
                .where(t.login_sessions.c.id == login_id)
                .values(last_seen_at=now)
            )

    def reauthenticate(self, login_id: int, now: dt.datetime) -> None:
        """The password was given again in this sign-in session, now."""
        with self._tx() as db:
            db.execute(
                update(t.login_sessions)
                .where(t.login_sessions.c.id == login_id)
                .values(authenticated_at=now, last_seen_at=now)
            )

    def revoke_logins(
        self, account_id: int, now: dt.datetime, only: int | None = None, sparing: int | None = None
    ) -> int:
        """End the account's sessions (`only` one of them, or all but `sparing`); how many."""
        rows = t.login_sessions.c
        query = update(t.login_sessions).where(
            rows.account_id == account_id, rows.revoked_at.is_(None)
        )
        if only is not None:
            query = query.where(rows.id == only)
        if sparing is not None:
            query = query.where(rows.id != sparing)
        with self._tx() as db:
            return int(db.execute(query.values(revoked_at=now)).rowcount)

    # Failed sign-ins ----------------------------------------------------------------------------

    def record_failures(self, keys: Sequence[str], now: dt.datetime) -> None:
        with self._tx() as db:
            db.execute(insert(t.sign_in_failures), [{"key": k, "at": now} for k in keys])

    def failures_since(self, key: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
        """How many failures under `key` since then, and the latest."""
        rows = t.sign_in_failures.c
        with self.engine.connect() as db:
            count, latest = db.execute(
                select(func.count(), func.max(rows.at)).where(rows.key == key, rows.at >= since)
            ).one()
        return int(count), latest

    def clear_failures(self, key: str) -> None:
        with self._tx() as db:
            db.execute(t.sign_in_failures.delete().where(t.sign_in_failures.c.key == key))

    # One-time links -----------------------------------------------------------------------------

    def add_link(
        self,
        *,
        token_hash: str,
        account_id: int,
        purpose: str,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> None:
        with self._tx() as db:
            db.execute(
                insert(t.one_time_links).values(
                    token_hash=token_hash,
                    account_id=account_id,
                    purpose=purpose,
                    created_at=now,
                    expires_at=expires_at,
                )
            )

    def cancel_links(self, account_id: int, purpose: str, now: dt.datetime) -> None:
        """Every unused link of this purpose for the account stops working."""
        rows = t.one_time_links.c
        with self._tx() as db:
            db.execute(
                update(t.one_time_links)
                .where(
                    rows.account_id == account_id, rows.purpose == purpose, rows.used_at.is_(None)
                )
                .values(used_at=now)
            )

    def link_account(self, token_hash: str, purpose: str, now: dt.datetime) -> int | None:
        """The account of an unused, unexpired link, without using it."""
        rows = t.one_time_links.c
        with self.engine.connect() as db:
            found = db.execute(
                select(rows.account_id).where(
                    rows.token_hash == token_hash,
                    rows.purpose == purpose,
                    rows.used_at.is_(None),
                    rows.expires_at > now,
                )
            ).scalar()
        return None if found is None else int(found)

    def use_link(self, token_hash: str, purpose: str, now: dt.datetime) -> int | None:
        """Use the link once: its account, or None if it is unknown, used or expired. Two uses
        at once cannot both succeed (one UPDATE with the conditions in its WHERE)."""
        rows = t.one_time_links.c
        with self._tx() as db:
            account = db.execute(
                select(rows.account_id).where(rows.token_hash == token_hash)
            ).scalar()
            done = db.execute(
                update(t.one_time_links)
                .where(
                    rows.token_hash == token_hash,
                    rows.purpose == purpose,
                    rows.used_at.is_(None),
                    rows.expires_at > now,
                )
                .values(used_at=now)
            )
        return int(account) if done.rowcount == 1 and account is not None else None

    # The audit log ------------------------------------------------------------------------------

    def append_audit(
        self,
        *,
        at: dt.datetime,
        action: str,
        actor_account_id: int | None = None,
        subject_account_id: int | None = None,
        detail: dict[str, Any] | None = None,
        address: str | None = None,
    ) -> None:
        """Add a row chained to the one before. Appends are one at a time: on PostgreSQL under a
        transaction-scoped advisory lock, on SQLite as its single writer, so two processes
        cannot both chain to the same row."""
        row = {
            "at": at,
            "actor_account_id": actor_account_id,
            "action": action,
            "subject_account_id": subject_account_id,
            "detail": detail or {},
            "address": address,
        }
        with self._tx() as db:
            if db.dialect.name == "postgresql":
                db.execute(select(func.pg_advisory_xact_lock(_AUDIT_LOCK)))
            previous = db.execute(
                select(t.audit_log.c.hash).order_by(t.audit_log.c.id.desc()).limit(1)
            ).scalar()
            previous = previous or CHAIN_START
            db.execute(
                insert(t.audit_log).values(
                    **row, previous_hash=previous, hash=audit_hash(previous, row)
                )
            )

    def audit(self, subject_account_id: int | None = None) -> list[AuditRow]:
        """The log, oldest first; with a subject, the rows about that account."""
        query = select(t.audit_log).order_by(t.audit_log.c.id)
        if subject_account_id is not None:
            query = query.where(t.audit_log.c.subject_account_id == subject_account_id)
        with self.engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [_audit(r) for r in rows]


@dataclasses.dataclass(frozen=True)
class CareLinkRow:
    id: int
    person_account_id: int
    clinician_account_id: int
    asked_at: dt.datetime
    consent_version: str | None
    accepted_at: dt.datetime | None
    ended_at: dt.datetime | None
    person_email: str | None
    clinician_email: str | None


@dataclasses.dataclass(frozen=True)
class CareNoteRow:
    id: int
    written_at: dt.datetime
    text: str


class CareStore:
    """Care links and notes. Every read of a person's records by a clinician goes through
    `linked_person`, whose one query returns a person only under an accepted, unended link of
    that clinician: a check forgotten elsewhere finds nobody rather than someone else."""

    def __init__(self, store: Store) -> None:
        self.engine: Engine = store.engine
        self._tx = store._tx

    def _links(self) -> Any:
        person = t.accounts.alias("person")
        clinician = t.accounts.alias("clinician")
        links = t.care_links
        return select(
            links,
            person.c.email.label("person_email"),
            clinician.c.email.label("clinician_email"),
        ).select_from(
            links.join(person, person.c.id == links.c.person_account_id).join(
                clinician, clinician.c.id == links.c.clinician_account_id
            )
        )

    @staticmethod
    def _row(row: RowMapping) -> CareLinkRow:
        return CareLinkRow(**{f.name: row[f.name] for f in dataclasses.fields(CareLinkRow)})

    def open_link(self, person_account_id: int, clinician_account_id: int) -> int | None:
        links = t.care_links.c
        with self.engine.connect() as db:
            found = db.execute(
                select(links.id).where(
                    links.person_account_id == person_account_id,
                    links.clinician_account_id == clinician_account_id,
                    links.ended_at.is_(None),
                )
            ).scalar()
        return None if found is None else int(found)

    def ask(self, person_account_id: int, clinician_account_id: int, now: dt.datetime) -> int:
        with self._tx() as db:
            made = db.execute(
                insert(t.care_links)
                .values(
                    person_account_id=person_account_id,
                    clinician_account_id=clinician_account_id,
                    asked_at=now,
                )
                .returning(t.care_links.c.id)
            )
            return int(made.scalar_one())

    def links_of(self, account_id: int) -> list[CareLinkRow]:
        """The links the account is a side of, newest first."""
        links = t.care_links.c
        query = (
            self._links()
            .where(
                (links.person_account_id == account_id) | (links.clinician_account_id == account_id)
            )
            .order_by(links.id.desc())
        )
        with self.engine.connect() as db:
            return [self._row(r) for r in db.execute(query).mappings().all()]

    def links_in_organisation(self, organisation_id: int) -> list[CareLinkRow]:
        """Every link whose person belongs to the organisation, newest first."""
        links = t.care_links.c
        person = t.accounts.alias("member")
        query = (
            self._links()
            .join(person, person.c.id == links.person_account_id)
            .where(person.c.organisation_id == organisation_id)
            .order_by(links.id.desc())
        )
        with self.engine.connect() as db:
            return [self._row(r) for r in db.execute(query).mappings().all()]

    def end_in_organisation(
        self, link_id: int, organisation_id: int, by_account_id: int, now: dt.datetime
    ) -> CareLinkRow | None:
        """An administrator ends a link of their organisation's; None if it is not one or over."""
        if all(row.id != link_id for row in self.links_in_organisation(organisation_id)):
            return None
        links = t.care_links.c
        with self._tx() as db:
            done = db.execute(
                update(t.care_links)
                .where(links.id == link_id, links.ended_at.is_(None))
                .values(ended_at=now, ended_by=by_account_id)
            )
            if done.rowcount != 1:
                return None
            row = db.execute(self._links().where(links.id == link_id)).mappings().one()
        return self._row(row)

    def accept(self, link_id: int, person_account_id: int, version: str, now: dt.datetime) -> bool:
        links = t.care_links.c
        with self._tx() as db:
            done = db.execute(
                update(t.care_links)
                .where(
                    links.id == link_id,
                    links.person_account_id == person_account_id,
                    links.accepted_at.is_(None),
                    links.ended_at.is_(None),
                )
                .values(accepted_at=now, consent_version=version)
            )
        return done.rowcount == 1

    def end(self, link_id: int, by_account_id: int, now: dt.datetime) -> CareLinkRow | None:
        """End a link the account is a side of; the link, or None if it is not theirs or over."""
        links = t.care_links.c
        mine = (links.person_account_id == by_account_id) | (
            links.clinician_account_id == by_account_id
        )
        with self._tx() as db:
            done = db.execute(
                update(t.care_links)
                .where(links.id == link_id, mine, links.ended_at.is_(None))
                .values(ended_at=now, ended_by=by_account_id)
            )
            if done.rowcount != 1:
                return None
            row = db.execute(self._links().where(links.id == link_id)).mappings().one()
        return self._row(row)

    def linked_person(
        self, clinician_account_id: int, person_account_id: int
    ) -> tuple[int, int] | None:
        """(link id, person id) when this clinician holds an accepted, unended link to this
        person's account; else None."""
        links = t.care_links.c
        person = t.accounts.c
        with self.engine.connect() as db:
            found = db.execute(
                select(links.id, person.person_id)
                .select_from(t.care_links.join(t.accounts, person.id == links.person_account_id))
                .where(
                    links.clinician_account_id == clinician_account_id,
                    links.person_account_id == person_account_id,
                    links.accepted_at.is_not(None),
                    links.ended_at.is_(None),
                    person.person_id.is_not(None),
                )
            ).first()
        return None if found is None else (int(found[0]), int(found[1]))

    def add_note(self, link_id: int, text: str, now: dt.datetime) -> None:
        with self._tx() as db:
            db.execute(insert(t.care_notes).values(link_id=link_id, written_at=now, text=text))

    def notes(self, person_account_id: int) -> list[tuple[CareNoteRow, str | None]]:
        """Every note written for the person, newest first, with its clinician's e-mail."""
        notes, links = t.care_notes.c, t.care_links.c
        with self.engine.connect() as db:
            rows = db.execute(
                select(notes.id, notes.written_at, notes.text, t.accounts.c.email)
                .select_from(
                    t.care_notes.join(t.care_links, links.id == notes.link_id).join(
                        t.accounts, t.accounts.c.id == links.clinician_account_id
                    )
                )
                .where(links.person_account_id == person_account_id)
                .order_by(notes.id.desc())
            ).all()
        return [(CareNoteRow(int(r.id), r.written_at, str(r.text)), r.email) for r in rows]
