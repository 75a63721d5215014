"""A planned session as a timeline of steps a player can count down, one at a time."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

from unknot.domain.duration import SWITCH_SIDES_S
from unknot.domain.plan import PlannedExercise, SessionPlan
from unknot.domain.vocabulary import Phase

StepKind = Literal["get_ready", "transition", "work", "hold", "release", "switch_sides", "rest"]
Side = Literal["left", "right"]
# Steps that are the exercise itself (the rest are the time around it).
EXERCISE_KINDS: Final[frozenset[str]] = frozenset({"work", "hold"})

POSITION_WORDS: Final[dict[str, str]] = {
    "standing": "standing",
    "seated": "sitting on a chair",
    "kneeling": "kneeling",
    "all_fours": "on hands and knees",
    "lying_back": "lying on your back",
    "lying_front": "lying on your front",
    "moving": "on the move",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One thing to do for a counted time, or until the person taps done."""

    index: int
    kind: StepKind
    item_index: int
    """Index of the planned exercise this step belongs to."""
    exercise_id: str
    version: int
    """Which version of the exercise is done: its index in the catalog entry's alternatives,
    the planned exercise's `alternative` (issue 18: the chair thoracic extension is 1), so a
    player can show that version's figure."""
    name: str
    block: Phase
    set_number: int
    sets: int
    side: Side | None
    """Which of the figure's two loops: "left" is the side its frames draw, "right" mirrored.
    People are told `side_label`, never this."""
    side_label: str | None
    """The side's movement in words ("turn to your right")."""
    direction: str | None
    reps: int | None
    hold_s: int | None
    duration_s: float | None
    """Seconds to count down; None means self-paced: the step ends when the person taps done."""
    title: str
    detail: str
    announce: str
    """What the voice says (and the captions show) as the step starts."""
    counter: str
    """Where the person is, as people count (issue 17): "Exercise 3 of 5 · set 2 of 3 · turn
    to your right"; the warm-up is one part, "Warm-up 2 of 4"."""

    @property
    def is_exercise(self) -> bool:
        return self.kind in EXERCISE_KINDS


def _words(value: str) -> str:
    return value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class _StepMaker:
    """Makes the steps of one planned exercise: numbers each in timeline order and fills in
    what all of them share."""

    numbers: Iterator[int]
    item_index: int
    item: PlannedExercise
    place: str = ""
    """The item's place in its part: "Exercise 3 of 5" or "Warm-up 2 of 4"."""

    def make(
        self,
        kind: StepKind,
        set_number: int,
        duration_s: float | None,
        title: str,
        detail: str,
        announce: str,
        *,
        side: Side | None = None,
        side_label: str | None = None,
        direction: str | None = None,
        reps: int | None = None,
        hold_s: int | None = None,
    ) -> Step:
        where = [self.place] if self.place else []
        if self.item.sets > 1:
            where.append(f"set {set_number} of {self.item.sets}")
        if side_label:
            where.append(side_label)
        return Step(
            counter=" · ".join(where),
            index=next(self.numbers),
            kind=kind,
            item_index=self.item_index,
            exercise_id=self.item.exercise_id,
            version=self.item.alternative,
            name=self.item.name,
            block=self.item.block,
            set_number=set_number,
            sets=self.item.sets,
            side=side,
            side_label=side_label,
            direction=direction,
            reps=reps,
            hold_s=hold_s,
            duration_s=duration_s,
            title=title,
            detail=detail,
            announce=announce,
        )


def _item_steps(maker: _StepMaker, first: bool, paced: bool) -> Iterator[Step]:
    """The steps of one planned exercise, in order."""
    item = maker.item
    where = POSITION_WORDS[item.position]
    # "Sitting on a chair" already names the chair: not "sitting on a chair, with chair".
    said = {"chair"} if item.position == "seated" else set()
    need = ", ".join(_words(e) for e in item.equipment if e not in said)
    setup = where + (f", with {need}" if need else "")
    yield maker.make(
        kind="get_ready" if first else "transition",
        set_number=1,
        duration_s=float(item.transition_s),
        title=f"Get ready: {item.name}",
        detail=setup.capitalize() + ".",
        announce=f"{'Get ready' if first else 'Next'}: {item.name}, {setup}.",
    )
    sides: list[Side | None] = ["left", "right"] if item.per_side else [None]
    directions: list[str | None] = list(item.directions) if item.directions else [None]
    for set_number in range(1, item.sets + 1):
        label = f"set {set_number} of {item.sets}" if item.sets > 1 else ""
        for side in sides:
            if side == "right":
                now = side_phrase(item, side)
                yield maker.make(
                    kind="switch_sides",
                    set_number=set_number,
                    side="right",
                    side_label=now,
                    duration_s=float(SWITCH_SIDES_S),
                    title="Switch sides",
                    detail=f"{item.name}: now {now}.",
                    announce=f"Switch sides: {now}.",
                )
            yield from _work(maker, set_number, label, side, directions, paced)
        if set_number < item.sets:
            yield maker.make(
                kind="rest",
                set_number=set_number,
                duration_s=float(item.rest_s),
                title="Rest",
                detail=f"Next: {item.name}, set {set_number + 1} of {item.sets}.",
                announce=f"Rest. Set {set_number + 1} next.",
            )


