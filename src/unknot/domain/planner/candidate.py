"""A candidate: an exercise the person can do today, at a chosen version and dose, and the
shortest and longest time it can take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from unknot.domain.duration import REST_BETWEEN_SETS_S, dose_seconds
from unknot.domain.exercise import Alternative, Exercise
from unknot.domain.plan import Part
from unknot.domain.progression import Level
from unknot.domain.vocabulary import Phase

# Seconds to get into position or pick up equipment before an exercise.
TRANSITION_S: Final = (10, 30)
# Rest between strength sets: light band and dumbbell work for novices (ACSM 2009 position stand).
STRENGTH_REST_S: Final = (30, 90)


@dataclass
class Candidate:
    """An exercise the person can do today, at a chosen version and dose."""

    exercise: Exercise
    alternative: int
    level: Level
    level_index: int
    levels: int
    reasons: list[str]
    order: int
    """Catalog position, the last tie-break."""
    tiebreak: float = 0.0
    change: str | None = None
    """What is different from last time, in words."""
    part: Part = "programme"
    first_time: bool = False
    """Never done before: its dose may still be chosen freely within the range."""

    @property
    def block(self) -> Phase:
        return self.exercise.phase

    @property
    def chosen(self) -> Alternative:
        return self.exercise.alternatives[self.alternative]

    @property
    def sides(self) -> int:
        return 2 if self.exercise.alternative_per_side(self.chosen) else 1

    def seconds(self, rest_s: int, work_s: int | None = None) -> int:
        return dose_seconds(
            sets=self.level.sets,
            reps=self.level.reps,
            hold_s=self.level.hold_s,
            work_s=work_s if work_s is not None else self.level.work_s,
            rep_s=self.exercise.dosage.rep_s,
            sides=self.sides,
            directions=len(self.exercise.dosage.directions or ()),
            rest_s=rest_s,
        )

    @property
    def rest_range(self) -> tuple[int, int]:
        if self.block == "strength" and self.level.sets > 1:
            return STRENGTH_REST_S
        rest = REST_BETWEEN_SETS_S[self.block]
        return rest, rest

    @property
    def work_range(self) -> tuple[int, int] | None:
        work = self.exercise.dosage.work_s
        return (work[0], work[1]) if work is not None else None

    def span(self) -> tuple[int, int]:
        """Shortest and longest this exercise can take, its transition included."""
        rest_low, rest_high = self.rest_range
        work = self.work_range
        low = self.seconds(rest_low, work[0] if work else None) + TRANSITION_S[0]
        high = self.seconds(rest_high, work[1] if work else None) + TRANSITION_S[1]
        return low, high

    def needs_equipment(self) -> bool:
        return any(item not in {"chair", "wall", "doorway"} for item in self.chosen.equipment)
