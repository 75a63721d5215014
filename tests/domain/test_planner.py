"""The planner: properties over random profiles, and golden plans for typical people (issue 4)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import examples
from tests.domain.plan_rules import shortest_dose, usable, violations
from unknot.catalog.loader import validate_all
from unknot.domain.exercise import Exercise
from unknot.domain.history import ExerciseOutcome, History, SessionOutcome
from unknot.domain.plan import PlanImpossible, PlannedExercise
from unknot.domain.planner import build_session, build_week, session_days
from unknot.domain.profile import GOALS, RESTRICTIONS, Profile
from unknot.domain.vocabulary import ITEMS, PAIN_AREAS, POSITION_AVOIDANCES

DAY = dt.date(2026, 11, 25)
HOME_ITEMS = ("chair", "wall", "doorway")


@st.composite
def profiles(draw: st.DrawFn, exercise_ids: list[str]) -> Profile:
    return Profile(
        pain=draw(st.dictionaries(st.sampled_from(PAIN_AREAS), st.integers(0, 10), max_size=5)),
        equipment=frozenset(draw(st.sets(st.sampled_from(ITEMS)))),
        minutes=draw(st.integers(5, 60)),
        sessions_per_week=draw(st.integers(2, 7)),
        avoid_positions=frozenset(draw(st.sets(st.sampled_from(POSITION_AVOIDANCES)))),
        experience=draw(st.sampled_from(["new", "returning", "regular"])),
        avoid_exercises=frozenset(draw(st.sets(st.sampled_from(exercise_ids), max_size=4))),
        restrictions=frozenset(draw(st.sets(st.sampled_from(RESTRICTIONS), max_size=3))),
        goals=frozenset(draw(st.sets(st.sampled_from(GOALS), min_size=1))),
    )


PROPERTY_SETTINGS = settings(
    max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


CATALOG = {e.id: e for e in validate_all(None)}


@PROPERTY_SETTINGS
@given(
    profile=profiles(sorted(CATALOG)),
    seed=st.integers(0, 2**16),
    day=st.dates(dt.date(2025, 1, 1), dt.date(2030, 12, 31)),
)
def test_every_plan_keeps_every_rule(profile: Profile, seed: int, day: dt.date) -> None:
    catalog = CATALOG
    if any(score >= 8 for score in profile.pain.values()):
        # A severe day: the gentle routine, whatever else the profile allows (issue 14).
        gentle = build_session(catalog, profile, day=day, seed=seed)
        assert gentle.gentle_day
        assert violations(gentle, profile, catalog) == []
        return
    if not any(usable(e, profile) for e in catalog.values() if e.phase != "warmup"):
        with pytest.raises(PlanImpossible, match="No exercise fits"):
            build_session(catalog, profile, day=day, seed=seed)
        return
    plan = build_session(catalog, profile, day=day, seed=seed)
    assert violations(plan, profile, catalog) == []
    # New people start at the low end of every range.
    assert all(item.level == 0 for item in plan.items)
    # Same inputs, same plan.
    assert build_session(catalog, profile, day=day, seed=seed) == plan
    # Painful areas are eased first: the worst always, when a stretch for it fits the person
    # and the time; all of them once there is time for everything (45 minutes or more).
    planned = [catalog[i.exercise_id] for i in plan.items]
    budget = profile.minutes * 60 - (300 if profile.minutes >= 15 else 0)
    for rank, area in enumerate(profile.painful_areas):
        can = [
            e
            for e in catalog.values()
            if e.phase in ("dynamic", "static")
            and area in e.targets
            and usable(e, profile)
            and shortest_dose(e) <= budget
        ]
        if can and (rank == 0 or profile.minutes >= 45):
            assert any(area in e.targets and e.phase != "strength" for e in planned), area


@settings(max_examples=examples(300), deadline=None)
@given(profile=profiles(sorted(CATALOG)), seed=st.integers(0, 99))
def test_every_week_keeps_every_rule(profile: Profile, seed: int) -> None:
    catalog = CATALOG
    try:
        week = build_week(catalog, profile, start=DAY, seed=seed)
    except PlanImpossible:
        return
    assert len(week.days) == 7
    assert [d.day for d in week.days] == [DAY + dt.timedelta(days=n) for n in range(7)]
    sessions = [d.session for d in week.days if d.session is not None]
    assert len(sessions) == profile.sessions_per_week
    for session in sessions:
        assert violations(session, profile, catalog) == []
    session_offsets = [n for n, d in enumerate(week.days) if d.session is not None]
    if profile.sessions_per_week <= 4:
        assert all(b - a > 1 for a, b in itertools.pairwise(session_offsets))


def test_session_days_spread_over_the_week() -> None:
    assert session_days(2) == [0, 3]
    assert session_days(3) == [0, 2, 4]
    assert session_days(4) == [0, 2, 4, 6]
    assert len(session_days(5)) == 5
    assert session_days(7) == list(range(7))


def items_by_id(catalog: dict[str, Exercise], profile: Profile) -> dict[str, PlannedExercise]:
    plan = build_session(catalog, profile, day=DAY)
    assert violations(plan, profile, catalog) == []
    return {i.exercise_id: i for i in plan.items}


def test_golden_desk_worker_ten_minutes_no_equipment(catalog: dict[str, Exercise]) -> None:
    profile = Profile(minutes=10, goals=frozenset({"desk_breaks"}), pain={"neck": 3})
    plan = build_session(catalog, profile, day=DAY)
    assert 540 <= plan.total_s <= 600
    assert not any(i.block == "warmup" for i in plan.items)
    assert {i.position for i in plan.items} <= {"standing", "seated"}
    assert {i.block for i in plan.items} >= {"dynamic", "static"}
    assert any("neck, which you rated 3/10" in r for i in plan.items for r in i.reasons)
    assert any("no cardio warm-up" in n for n in plan.notes)


def test_golden_band_owner_thirty_minutes_neck_pain(catalog: dict[str, Exercise]) -> None:
    profile = Profile(
        minutes=30,
        pain={"neck": 6},
        equipment=frozenset({*HOME_ITEMS, "resistance_band", "anchor_point"}),
    )
    plan = build_session(catalog, profile, day=DAY)
    assert violations(plan, profile, catalog) == []
    assert 1620 <= plan.total_s <= 1800
    assert plan.items[0].block == "warmup"
    strength = [i for i in plan.items if i.block == "strength"]
    neck_strength = [i for i in strength if "neck" in catalog[i.exercise_id].targets]
    assert any(
        "strengthens your neck, which you rated 6/10" in r for i in neck_strength for r in i.reasons
    )
    mobility = [i for i in plan.items if i.block in ("dynamic", "static")]
    assert any("eases your neck, which you rated 6/10" in r for i in mobility for r in i.reasons)
    row = next(i for i in plan.items if i.exercise_id == "row")
    assert row.equipment == ("resistance_band", "anchor_point")
    assert "with a band, because you have no dumbbell" in row.reasons
    # Bodyweight and band work are mixed.
    kinds = {any(e in i.equipment for e in ("resistance_band", "dumbbell")) for i in strength}
    assert kinds == {True, False}


def test_golden_cannot_kneel_or_lie_down(catalog: dict[str, Exercise]) -> None:
    profile = Profile(minutes=20, avoid_positions=frozenset({"floor"}))
    items = items_by_id(catalog, profile)
    positions = {i.position for i in items.values()}
    assert positions.isdisjoint({"kneeling", "all_fours", "lying_back", "lying_front"})
    assert "childs-pose" not in items
    assert "cat-cow" not in items
    if "chin-tuck" in items:
        assert "seated, because you avoid floor" in items["chin-tuck"].reasons
    assert items["thoracic-extension"].position == "seated"


def test_golden_screening_restrictions(catalog: dict[str, Exercise]) -> None:
    profile = Profile(
        minutes=15,
        pain={"neck": 5},
        restrictions=frozenset(
            {"no_neck_circling", "no_end_range_spinal_flexion", "mobility_only"}
        ),
    )
    plan = build_session(catalog, profile, day=DAY)
    assert violations(plan, profile, catalog) == []
    ids = {i.exercise_id for i in plan.items}
    assert ids.isdisjoint({"neck-roll", "cat-cow", "knee-to-chest", "childs-pose"})
    # Only gentle motor control (the chin tuck) is left of strengthening (issue 14).
    strength = {i.exercise_id for i in plan.items if i.block == "strength"}
    assert all(catalog[e].motor_control for e in strength)
    assert "Neck roll left out: your screening rules out neck circling." in plan.notes
    assert any("Gentle mobility only" in n for n in plan.notes)


def test_high_pain_drops_strengthening_for_that_area(catalog: dict[str, Exercise]) -> None:
    profile = Profile(minutes=30, pain={"neck": 7, "lower_back": 4})
    plan = build_session(catalog, profile, day=DAY)
    for item in plan.items:
        if item.block == "strength" and not catalog[item.exercise_id].motor_control:
            assert "neck" not in catalog[item.exercise_id].targets
    assert any(
        "neck" in catalog[i.exercise_id].targets for i in plan.items if i.block != "strength"
    )
    assert any("No strengthening for your neck today" in n for n in plan.notes)


def test_five_minutes_is_a_valid_desk_break(catalog: dict[str, Exercise]) -> None:
    profile = Profile(minutes=5, goals=frozenset({"desk_breaks"}))
    plan = build_session(catalog, profile, day=DAY)
    assert 270 <= plan.total_s <= 300
    assert len(plan.items) >= 3
    assert {i.position for i in plan.items} <= {"standing", "seated"}


def test_sixty_minutes_never_repeats_and_reports_a_shortfall(catalog: dict[str, Exercise]) -> None:
    profile = Profile(minutes=60, equipment=frozenset(), avoid_positions=frozenset({"floor"}))
    plan = build_session(catalog, profile, day=DAY)
    assert violations(plan, profile, catalog) == []
    assert plan.shortfall is not None
    assert "shorter rather than repeating" in plan.shortfall


def test_impossible_request_says_what_to_change(catalog: dict[str, Exercise]) -> None:
    profile = Profile(
        equipment=frozenset(), avoid_positions=frozenset({"floor", "standing"}), minutes=20
    )
    with pytest.raises(PlanImpossible, match="No exercise fits this profile") as caught:
        build_session(catalog, profile, day=DAY)
    assert "chair" in str(caught.value)


def test_empty_strength_block_gets_a_specific_message(catalog: dict[str, Exercise]) -> None:
    profile = Profile(
        equipment=frozenset({"chair"}),
        avoid_positions=frozenset({"floor", "standing"}),
        minutes=20,
        # The neck exercises done in a chair (the chin tuck, its harder reclined version and
        # the isometric neck extension) are left out, so no strengthening fits.
        avoid_exercises=frozenset(
            {"chin-tuck", "deep-neck-flexor-endurance", "isometric-neck-extension"}
        ),
    )
    plan = build_session(catalog, profile, day=DAY)
    message = next(n for n in plan.notes if n.startswith("No strengthening exercise fits"))
    assert "allow" in message
    assert "add" in message


def outcome_session(
    day: int, *outcomes: ExerciseOutcome, before: int = 4, during: int = 3, after: int = 4
) -> SessionOutcome:
    return SessionOutcome(
        day=DAY - dt.timedelta(days=day),
        pain_before=before,
        pain_during=during,
        pain_next_morning=after,
        exercises=outcomes,
    )


def row_outcome(reps: int, sets: int = 2, reserve: int = 3, **extra: Any) -> ExerciseOutcome:
    return ExerciseOutcome(
        exercise_id="row",
        sets=sets,
        sets_done=sets,
        reps=reps,
        reps_in_reserve=reserve,
        **extra,
    )


BAND = Profile(minutes=30, equipment=frozenset({*HOME_ITEMS, "resistance_band", "anchor_point"}))


def planned_row(catalog: dict[str, Exercise], history: History) -> PlannedExercise:
    plan = build_session(catalog, BAND, history, day=DAY)
    assert violations(plan, BAND, catalog) == []
    return next(i for i in plan.items if i.exercise_id == "row")


def test_progression_reps_then_sets(catalog: dict[str, Exercise]) -> None:
    good = History(
        sessions=(outcome_session(4, row_outcome(8)), outcome_session(2, row_outcome(8)))
    )
    row = planned_row(catalog, good)
    assert (row.sets, row.reps) == (2, 10)
    assert any(r.startswith("a step up") for r in row.reasons)
    top = History(
        sessions=(outcome_session(4, row_outcome(12)), outcome_session(2, row_outcome(12)))
    )
    row = planned_row(catalog, top)
    assert (row.sets, row.reps) == (3, 8)


def test_right_effort_holds_the_dose(catalog: dict[str, Exercise]) -> None:
    steady = History(
        sessions=(
            outcome_session(4, row_outcome(10, reserve=2)),
            outcome_session(2, row_outcome(10, reserve=2)),
        )
    )
    row = planned_row(catalog, steady)
    assert (row.sets, row.reps) == (2, 10)


def test_next_morning_flare_steps_down(catalog: dict[str, Exercise]) -> None:
    flare = History(sessions=(outcome_session(2, row_outcome(10), before=3, after=5),))
    row = planned_row(catalog, flare)
    assert (row.sets, row.reps) == (2, 8)
    assert any("next morning was 5/10, 2 above" in r for r in row.reasons)


def test_top_of_range_moves_to_the_harder_version(catalog: dict[str, Exercise]) -> None:
    done = ExerciseOutcome(exercise_id="superman", sets=3, sets_done=3, reps=10, reps_in_reserve=4)
    history = History(sessions=(outcome_session(4, done), outcome_session(2, done)))
    plan = build_session(catalog, Profile(minutes=60), history, day=DAY)
    ids = {i.exercise_id for i in plan.items}
    assert "superman-hold" in ids
    assert "superman" not in ids
    hold = next(i for i in plan.items if i.exercise_id == "superman-hold")
    assert hold.level == 0


def test_a_mastered_chin_tuck_moves_on_to_the_head_lift(catalog: dict[str, Exercise]) -> None:
    """Issue 17: the chin tuck's whole range done well twice moves on to its harder step, the
    deep neck flexor endurance hold; that loaded hold gives way to the chin tuck again when
    the neck hurts 7/10 or more, and people who avoid the floor do it reclined in a chair."""
    done = ExerciseOutcome(
        exercise_id="chin-tuck", sets=1, sets_done=1, reps=10, hold_s=10, reps_in_reserve=4
    )
    history = History(sessions=(outcome_session(4, done), outcome_session(2, done)))

    def strength(profile: Profile) -> dict[str, PlannedExercise]:
        plan = build_session(catalog, profile, history, day=DAY)
        assert violations(plan, profile, catalog) == []
        return {i.exercise_id: i for i in plan.items if i.block == "strength"}

    moved = strength(Profile(minutes=30))
    assert "chin-tuck" not in moved
    endurance = moved["deep-neck-flexor-endurance"]
    assert (endurance.position, endurance.reps, endurance.hold_s) == ("lying_back", 5, 5)
    assert any(r.startswith("the harder version of Chin tuck") for r in endurance.reasons)

    sore = strength(Profile(minutes=30, pain={"neck": 7}))
    assert "deep-neck-flexor-endurance" not in sore
    assert any("your neck pain is 7/10 or more" in r for r in sore["chin-tuck"].reasons)
    assert "isometric-neck-extension" in sore  # gentle motor control stays

    seated = strength(Profile(minutes=20, avoid_positions=frozenset({"floor"})))
    reclined = seated["deep-neck-flexor-endurance"]
    assert reclined.position == "seated"
    assert "reclined in a chair, because you avoid floor" in reclined.reasons


def test_aggravating_exercise_uses_its_easier_version(catalog: dict[str, Exercise]) -> None:
    history = History(aggravating=frozenset({"superman", "wall-angel"}))
    plan = build_session(catalog, Profile(minutes=60), history, day=DAY)
    ids = {i.exercise_id for i in plan.items}
    assert "back-extension" in ids
    assert "superman" not in ids
    assert "wall-angel" not in ids  # no easier version: left out
    assert "Wall angel left out: it aggravated your pain last time." in plan.notes


def test_pain_above_five_during_an_exercise_steps_it_down(catalog: dict[str, Exercise]) -> None:
    hurt = row_outcome(10, pain_during=7, stopped_for_pain=True, completed=False)
    history = History(sessions=(outcome_session(2, hurt),))
    row = planned_row(catalog, history)
    assert (row.sets, row.reps) == (2, 8)


def test_mobility_only_never_progresses(catalog: dict[str, Exercise]) -> None:
    stretch = ExerciseOutcome(exercise_id="butterfly", sets=1, sets_done=1, reps=3, hold_s=10)
    history = History(sessions=(outcome_session(4, stretch), outcome_session(2, stretch)))
    profile = Profile(minutes=15, restrictions=frozenset({"mobility_only"}))
    plan = build_session(catalog, profile, history, day=DAY)
    butterfly = next(i for i in plan.items if i.exercise_id == "butterfly")
    assert (butterfly.reps, butterfly.hold_s) == (3, 10)
    freed = build_session(catalog, Profile(minutes=15), history, day=DAY)
    butterfly = next(i for i in freed.items if i.exercise_id == "butterfly")
    assert (butterfly.reps, butterfly.hold_s) == (5, 10)


def test_a_sign_waiting_for_a_clinician_holds_every_dose(catalog: dict[str, Exercise]) -> None:
    """Issue 14: a soon sign without "mobility only" (a history of cancer, say) keeps
    strengthening, but no dose rises until a clinician has seen the person."""
    done = ExerciseOutcome(exercise_id="superman", sets=3, sets_done=3, reps=10, reps_in_reserve=4)
    history = History(sessions=(outcome_session(4, done), outcome_session(2, done)))
    profile = Profile(minutes=60, restrictions=frozenset({"no_progression"}))
    plan = build_session(catalog, profile, history, day=DAY)
    ids = {i.exercise_id for i in plan.items}
    assert "superman" in ids
    assert "superman-hold" not in ids
    assert any(i.block == "strength" for i in plan.items)


def test_week_rests_strengthened_areas_the_next_day(catalog: dict[str, Exercise]) -> None:
    profile = Profile(minutes=30, sessions_per_week=7, pain={"upper_back": 5})
    week = build_week(catalog, profile, start=DAY)
    sessions = [d.session for d in week.days if d.session is not None]
    assert len(sessions) == 7
    floor = 0.9 * profile.minutes * 60
    for today, tomorrow in itertools.pairwise(sessions):
        trained = {catalog[i.exercise_id].targets[0] for i in today.items if i.block == "strength"}
        again = [
            i
            for i in tomorrow.items
            if i.block == "strength" and catalog[i.exercise_id].targets[0] in trained
        ]
        # Each repeat is needed: without it the session would fall short of its time.
        for item in again:
            assert tomorrow.total_s - item.duration_s - item.transition_s < floor, item.exercise_id
    first, second = sessions[0], sessions[1]
    assert [i.exercise_id for i in first.items] != [i.exercise_id for i in second.items]


def test_week_alternates_strength_when_time_allows(catalog: dict[str, Exercise]) -> None:
    profile = Profile(
        minutes=15,
        sessions_per_week=6,
        equipment=frozenset({*HOME_ITEMS, "resistance_band", "anchor_point", "dumbbell"}),
    )
    week = build_week(catalog, profile, start=DAY)
    days = [d.session for d in week.days]
    monday, tuesday = days[0], days[1]
    assert monday is not None
    assert tuesday is not None
    trained = {catalog[i.exercise_id].targets[0] for i in monday.items if i.block == "strength"}
    again = {catalog[i.exercise_id].targets[0] for i in tuesday.items if i.block == "strength"}
    assert trained
    assert not trained & again
