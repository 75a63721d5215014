"""Screening use cases: where the person stands, the questions, answers, clinician clearance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, Field

from unknot.clock import instant, today
from unknot.domain.profile import Profile
from unknot.domain.progress import LEVEL_MOMENTS
from unknot.domain.screening import (
    Question,
    Readiness,
    ScreeningRecord,
    ScreeningResult,
    Tier,
)
from unknot.services.acting import Acting
from unknot.services.catalog import Exercises
from unknot.services.errors import ClearanceProblem, MissingAnswers, UnknownCountry

# "I answered this by mistake" is offered on the result page, before the person leaves it; this
# long after the answers it is no longer a slip of the hand (issue 12).
MISTAKE_WITHIN = dt.timedelta(minutes=30)
# A session left unfinished longer than this is not offered for resuming.
RESUME_WITHIN = dt.timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class UnfinishedSession:
    """A session begun and not ended, recent enough to resume."""

    id: int
    started_at: dt.datetime
    steps_done: int
    steps_total: int
    next_step: int
    """The first step not yet recorded: where a resume starts."""


@dataclass(frozen=True)
class Situation:
    """Where the person stands before anything starts: profile, screening, what to resume."""

    profile: Profile
    """The stored profile, else the defaults (no equipment beyond the household's, 15 minutes)."""
    has_profile: bool
    readiness: Readiness
    resumable: UnfinishedSession | None
    pain: dict[str, int]
    """Pain now: today's latest before-session or any-time check-in, else the profile's."""
    emergency: str
    """The emergency number to tell this person."""

    @property
    def held_back(self) -> str | None:
        """Why sessions wait, with the standing advice (and the emergency number where it
        applies); None when a session may start. The one wording every interface shows."""
        if self.readiness.may_start:
            return None
        return self.readiness.explanation(self.emergency)


class ScreeningOutcome(ScreeningResult):
    """Answers weighed and stored: what they alone mean (the fields of the result), and what
    stands now, since a new "no" lowers no earlier warning."""

    id: int
    standing: ScreeningResult
    """What every screening on record means now."""
    standing_advice: str = Field(serialization_alias="advice")
    """What to do, for the standing result (`advice` in JSON)."""

    @property
    def result(self) -> ScreeningResult:
        """What these answers alone mean."""
        return ScreeningResult.model_validate(self.model_dump(include=RESULT_FIELDS))


RESULT_FIELDS = set(ScreeningResult.model_fields)


class LeftOutFile(BaseModel):
    """One of the person's own exercise files left out of the catalog, and why."""

    file: str
    field: str
    message: str


class Status(BaseModel):
    """Where the person stands, for an app: screening, profile, the session to resume."""

    needs_screening: bool
    may_start: bool
    reason: str
    explanation: str
    tier: Tier | None
    advice: str | None
    emergency_number: str
    has_profile: bool
    active_session: int | None
    left_out_exercises: list[LeftOutFile]
    """The person's own exercise files left out of the catalog, so an app can say so as the
    pages do."""


class Screening(Exercises, Acting):
    """The warning-sign screening, and what it allows."""

    def questions(self) -> tuple[Question, ...]:
        """The warning-sign questions, in the order they are asked."""
        from unknot.domain.screening import QUESTIONS

        return QUESTIONS

    def question_themes(self) -> tuple[tuple[str, tuple[Question, ...]], ...]:
        """The questions asked first (not follow-ups), under the form's headings."""
        from unknot.domain.screening import BY_ID, QUESTION_THEMES

        return tuple(
            (theme, tuple(BY_ID[name] for name in names)) for theme, names in QUESTION_THEMES
        )

    def situation(self, minutes: int | None = None) -> Situation:
        """Profile, screening, pain now and what to resume (`minutes` replaces the profile's
        session length for this once)."""
        store = self._store
        person = self.person_id
        stored = store.load_profile(person)
        profile = stored or Profile()
        if minutes is not None:
            profile = profile.model_copy(update={"minutes": minutes})
        readiness, pain = self.readiness_now()
        row = store.active_session(person)
        resumable = None
        # Too old to offer; it is marked abandoned when the next session starts, not here:
        # looking changes nothing (issue 12: no state changes on GET).
        if row is not None and instant(self.clock.now()) - row.started_at <= RESUME_WITHIN:
            resumable = UnfinishedSession(
                row.id, row.started_at, row.steps_done, row.steps_total, row.next_step
            )
        return Situation(
            profile, stored is not None, readiness, resumable, dict(pain), self.emergency()
        )

    def readiness_now(self) -> tuple[Readiness, dict[str, int]]:
        """The screening rules applied to the stored screenings and the pain now; and that pain
        (today's latest before-session or any-time check-in, else the profile's)."""
        from unknot.domain.screening import readiness

        day = today(self.clock)
        # The pain now is a level reading's (`LEVEL_MOMENTS`): after-session readings say what
        # the session did, and morning ones how it settled.
        records, pain = self._store.readiness_inputs(self.person_id, day, LEVEL_MOMENTS)
        return readiness(records, day, pain), pain

    def status(self) -> Status:
        """Where the person stands, as the API's status answers it."""
        now = self.situation()
        emergency = now.emergency
        standing = now.readiness.standing
        return Status(
            needs_screening=now.readiness.needs_screening,
            may_start=now.readiness.may_start,
            reason=now.readiness.reason,
            explanation=now.readiness.explanation(emergency),
            tier=standing.tier if standing else None,
            advice=standing.advice(emergency) if standing else None,
            emergency_number=emergency,
            has_profile=now.has_profile,
            active_session=now.resumable.id if now.resumable else None,
            left_out_exercises=[
                LeftOutFile(file=str(p.path), field=p.field, message=p.message)
                for p in self.catalog_problems()
            ],
        )

    def submit_screening(
        self, answers: Mapping[str, bool], country: str | None = None
    ) -> ScreeningOutcome:
        """Weigh and store a screening (and the country, which sets the emergency number the
        advice names); raises MissingAnswers for a question asked and not answered."""
        from unknot.domain.screening import (
            ScreeningRecord,
            UnansweredQuestions,
            asked,
            assess,
        )

        if country is not None:
            self.choose_country(country)
        try:
            result = assess(answers)
        except UnansweredQuestions as error:
            missing = [q.id for q in asked(answers) if q.id not in answers]
            raise MissingAnswers(str(error), missing) from None
        _, pain = self.readiness_now()
        record = ScreeningRecord(taken_on=today(self.clock), result=result, pain=dict(pain))
        store = self._store
        stored = store.add_screening(
            self.person_id, record, dict(answers), instant(self.clock.now())
        )
        store.discard_unstarted_plans(self.person_id)  # its restrictions may change the plan
        standing = self.current_standing() or result
        return ScreeningOutcome(
            **dict(result),
            id=stored,
            standing=standing,
            standing_advice=standing.advice(self.emergency()),
        )

    def choose_country(self, country: str) -> None:
        """Keep the country the person is in: it sets the emergency number unknot tells them to
        call (issue 14: the server's locale is not the person's country)."""
        from unknot.domain.screening import EMERGENCY_NUMBERS

        if country not in EMERGENCY_NUMBERS:
            raise UnknownCountry(
                f"country: {country!r} is not one unknot knows the emergency number of"
            )
        self._store.set_country(self.person_id, country)

    def country_to_offer(self, language: str | None) -> str | None:
        """The country a form offers: the one chosen before, else the language's (an
        Accept-Language header or a locale), if unknot knows its emergency number."""
        from unknot.domain.screening import COUNTRY_NAMES, country_of

        for country in (self.country(), country_of(language)):
            if country in COUNTRY_NAMES:
                return country
        return None

    def current_standing(self) -> ScreeningResult | None:
        """What the screenings on record mean now: a new "no" lowers no earlier warning."""
        from unknot.domain.screening import standing

        return standing(self._store.screenings(self.person_id))

    def latest_screening(self) -> ScreeningRecord | None:
        return self._store.latest_screening(self.person_id)

    def withdraw_screening(self, screening_id: int) -> dict[str, bool] | None:
        """Set just-given answers aside as a mistake (kept on record); the answers, or None if
        that screening can no longer be set aside."""
        store = self._store
        withdrawn = store.withdraw_screening(
            self.person_id, screening_id, instant(self.clock.now()), MISTAKE_WITHIN
        )
        if withdrawn is not None:
            store.discard_unstarted_plans(self.person_id)
        return withdrawn

    def record_clearance(self, day: dt.date, by: str | None, note: str | None) -> int:
        """Record that a clinician saw the person on `day` and cleared them to exercise.

        Clears every warning sign on record that the visit came after; raises ClearanceProblem
        when there is none, or when the visit was before the newest of them (a clinician must
        have seen the person about what that screening found). Returns how many it cleared.
        """
        store = self._store
        person = self.person_id
        records = store.screenings(person)
        if not records:
            raise ClearanceProblem(
                "there is no screening on record to clear; answer the warning-sign questions "
                "first (`unknot screen`)"
            )
        if day > today(self.clock):
            raise ClearanceProblem(
                f"{day.isoformat()} is in the future; give the day the clinician saw you"
            )
        waiting = [r for r in records if r.outstanding]
        if not waiting:
            raise ClearanceProblem(
                "no warning sign on record is waiting for a clinician's clearance"
            )
        newest = max(r.taken_on for r in waiting)
        if day < newest:
            raise ClearanceProblem(
                f"the screening of {newest.isoformat()} came after {day.isoformat()}: record "
                "the day a clinician saw you about it, on or after that day"
            )
        store.discard_unstarted_plans(person)  # the plan may widen again
        return store.record_clearance(
            person, [r.id for r in waiting if r.id is not None], day, by, note
        )
