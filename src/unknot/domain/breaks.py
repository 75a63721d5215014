"""Desk breaks (issue 22): when to offer one, and which routine.

Pure. `step_breaks` is the companion's one source of its rules: readings of the computer's
idle time in, the new state and what to do out; transitions are data in `ANSWERS`. After a span
of active time at the computer it offers a break; idle long enough, a locked screen or a
suspend counts as a break taken and starts the span again; Later asks again after a shorter
span, Skip and Start after the full one.

The routine is exercise rather than rest alone: a Cochrane review found breaks by themselves may
not change musculoskeletal pain (Luger et al., Cochrane CD012886, 2019), so a break is one to
three minutes of the person's own low-load exercises that fit a desk: seated or standing,
nothing beyond a chair, a wall, a doorway or a band, no floor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from unknot.domain.exercise import Exercise
from unknot.domain.plan import PlannedExercise
from unknot.domain.profile import Profile
from unknot.domain.vocabulary import AVOIDED_POSITIONS

Answer = Literal["started", "later", "skipped"]

DESK_POSITIONS: Final = frozenset({"seated", "standing"})
DESK_ITEMS: Final = frozenset({"chair", "wall", "doorway", "resistance_band"})
SHORTEST_S: Final = 60
LONGEST_S: Final = 180
SET_UP_S: Final = 10
"""Getting into position for each exercise."""
# Strength (the chin tuck, the scapular squeeze) first: the point is exercise, then movement,
# then a stretch to finish.
ORDER: Final = {"strength": 0, "dynamic": 1, "static": 2}


class BreakRules(BaseModel):
    model_config = ConfigDict(frozen=True)

    every_s: float = 50 * 60
    """Active time at the computer before a break is offered."""
    rest_s: float = 5 * 60
    """Idle this long (or locked, or suspended) counts as a break taken."""
    later_s: float = 10 * 60
    """After Later, active time before it is offered again."""


class BreakState(BaseModel):
    model_config = ConfigDict(frozen=True)

    active_s: float = 0.0
    due_s: float | None = None
    """Active time at which the next offer comes; None: `every_s`."""
    offered: bool = False
    """An offer is showing and not yet answered."""
    resting: bool = False
    """Idle or locked now: the break is being taken."""
    locked_since: float | None = None
    """The monotonic reading when the screen was first seen locked, while it stays so."""
    last_monotonic: float | None = None
    last_wall: float | None = None


class Reading(BaseModel):
    """One look at the computer: its clocks, how long since the last input, and whether the
    screen is locked."""

    model_config = ConfigDict(frozen=True)

    monotonic: float
    wall: float
    idle_s: float
    locked: bool = False


class Offer(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["offer"] = "offer"


class BreakTaken(BaseModel):
    """Away from the computer long enough: a break, whether or not one was offered."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["taken"] = "taken"
    away_s: float


Effect = Offer | BreakTaken

ANSWERS: Final[Mapping[Answer, Literal["every", "later"]]] = {
    "started": "every",
    "skipped": "every",
    "later": "later",
}
"""What each answer to an offer sets as the next span of active time."""


def step_breaks(
    state: BreakState, reading: Reading, rules: BreakRules
) -> tuple[BreakState, tuple[Effect, ...]]:
    """The state after one reading, and what follows from it."""
    effects: list[Effect] = []
    elapsed = 0.0 if state.last_monotonic is None else reading.monotonic - state.last_monotonic
    walled = 0.0 if state.last_wall is None else reading.wall - state.last_wall
    # The monotonic clock stops while the computer sleeps; the wall clock does not.
    suspended_s = max(0.0, walled - elapsed)
    locked_since = (
        (state.locked_since if state.locked_since is not None else reading.monotonic)
        if reading.locked
        else None
    )
    # A lock counts once it has lasted as long as an idle spell would (a few seconds' lock to
    # fetch a coffee is no break).
    locked_s = 0.0 if locked_since is None else reading.monotonic - locked_since
    away = locked_s >= rules.rest_s or reading.idle_s >= rules.rest_s or suspended_s >= rules.rest_s
    updated = state.model_copy(
        update={
            "last_monotonic": reading.monotonic,
            "last_wall": reading.wall,
            "locked_since": locked_since,
        }
    )
    if away:
        if not state.resting:
            effects.append(BreakTaken(away_s=max(reading.idle_s, suspended_s, locked_s)))
        # A break taken answers any offer showing, and starts the span again.
        return updated.model_copy(
            update={"active_s": 0.0, "due_s": None, "offered": False, "resting": True}
        ), tuple(effects)
    # Locked, not yet for long: not at the computer, so not active time either.
    active = state.active_s + (0.0 if reading.locked else max(0.0, elapsed))
    updated = updated.model_copy(update={"active_s": active, "resting": False})
    if not state.offered and active >= (state.due_s or rules.every_s):
        effects.append(Offer())
        updated = updated.model_copy(update={"offered": True})
    return updated, tuple(effects)


