"""What happened in past sessions, as far as planning needs it.

How far back the rules look: the planner takes the latest outcome of each exercise family
(`History.last_outcome`) and the exercises marked aggravating; `progression.session_signal`
reads the last two sessions; `progress.step_downs_in_a_row` counts back from the latest session
while each called for a step down. So a history of the latest `RECENT_SESSIONS` sessions and,
before them, each exercise's latest outcome plans exactly as the whole history does, and costs
the same at 1,000 sessions as at 10 (issue 16).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Final

from pydantic import Field

from unknot.domain.exercise import Strict
from unknot.domain.pain import too_much
from unknot.domain.plan import PlannedExercise

PainScore = Annotated[int, Field(ge=0, le=10)]

RECENT_SESSIONS: Final = 12
"""Sessions a bounded history keeps whole: more than the two `session_signal` reads, so the
count of step-downs in a row is exact up to twelve (four weeks at three a week); a longer run
counts as twelve, and the advice it gives (two or more) is the same."""


class ExerciseOutcome(Strict):
    """How one exercise went in one session."""

    exercise_id: str
    sets_done: Annotated[int, Field(ge=0)] = 0
    reps: Annotated[int, Field(ge=1)] | None = None
    """Repetitions per set as planned for that session."""
    hold_s: Annotated[int, Field(ge=1)] | None = None
    sets: Annotated[int, Field(ge=1)] = 1
    """Sets planned for that session."""
    completed: bool = True
    """Every planned set was done (not skipped, not stopped)."""
    stopped_for_pain: bool = False
    reps_in_reserve: Annotated[int, Field(ge=0, le=10)] | None = None
    """Effort after a strength exercise: how many more good repetitions were left (0, 1-2, 3+)."""
    pain_during: PainScore | None = None
    """Worst pain reported during this exercise, 0-10."""


class SessionOutcome(Strict):
    """One past session."""

    day: dt.date
    pain_before: PainScore | None = None
    """Worst pain before the session, 0-10."""
    pain_during: PainScore | None = None
    """Worst pain during the session, 0-10."""
    pain_next_morning: PainScore | None = None
    """Worst pain the next morning, 0-10."""
    exercises: tuple[ExerciseOutcome, ...] = ()


class History(Strict):
    """Past sessions, oldest first, and exercises marked as aggravating for this person."""

    sessions: tuple[SessionOutcome, ...] = ()
    """Every past session, or only the latest ones (then `earlier` holds what came before)."""
    aggravating: frozenset[str] = frozenset()
    earlier: tuple[ExerciseOutcome, ...] = ()
    """When `sessions` are only the latest: the latest outcome of each exercise done before
    them, oldest first, so that `last_outcome` answers as the whole history would."""

    def last_outcome(self, exercise_ids: set[str]) -> ExerciseOutcome | None:
        """The most recent outcome of any of these exercises."""
        for session in reversed(self.sessions):
            for outcome in reversed(session.exercises):
                if outcome.exercise_id in exercise_ids:
                    return outcome
        for outcome in reversed(self.earlier):
            if outcome.exercise_id in exercise_ids:
                return outcome
        return None

    def dose_since(self, exercise_ids: set[str]) -> dt.date | None:
        """The first day of the latest run of sessions that did one of these exercises at the
        dose it was last done at (same exercise, sets, repetitions and hold): when the dose last
        changed, as far back as the sessions kept whole reach (twelve sessions: more than a week
        at seven a week). None when none of them did these exercises."""
        since: dt.date | None = None
        dose: tuple[str, int, int | None, int | None] | None = None
        for session in reversed(self.sessions):
            outcome = next(
                (o for o in reversed(session.exercises) if o.exercise_id in exercise_ids), None
            )
            if outcome is None:
                continue
            this = (outcome.exercise_id, outcome.sets, outcome.reps, outcome.hold_s)
            if dose is None:
                dose = this
            elif this != dose:
                return since
            since = session.day
        return since


@dataclass(frozen=True, slots=True)
class RecordedSets:
    """What the recorded work and hold steps of one planned exercise add up to."""

    sets_done: int
    """Sets with at least one step done (not skipped)."""
    skipped: bool
    """Any of its steps skipped (a stop skips the rest)."""


def completed(item: PlannedExercise, recorded: RecordedSets) -> bool:
    """Every planned set was done: none of its steps skipped, and as many sets as planned."""
    return not recorded.skipped and recorded.sets_done == item.sets


def stopped_for_pain(reports: Iterable[tuple[str, int]], start: Mapping[str, int]) -> bool:
    """Whether pain reported during the exercise, (area, score) each, was too much for where
    that area started the session (the pain rule, `domain.pain`)."""
    return any(too_much(score, start.get(area)) for area, score in reports)


def exercise_outcome(
    item: PlannedExercise,
    recorded: RecordedSets,
    reports: Iterable[tuple[str, int]],
    start: Mapping[str, int],
    reserve: int | None,
) -> ExerciseOutcome:
    """How a planned exercise went: its recorded sets, the pain reported during it, each
    (area, score), judged against each area's pain at the session's start, and the effort
    answer (repetitions in reserve) when one was given."""
    reports = list(reports)
    return ExerciseOutcome(
        exercise_id=item.exercise_id,
        sets=item.sets,
        sets_done=recorded.sets_done,
        reps=item.reps,
        hold_s=item.hold_s,
        completed=completed(item, recorded),
        stopped_for_pain=stopped_for_pain(reports, start),
        reps_in_reserve=reserve,
        pain_during=max((score for _, score in reports), default=None),
    )
