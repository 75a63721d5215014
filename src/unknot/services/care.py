"""Care links (issue 20): a clinician reaches a person's records only through a link the person
has accepted, with the consent text of its version; either side ends it at once. Every read of
the records by the clinician is in the audit log, and the person sees who looked."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel

from unknot.clock import instant
from unknot.services import errors
from unknot.services.accounts import Account
from unknot.services.progress import ProgressReport

if TYPE_CHECKING:
    from unknot.domain.screening import ScreeningRecord
    from unknot.services.application import Application
    from unknot.storage.accounts import CareLinkRow, CareStore

# The words a person agrees to; a new text gets a new version, and links keep the version
# their person accepted.
CONSENT_VERSION: Final = "2026-12-1"
CONSENT_TEXT: Final = (
    "While this link lasts, this clinician can see what you record in unknot: your screening "
    "answers and results, your pain check-ins, your sessions and your progress. They can write "
    "notes for you; they cannot change what you recorded. Every time they look, you can see it "
    "here. You can end the link at any moment, and they see nothing more from then on."
)
NOTE_MAX: Final = 4000


class CareLink(BaseModel):
    id: int
    person_email: str | None
    clinician_email: str | None
    person_account_id: int
    clinician_account_id: int
    asked_at: dt.datetime
    accepted_at: dt.datetime | None
    consent_version: str | None
    ended_at: dt.datetime | None

    @property
    def state(self) -> str:
        return "ended" if self.ended_at else "active" if self.accepted_at else "asked"


class CareNote(BaseModel):
    written_at: dt.datetime
    clinician_email: str | None
    text: str


class Looked(BaseModel):
    """One thing someone else did about a person's records, as the person reads it."""

    at: dt.datetime
    who: str
    what: str


LOOKED_WORDS: Final = {
    "read_records": "looked at your records",
    "care_note_written": "wrote you a note",
    "care_link_asked": "asked for a care link",
    "care_link_ended": "ended the care link",
    "invitation_sent": "invited you",
    "refused": "was refused your records",
}


class PersonRecords(BaseModel):
    """What a linked clinician sees of a person."""

    account_id: int
    email: str | None
    progress: ProgressReport
    screening: str | None
    """The latest screening's result, in words."""
    notes: list[CareNote]


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _screening_words(record: ScreeningRecord) -> str:
    """A screening as a clinician reads it: the result, the day, and what was found."""
    from unknot.domain.screening import TIER_TITLES

    result = record.result
    words = f"{TIER_TITLES[result.tier]} ({_day(record.taken_on)})"
    found = list(result.findings) or ([result.said()] if result.flagged else [])
    if record.cleared_on is not None:
        found.append(f"cleared by a clinician on {_day(record.cleared_on)}")
    return words + (": " + "; ".join(found) if found else "")


def _link(row: CareLinkRow) -> CareLink:
    return CareLink(
        id=row.id,
        person_email=row.person_email,
        clinician_email=row.clinician_email,
        person_account_id=row.person_account_id,
        clinician_account_id=row.clinician_account_id,
        asked_at=row.asked_at,
        accepted_at=row.accepted_at,
        consent_version=row.consent_version,
        ended_at=row.ended_at,
    )