def answer_break(state: BreakState, answer: Answer, rules: BreakRules) -> BreakState:
    """The state after the person answers an offer."""
    span = rules.later_s if ANSWERS[answer] == "later" else rules.every_s
    return state.model_copy(update={"active_s": 0.0, "due_s": span, "offered": False})


class BreakExercise(BaseModel):
    """One exercise of a break routine, at the person's own dose, one set."""

    model_config = ConfigDict(frozen=True)

    exercise_id: str
    name: str
    alternative: int
    position: str
    reps: int | None
    hold_s: int | None
    work_s: int | None
    per_side: bool
    seconds: int


class BreakRoutine(BaseModel):
    model_config = ConfigDict(frozen=True)

    exercises: tuple[BreakExercise, ...]

    @property
    def seconds(self) -> int:
        return sum(e.seconds for e in self.exercises)

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60))

    def words(self) -> str:
        return ", ".join(e.name for e in self.exercises)


def _desk_alternative(exercise: Exercise, profile: Profile) -> int | None:
    """The first version that fits a desk and the person: what they have at hand, in no
    position they avoid."""
    avoided = frozenset().union(*(AVOIDED_POSITIONS[a] for a in profile.avoid_positions))
    for index, alternative in enumerate(exercise.alternatives):
        if (
            alternative.position in DESK_POSITIONS - avoided
            and set(alternative.equipment) <= DESK_ITEMS & profile.equipment
        ):
            return index
    return None


def _seconds(item: PlannedExercise) -> int:
    sides = 2 if item.per_side else 1
    if item.work_s is not None:
        return SET_UP_S + item.work_s * sides
    per_rep = item.rep_s + (item.hold_s or 0)
    return SET_UP_S + round((item.reps or 1) * per_rep * sides)


def break_routine(
    planned: Iterable[PlannedExercise], catalog: Mapping[str, Exercise], profile: Profile
) -> BreakRoutine | None:
    """One to three minutes of the person's own planned exercises that fit a desk (one set
    each, at their dose), strength first; None when none of them does."""
    chosen: list[BreakExercise] = []
    total = 0
    candidates = sorted(
        (item for item in planned if item.block in ORDER and item.exercise_id in catalog),
        key=lambda item: ORDER[item.block],
    )
    for item in candidates:
        exercise = catalog[item.exercise_id]
        index = (
            item.alternative
            if item.position in DESK_POSITIONS and set(item.equipment) <= DESK_ITEMS
            else _desk_alternative(exercise, profile)
        )
        if index is None:
            continue
        seconds = _seconds(item)
        if total + seconds > LONGEST_S:
            continue
        chosen.append(
            BreakExercise(
                exercise_id=item.exercise_id,
                name=item.name,
                alternative=index,
                position=exercise.alternatives[index].position,
                reps=item.reps,
                hold_s=item.hold_s,
                work_s=item.work_s,
                per_side=item.per_side,
                seconds=seconds,
            )
        )
        total += seconds
        if total >= SHORTEST_S and len(chosen) >= 3:
            break
    return BreakRoutine(exercises=tuple(chosen)) if chosen else None
