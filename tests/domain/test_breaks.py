"""When a desk break is offered, what counts as one taken, and which routine (issue 22)."""

from __future__ import annotations

import datetime as dt

from unknot.domain.breaks import (
    DESK_ITEMS,
    DESK_POSITIONS,
    LONGEST_S,
    BreakRules,
    BreakState,
    BreakTaken,
    Effect,
    Offer,
    Reading,
    answer_break,
    break_routine,
    step_breaks,
)
from unknot.domain.exercise import Exercise
from unknot.domain.planner import build_session
from unknot.domain.profile import Profile

RULES = BreakRules(every_s=50 * 60, rest_s=5 * 60, later_s=10 * 60)


class Desk:
    """A computer's readings, a minute at a time unless told."""

    def __init__(self) -> None:
        self.state = BreakState()
        self.monotonic = 0.0
        self.wall = 1_800_000_000.0

    def minutes(self, count: int, idle_s: float = 0.0, locked: bool = False) -> list[Effect]:
        effects: list[Effect] = []
        for _ in range(count):
            self.monotonic += 60
            self.wall += 60
            reading = Reading(
                monotonic=self.monotonic, wall=self.wall, idle_s=idle_s, locked=locked
            )
            self.state, made = step_breaks(self.state, reading, RULES)
            effects += made
        return effects


def test_a_break_is_offered_after_the_span_of_active_time_and_once() -> None:
    desk = Desk()
    assert desk.minutes(1) == []  # the first reading only starts the count
    assert desk.minutes(49) == []
    assert desk.minutes(1) == [Offer()]
    assert desk.minutes(30) == []  # an offer showing is not repeated


def test_later_asks_again_sooner_and_skip_after_the_full_span() -> None:
    desk = Desk()
    desk.minutes(51)
    desk.state = answer_break(desk.state, "later", RULES)
    assert desk.minutes(9) == []
    assert desk.minutes(1) == [Offer()]
    desk.state = answer_break(desk.state, "skipped", RULES)
    assert desk.minutes(49) == []
    assert desk.minutes(1) == [Offer()]


def test_idle_locked_or_suspended_counts_as_a_break_and_starts_the_span_again() -> None:
    desk = Desk()
    desk.minutes(40)
    assert desk.minutes(1, idle_s=6 * 60) == [BreakTaken(away_s=360)]
    assert desk.minutes(3, idle_s=9 * 60) == []  # the same break, not three
    assert desk.minutes(49) == []
    assert desk.minutes(1) == [Offer()]

    locked = Desk()
    locked.minutes(45)
    # A lock counts once it has lasted the five minutes an idle spell would (from the first
    # reading that saw it).
    assert locked.minutes(5, locked=True) == []
    assert [e.kind for e in locked.minutes(1, locked=True)] == ["taken"]
    assert locked.minutes(49) == []

    brief = Desk()
    brief.minutes(45)
    assert brief.minutes(2, locked=True) == []  # a short lock is no break
    assert brief.minutes(5) == []  # the locked minutes were not active ones
    assert brief.minutes(1) == [Offer()]

    # Asleep for an hour: the wall clock moved on, the monotonic one did not.
    slept = Desk()
    slept.minutes(45)
    slept.wall += 3600
    assert slept.minutes(1) == [BreakTaken(away_s=3600)]
    assert slept.minutes(49) == []


def test_short_pauses_are_not_breaks() -> None:
    desk = Desk()
    desk.minutes(30)
    assert desk.minutes(20, idle_s=2 * 60) == []
    assert desk.minutes(1) == [Offer()]


def test_the_routine_is_the_persons_own_desk_exercises_for_one_to_three_minutes(
    catalog: dict[str, Exercise],
) -> None:
    for pain in ({"neck": 3}, {"upper_back": 6}, {}):
        profile = Profile(minutes=20, pain=pain)
        plan = build_session(catalog, profile, None, day=dt.date(2027, 3, 22))
        routine = break_routine(plan.items, catalog, profile)
        assert routine is not None
        planned = {item.exercise_id for item in plan.items}
        assert 0 < routine.seconds <= LONGEST_S
        for item in routine.exercises:
            assert item.exercise_id in planned
            alternative = catalog[item.exercise_id].alternatives[item.alternative]
            assert alternative.position in DESK_POSITIONS
            assert set(alternative.equipment) <= DESK_ITEMS
        # Exercise first: a strengthening exercise leads when the plan has one at a desk.
        assert catalog[routine.exercises[0].exercise_id].phase == "strength"


def test_another_version_is_only_one_the_person_can_do(catalog: dict[str, Exercise]) -> None:
    # Sitting avoided: no seated version is swapped in for one done lying down.
    profile = Profile(minutes=20, pain={"neck": 3})
    plan = build_session(catalog, profile, None, day=dt.date(2027, 3, 22))
    lying = [i for i in plan.items if i.position not in DESK_POSITIONS]
    no_seat = Profile(minutes=20, pain={"neck": 3}, equipment=frozenset({"wall"}))
    routine = break_routine(plan.items, catalog, no_seat)
    assert routine is not None
    for item in routine.exercises:
        planned = next(i for i in plan.items if i.exercise_id == item.exercise_id)
        if planned in lying:
            alternative = catalog[item.exercise_id].alternatives[item.alternative]
            assert set(alternative.equipment) <= {"wall"}