class Care:
    """The care-link use cases of one application, each for the account that asks."""

    def __init__(self, app: Application) -> None:
        self.app = app

    @property
    def records(self) -> CareStore:
        from unknot.storage.accounts import CareStore

        return CareStore(self.app._store)

    def _now(self) -> dt.datetime:
        return instant(self.app.clock.now())

    def _audit(self, action: str, by: Account, subject: int, **detail: object) -> None:
        self.app.accounts().records.append_audit(
            at=self._now(),
            action=action,
            actor_account_id=by.id,
            subject_account_id=subject,
            detail=dict(detail),
        )

    def ask(self, clinician: Account, person_email: str) -> CareLink:
        """A clinician asks a person of their organisation for a link; the person decides.
        Raises AccountProblem naming what is wrong."""
        from unknot.services.accounts import normal_email

        if clinician.role != "clinician":
            raise errors.AccountProblem("Only a clinician asks for a care link.")
        row = self.app.accounts().records.account_by_email(normal_email(person_email))
        if row is None or row.organisation_id != clinician.organisation_id or row.role != "person":
            raise errors.AccountProblem(
                "Nobody doing the programme in your organisation has that e-mail address."
            )
        existing = self.records.open_link(row.id, clinician.id)
        link_id = existing or self.records.ask(row.id, clinician.id, self._now())
        if existing is None:
            self._audit("care_link_asked", clinician, row.id, link=link_id)
        return next(link for link in self.links(clinician) if link.id == link_id)

    def links(self, account: Account) -> list[CareLink]:
        """The links the account is a side of, newest first."""
        return [_link(row) for row in self.records.links_of(account.id)]

    def accept(self, person: Account, link_id: int, version: str) -> None:
        """The person accepts a clinician's link under the consent text of `version`, which
        must be the current one. Raises NotLinked for a link that is not theirs to accept."""
        if version != CONSENT_VERSION:
            raise errors.AccountProblem(
                "The consent text has changed since the page was opened: read it again."
            )
        if not self.records.accept(link_id, person.id, version, self._now()):
            raise errors.NotLinked("No such care link waits for you.")
        self._audit("care_link_accepted", person, person.id, link=link_id, consent=version)

    def end(self, by: Account, link_id: int) -> None:
        """Either side ends a link, at once. Raises NotLinked if it is not theirs or over."""
        ended = self.records.end(link_id, by.id, self._now())
        if ended is None:
            raise errors.NotLinked("No such care link is open for you.")
        self._audit("care_link_ended", by, ended.person_account_id, link=link_id)

    def organisation_links(self, admin: Account) -> list[CareLink]:
        """An administrator's view: every link of their organisation's people (who with whom,
        since when), never the records behind them."""
        if admin.role != "admin":
            raise errors.AccountProblem("Only an administrator sees the organisation's links.")
        return [_link(row) for row in self.records.links_in_organisation(admin.organisation_id)]

    def end_as_administrator(self, admin: Account, link_id: int) -> None:
        """An administrator ends a link of their organisation's (a clinician who left).
        Raises NotLinked if it is not one, or over."""
        if admin.role != "admin":
            raise errors.NotLinked("No such care link is open for you.")
        ended = self.records.end_in_organisation(
            link_id, admin.organisation_id, admin.id, self._now()
        )
        if ended is None:
            raise errors.NotLinked("No such care link of your organisation is open.")
        self._audit(
            "care_link_ended", admin, ended.person_account_id, link=link_id, ended_by_role="admin"
        )

    def _person(self, clinician: Account, person_account_id: int) -> tuple[int, int]:
        found = (
            self.records.linked_person(clinician.id, person_account_id)
            if clinician.role == "clinician"
            else None
        )
        if found is None:
            # 404, not 403: whether the account exists is not the caller's to know.
            self.app.accounts().records.append_audit(
                at=self._now(),
                action="refused",
                actor_account_id=clinician.id,
                subject_account_id=person_account_id,
                detail={"what": "person's records"},
            )
            raise errors.NotLinked("No person of yours has that number.")
        return found

    def person_records(self, clinician: Account, person_account_id: int) -> PersonRecords:
        """A linked person's records, read-only; the read is audited."""
        _link_id, person_id = self._person(clinician, person_account_id)
        you = self.app.acting_as(person_id)
        latest = you.latest_screening()
        row = self.app.accounts().records.account(person_account_id)
        self._audit("read_records", clinician, person_account_id, what="progress and screening")
        return PersonRecords(
            account_id=person_account_id,
            email=None if row is None else row.email,
            progress=you.progress_report(8),
            screening=None if latest is None else _screening_words(latest),
            notes=self.notes(person_account_id),
        )

    def write_note(self, clinician: Account, person_account_id: int, text: str) -> None:
        """A linked clinician's note for the person. Raises NotLinked or AccountProblem."""
        link_id, _person_id = self._person(clinician, person_account_id)
        cleaned = text.strip()
        if not 1 <= len(cleaned) <= NOTE_MAX:
            raise errors.AccountProblem(f"Write a note of 1 to {NOTE_MAX} characters.")
        self.records.add_note(link_id, cleaned, self._now())
        self._audit("care_note_written", clinician, person_account_id, link=link_id)

    def notes(self, person_account_id: int) -> list[CareNote]:
        return [
            CareNote(written_at=note.written_at, clinician_email=email, text=note.text)
            for note, email in self.records.notes(person_account_id)
        ]

    def who_looked(self, person: Account) -> list[Looked]:
        """Everything done about the person's records by anyone else, newest first."""
        accounts = self.app.accounts()
        emails = {a.id: a.email for a in accounts.members(person.organisation_id)}
        return [
            Looked(
                at=entry.at,
                who=emails.get(entry.actor_account_id) or "a deleted account",
                what=LOOKED_WORDS.get(entry.action, entry.action.replace("_", " ")),
            )
            for entry in reversed(accounts.audit(person.id))
            if entry.actor_account_id is not None and entry.actor_account_id != person.id
        ]