def side_phrase(item: PlannedExercise, side: Side) -> str:
    """One side's movement in words: the exercise's own (`side_words`: the first side is the
    one its figure draws), else the plain "left side" of files that give none."""
    if item.side_words is not None:
        return item.side_words[0 if side == "left" else 1]
    return f"{side} side"


def _hold_announcement(direction: str | None, side_words: str, hold_s: int) -> str:
    if direction:
        return f"{_words(direction).capitalize()}, {hold_s} seconds."
    if side_words:
        return f"{side_words[:1].upper()}{side_words[1:]}, and hold {hold_s} seconds."
    return f"Hold, {hold_s} seconds."


def _work(
    maker: _StepMaker,
    set_number: int,
    label: str,
    side: Side | None,
    directions: list[str | None],
    paced: bool,
) -> Iterator[Step]:
    item = maker.item
    side_words = side_phrase(item, side) if side else ""
    heading = ", ".join(p for p in (item.name, label, side_words) if p)
    if item.work_s is not None:
        minutes = item.work_s / 60
        yield maker.make(
            kind="work",
            duration_s=float(item.work_s),
            title=heading,
            detail=f"Keep going for {minutes:.0f} minutes." if minutes >= 2 else "Keep going.",
            announce=f"{item.name}. Start.",
            set_number=set_number,
            side=side,
            side_label=side_words or None,
        )
        return
    if item.hold_s is not None:
        reps = item.reps or 1
        if item.direction_order == "alternating":
            order = [(r, d) for r in range(1, reps + 1) for d in directions]
        else:
            order = [(r, d) for d in directions for r in range(1, reps + 1)]
        for rep, direction in order:
            which = f" ({_words(direction)})" if direction else ""
            which_hold = f"hold {rep} of {reps}" if reps > 1 else "hold"
            yield maker.make(
                kind="hold",
                direction=direction,
                reps=1,
                hold_s=item.hold_s,
                duration_s=float(item.hold_s),
                title=f"{heading}: {which_hold}{which}",
                detail=f"Hold for {item.hold_s} seconds.",
                announce=_hold_announcement(direction, side_words, item.hold_s),
                set_number=set_number,
                side=side,
                side_label=side_words or None,
            )
            # Every hold ends with a release, the movement time the plan counts per repetition.
            yield maker.make(
                kind="release",
                direction=direction,
                duration_s=float(item.rep_s),
                title=f"{heading}: release",
                detail="Come out of it gently.",
                announce="And release.",
                set_number=set_number,
                side=side,
                side_label=side_words or None,
            )
        return
    reps = item.reps or 1
    groups = (
        [(None, reps * len(directions))]
        if item.direction_order == "alternating" or directions == [None]
        else [(d, reps) for d in directions]
    )
    for direction, count in groups:
        way = ""
        if direction:
            way = f" {_words(direction)}"
        elif item.directions:
            way = ", alternating " + " and ".join(_words(d) for d in item.directions)
        yield maker.make(
            kind="work",
            direction=direction,
            reps=reps,
            duration_s=count * item.rep_s if paced else None,
            title=f"{heading}: {reps} reps{way}",
            detail=(
                f"{reps} repetitions{way}, about {item.rep_s:g} seconds each."
                if paced
                else f"{reps} repetitions{way} at your own pace; tap done when finished."
            ),
            announce=f"{reps}{way}. Go.",
            set_number=set_number,
            side=side,
            side_label=side_words or None,
        )


def build_timeline(plan: SessionPlan, *, paced: bool = True) -> tuple[Step, ...]:
    """Every step of a session in order. `paced`: rep work is timed at the plan's tempo;
    otherwise it waits for the person to tap done."""
    numbers = itertools.count()
    return tuple(
        step
        for number, (item, place) in enumerate(zip(plan.items, places(plan), strict=True))
        for step in _item_steps(
            _StepMaker(numbers, number, item, place), first=number == 0, paced=paced
        )
    )


def places(plan: SessionPlan) -> list[str]:
    """Each planned exercise's place in its part: the warm-up counted as one part, then the
    programme's exercises."""
    warm_up = [i for i in plan.items if i.part == "warm_up"]
    programme = [i for i in plan.items if i.part != "warm_up"]
    found: list[str] = []
    for item in plan.items:
        if item.part == "warm_up":
            found.append(f"Warm-up {warm_up.index(item) + 1} of {len(warm_up)}")
        else:
            found.append(f"Exercise {programme.index(item) + 1} of {len(programme)}")
    return found
