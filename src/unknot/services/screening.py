"""Screening use cases: the questions, recording answers, readiness, clinician clearance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from unknot.clock import Clock, instant, today

if TYPE_CHECKING:
    from unknot.domain.screening import Question, ScreeningRecord, ScreeningResult
    from unknot.storage.repository import Store

# "I answered this by mistake" is offered on the result page, before the person leaves it; this
# long after the answers it is no longer a slip of the hand (issue 12).
MISTAKE_WITHIN = dt.timedelta(minutes=30)


class ClearanceProblem(ValueError):
    """A clearance that cannot be recorded; the message says why and what to do."""


def questions() -> tuple[Question, ...]:
    """The warning-sign questions, in the order they are asked."""
    from unknot.domain.screening import QUESTIONS

    return QUESTIONS


def submit_screening(
    store: Store,
    person_id: int,
    answers: Mapping[str, bool],
    clock: Clock,
    pain: Mapping[str, int],
) -> ScreeningRecord:
    """Weigh and store a screening; raises UnansweredQuestions for a missing answer."""
    from unknot.domain.screening import ScreeningRecord, assess

    result = assess(answers)
    record = ScreeningRecord(taken_on=today(clock), result=result, pain=dict(pain))
    stored = store.add_screening(person_id, record, dict(answers), instant(clock.now()))
    store.discard_unstarted_plans(person_id)  # its restrictions may change today's plan
    return record.model_copy(update={"id": stored})


def choose_country(store: Store, person_id: int, country: str) -> None:
    """Keep the country the person is in: it sets the emergency number unknot tells them to
    call (issue 14: the server's locale is not the person's country)."""
    from unknot.domain.screening import EMERGENCY_NUMBERS

    if country not in EMERGENCY_NUMBERS:
        raise ValueError(f"country: {country!r} is not one unknot knows the emergency number of")
    store.set_country(person_id, country)


def current_standing(store: Store, person_id: int) -> ScreeningResult | None:
    """What the screenings on record mean now: a new "no" lowers no earlier warning."""
    from unknot.domain.screening import standing

    return standing(store.screenings(person_id))


def withdraw_screening(
    store: Store, person_id: int, screening_id: int, clock: Clock
) -> dict[str, bool] | None:
    """Set just-given answers aside as a mistake (kept on record); the answers, or None if
    that screening can no longer be set aside."""
    withdrawn = store.withdraw_screening(
        person_id, screening_id, instant(clock.now()), MISTAKE_WITHIN
    )
    if withdrawn is not None:
        store.discard_unstarted_plans(person_id)
    return withdrawn


def record_clearance(
    store: Store,
    person_id: int,
    clock: Clock,
    day: dt.date,
    by: str | None,
    note: str | None,
) -> int:
    """Record that a clinician saw the person on `day` and cleared them to exercise.

    Clears every warning sign on record that the visit came after; raises ClearanceProblem when
    there is none, or when the visit was before the newest of them (a clinician must have seen
    the person about what that screening found). Returns how many screenings it cleared.
    """
    records = store.screenings(person_id)
    if not records:
        raise ClearanceProblem(
            "there is no screening on record to clear; answer the warning-sign questions first "
            "(`unknot screen`)"
        )
    if day > today(clock):
        raise ClearanceProblem(
            f"{day.isoformat()} is in the future; give the day the clinician saw you"
        )
    waiting = [r for r in records if r.outstanding]
    if not waiting:
        raise ClearanceProblem("no warning sign on record is waiting for a clinician's clearance")
    newest = max(r.taken_on for r in waiting)
    if day < newest:
        raise ClearanceProblem(
            f"the screening of {newest.isoformat()} came after {day.isoformat()}: record the "
            "day a clinician saw you about it, on or after that day"
        )
    store.discard_unstarted_plans(person_id)  # the plan may widen again
    return store.record_clearance(
        person_id, [r.id for r in waiting if r.id is not None], day, by, note
    )
