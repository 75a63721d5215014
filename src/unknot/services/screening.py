"""Screening use cases: the questions, recording answers, readiness, clinician clearance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from unknot.clock import Clock, instant, today

if TYPE_CHECKING:
    from unknot.domain.screening import Question, Readiness, ScreeningResult
    from unknot.storage.repository import Store


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
) -> ScreeningResult:
    """Weigh and store a screening; raises UnansweredQuestions for a missing answer."""
    from unknot.domain.screening import ScreeningRecord, assess

    result = assess(answers)
    record = ScreeningRecord(taken_on=today(clock), result=result, pain=dict(pain))
    store.add_screening(person_id, record, dict(answers), instant(clock.now()))
    store.discard_unstarted_plans(person_id)  # its restrictions may change today's plan
    return result


def session_readiness(
    store: Store, person_id: int, clock: Clock, pain: Mapping[str, int]
) -> Readiness:
    """May a session start today, and with which restrictions?"""
    from unknot.domain.screening import readiness

    return readiness(store.latest_screening(person_id), today(clock), pain)


def record_clearance(store: Store, person_id: int, day: dt.date, note: str | None) -> bool:
    """The person records that a clinician has cleared them; False with no screening on record."""
    return store.record_clearance(person_id, day, note)
