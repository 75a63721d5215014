"""Progression: the dose ladder inside the catalog's ranges, and when to climb or step down.

Rules (clinical notes, "Pain during and after exercise"; pain-monitoring model, Silbernagel et al.,
Am J Sports Med 2007; strength progression, ACSM position stand 2009):
- pain during above 5/10, or next-morning pain 2+ points above the pre-session level → step down;
- pain at most 5/10 during and back to baseline by the next morning, two sessions running →
  progression allowed; a strength exercise then climbs only with 3+ repetitions in reserve;
- otherwise hold the dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from unknot.domain.exercise import Exercise
from unknot.domain.history import ExerciseOutcome, History, SessionOutcome
from unknot.domain.pain import pain_limit, too_much

Signal = Literal["progress", "hold", "step_down"]

# Holds climb in steps of this many seconds; nothing is held longer than the cap (the seed: static
# stretches over 60 s weaken muscles for a while).
HOLD_STEP_S: Final = 5
HOLD_CAP_S: Final = 60
REP_STEP: Final = 2
NEXT_MORNING_RISE: Final = 2
EASY_RESERVE: Final = 3


@dataclass(frozen=True, slots=True)
class Level:
    """One rung of an exercise's dose ladder."""

    sets: int
    reps: int | None
    hold_s: int | None
    work_s: int | None


def _steps(low: int, high: int, step: int) -> list[int]:
    values = list(range(low, high + 1, step))
    if values[-1] != high:
        values.append(high)
    return values


def ladder(exercise: Exercise) -> list[Level]:
    """Every dose the catalog allows, easiest first: reps climb first, then holds, then sets."""
    dosage = exercise.dosage
    sets = _steps(*dosage.sets, 1) if dosage.sets else [1]
    reps: list[int | None] = list(_steps(*dosage.reps, REP_STEP)) if dosage.reps else [None]
    holds: list[int | None] = [None]
    if dosage.hold_s is not None:
        low, high = dosage.hold_s
        top = min(high if high is not None else HOLD_CAP_S, HOLD_CAP_S)
        holds = list(_steps(min(low, HOLD_CAP_S), top, HOLD_STEP_S))
    work = dosage.work_s[0] if dosage.work_s else None
    return [Level(s, r, h, work) for s in sets for h in holds for r in reps]


def level_of(exercise: Exercise, outcome: ExerciseOutcome) -> int:
    """Where on the ladder a past outcome sat (the highest rung not above it)."""
    rungs = ladder(exercise)
    best = 0
    for index, rung in enumerate(rungs):
        if (
            rung.sets <= outcome.sets
            and (rung.reps or 0) <= (outcome.reps or 0)
            and (rung.hold_s or 0) <= (outcome.hold_s or 0)
        ):
            best = index
    return best


def _settled(session: SessionOutcome) -> bool:
    return (
        session.pain_during is not None
        and session.pain_before is not None
        and not too_much(session.pain_during, session.pain_before)
        and session.pain_next_morning is not None
        and session.pain_next_morning <= session.pain_before
    )


def session_signal(history: History) -> tuple[Signal, str]:
    """What the last sessions say about the next one, with the reason in words."""
    if not history.sessions:
        return "hold", "no sessions yet: starting at the low end of each range"
    last = history.sessions[-1]
    if last.pain_during is not None and too_much(last.pain_during, last.pain_before):
        limit = pain_limit(last.pain_before)
        return "step_down", (
            f"pain during the last session reached {last.pain_during}/10 (above {limit})"
        )
    if (
        last.pain_before is not None
        and last.pain_next_morning is not None
        and last.pain_next_morning >= last.pain_before + NEXT_MORNING_RISE
    ):
        return "step_down", (
            f"pain the next morning was {last.pain_next_morning}/10, "
            f"{last.pain_next_morning - last.pain_before} above the {last.pain_before}/10 before"
        )
    recent = history.sessions[-2:]
    if len(recent) == 2 and all(_settled(s) for s in recent):
        return "progress", "pain stayed within its limit and settled by the next morning twice"
    return "hold", "keeping the dose until two sessions in a row go well"


def exercise_signal(
    exercise: Exercise, outcome: ExerciseOutcome, overall: Signal
) -> tuple[Signal, str]:
    """The signal for one exercise: the session's, refined by how this exercise went."""
    # `stopped_for_pain` is the pain rule (domain.pain) applied to that session's start.
    if outcome.stopped_for_pain:
        return "step_down", "it hurt too much last time"
    if exercise.phase == "strength" and outcome.reps_in_reserve == 0:
        return "step_down", "last time you had no repetitions left in reserve"
    if overall != "progress":
        return overall, ""
    if not outcome.completed:
        return "hold", "not every set was done last time"
    if exercise.phase == "strength":
        if outcome.reps_in_reserve is None:
            return "hold", "no effort rating last time"
        if outcome.reps_in_reserve < EASY_RESERVE:
            return "hold", f"{outcome.reps_in_reserve} repetitions in reserve is the right effort"
    return "progress", ""
