"""What happened in past sessions, as far as planning needs it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from unknot.domain.exercise import Strict

PainScore = Annotated[int, Field(ge=0, le=10)]


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
    aggravating: frozenset[str] = frozenset()

    def last_outcome(self, exercise_ids: set[str]) -> ExerciseOutcome | None:
        """The most recent outcome of any of these exercises."""
        for session in reversed(self.sessions):
            for outcome in reversed(session.exercises):
                if outcome.exercise_id in exercise_ids:
                    return outcome
        return None
