"""Timelines: every planned second becomes a step, in the right order (issue 5)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings

from tests.conftest import examples
from tests.domain.programmes import plan_of
from tests.domain.test_planner import CATALOG, profiles
from unknot.domain.exercise import Exercise
from unknot.domain.plan import PlanImpossible
from unknot.domain.planner import build_session
from unknot.domain.profile import Profile
from unknot.domain.timeline import build_timeline

DAY = dt.date(2026, 11, 25)


@settings(max_examples=examples(300), deadline=None)
@given(profile=profiles(sorted(CATALOG)))
def test_timeline_seconds_match_the_plan(profile: Profile) -> None:
    try:
        plan = build_session(CATALOG, profile, day=DAY)
    except PlanImpossible:
        return
    timeline = build_timeline(plan)
    assert [s.index for s in timeline] == list(range(len(timeline)))
    total = sum(s.duration_s or 0 for s in timeline)
    assert abs(total - plan.total_s) < 1e-6
    for number, item in enumerate(plan.items):
        mine = [s for s in timeline if s.item_index == number]
        assert mine[0].kind == ("get_ready" if number == 0 else "transition")
        assert (
            abs(sum(s.duration_s or 0 for s in mine) - item.duration_s - item.transition_s) < 1e-6
        )
        assert sum(1 for s in mine if s.kind == "rest") == item.sets - 1
        # Each step says which version of its exercise is done (issue 18).
        assert {s.version for s in mine} == {item.alternative}
        if item.per_side:
            assert sum(1 for s in mine if s.kind == "switch_sides") == item.sets
            assert {s.side for s in mine if s.is_exercise} == {"left", "right"}


def test_directions_blocks_and_alternating(catalog: dict[str, Exercise]) -> None:
    plan = plan_of(catalog, ["cat-cow"], day=DAY, warm_up=["shoulder-roll"])
    timeline = build_timeline(plan)
    shoulder = [s for s in timeline if s.exercise_id == "shoulder-roll" and s.kind == "work"]
    assert [s.direction for s in shoulder[:2]] == ["backward", "forward"]
    cat_cow = [s for s in timeline if s.exercise_id == "cat-cow" and s.kind == "hold"]
    assert [s.direction for s in cat_cow[:4]] == ["round", "arch", "round", "arch"]
    assert len(cat_cow) == 5 * 2


def test_steps_carry_the_version_planned(catalog: dict[str, Exercise]) -> None:
    """With a chair and no foam roller, the thoracic extension is its chair version (1), and
    every one of its steps says so, for the player to show that version's figure."""
    plan = plan_of(catalog, ["thoracic-extension"], day=DAY)
    (item,) = [i for i in plan.items if i.exercise_id == "thoracic-extension"]
    assert item.alternative == 1
    steps = [s for s in build_timeline(plan) if s.exercise_id == "thoracic-extension"]
    assert steps
    assert {s.version for s in steps} == {1}
    # The seated position names the chair once.
    assert steps[0].detail == "Sitting on a chair."


def test_holds_and_self_paced_reps(catalog: dict[str, Exercise]) -> None:
    plan = plan_of(
        catalog,
        ["pec-stretch", "row"],
        day=DAY,
        profile=Profile(
            minutes=60, equipment=frozenset({"doorway", "resistance_band", "anchor_point"})
        ),
    )
    paced = build_timeline(plan)
    pec = [s for s in paced if s.exercise_id == "pec-stretch"]
    assert [s.kind for s in pec if s.kind in ("hold", "release")] == ["hold", "release"] * 3
    assert all(s.duration_s == 10 for s in pec if s.kind == "hold")
    own_pace = build_timeline(plan, paced=False)
    reps = [s for s in own_pace if s.kind == "work" and s.reps is not None]
    assert reps
    assert all(s.duration_s is None for s in reps)
    assert all("tap done" in s.detail for s in reps)


def test_every_shipped_per_side_exercise_says_each_sides_movement() -> None:
    """Issue 14: the player announced "left side" while the chair rotation's card and figure
    turned right, and "left side" meant the stretched side on one stretch and the turning
    direction on the next."""
    from unknot.figures.motion import per_side

    for exercise in CATALOG.values():
        if not per_side(exercise):
            continue
        assert exercise.side_words is not None, exercise.id
        first, second = exercise.side_words
        assert first != second
        # The second side is the first mirrored: left and right swap, nothing else changes.
        swapped = first.replace("left", "\0").replace("right", "left").replace("\0", "right")
        assert second == swapped, exercise.id


def test_the_player_says_which_way_to_turn_and_tilt() -> None:
    profile = Profile(minutes=60, equipment=frozenset({"chair", "wall", "doorway", "mat"}))
    for seed in range(8):
        plan = build_session(CATALOG, profile, day=DAY, seed=seed)
        if "chair-rotation" in {i.exercise_id for i in plan.items}:
            break
    else:
        raise AssertionError("no plan with the chair rotation")
    number = next(n for n, i in enumerate(plan.items) if i.exercise_id == "chair-rotation")
    steps = [s for s in build_timeline(plan) if s.item_index == number]
    holds = [s for s in steps if s.kind == "hold"]
    assert holds[0].side == "left"  # the frames as drawn: the figure turns right
    assert "turn to your right" in holds[0].title
    assert holds[0].announce.startswith("Turn to your right, and hold")
    assert "turn to your left" in holds[-1].title
    switch = next(s for s in steps if s.kind == "switch_sides")
    assert switch.announce == "Switch sides: turn to your left."
    assert all("left side" not in s.title and "right side" not in s.title for s in steps)
