"""How long a dose takes: one estimate shared by the catalog and the planner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from unknot.domain.vocabulary import Phase

if TYPE_CHECKING:
    from unknot.domain.exercise import Exercise

# Rest between sets, by phase: strength work takes the rest novices are usually given for light
# band and dumbbell sets; stretches only need a breath before the next set.
REST_BETWEEN_SETS_S: Final[dict[Phase, int]] = {
    "warmup": 0,
    "dynamic": 5,
    "strength": 45,
    "static": 5,
}
# Time to change to the other side before its first repetition.
SWITCH_SIDES_S: Final = 5


def dose_seconds(
    *,
    sets: int,
    reps: int | None,
    hold_s: int | None,
    work_s: int | None,
    rep_s: float,
    sides: int,
    directions: int,
    rest_s: int,
) -> int:
    """Seconds one dose takes, from its first movement to its last, rests between sets included."""
    one_way = float(work_s) if work_s is not None else (reps or 1) * (rep_s + (hold_s or 0))
    per_set = one_way * max(directions, 1) * sides + (SWITCH_SIDES_S if sides == 2 else 0)
    return round(sets * per_set + (sets - 1) * rest_s)


def exercise_duration_range(exercise: Exercise) -> tuple[int, int]:
    """Shortest and longest dose the catalog allows, over all alternatives."""
    dosage = exercise.dosage
    rest = REST_BETWEEN_SETS_S[exercise.phase]
    directions = len(dosage.directions or ())
    lows: list[int] = []
    highs: list[int] = []
    for alternative in exercise.alternatives:
        sides = 2 if exercise.alternative_per_side(alternative) else 1
        for pick in (0, 1):
            sets = dosage.sets[pick] if dosage.sets else 1
            reps = dosage.reps[pick] if dosage.reps else None
            hold = None
            if dosage.hold_s is not None:
                # "at least N seconds": the estimate uses N at both ends.
                hold = dosage.hold_s[pick] if dosage.hold_s[pick] is not None else dosage.hold_s[0]
            work = dosage.work_s[pick] if dosage.work_s else None
            seconds = dose_seconds(
                sets=sets,
                reps=reps,
                hold_s=hold,
                work_s=work,
                rep_s=dosage.rep_s,
                sides=sides,
                directions=directions,
                rest_s=rest,
            )
            (lows if pick == 0 else highs).append(seconds)
    return min(lows), max(highs)
