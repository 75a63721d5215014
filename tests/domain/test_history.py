"""How one exercise went, from what its steps recorded; the latest outcome of an exercise
family, in the latest sessions or before them."""

from __future__ import annotations

import datetime as dt

from unknot.domain.exercise import Exercise
from unknot.domain.history import (
    ExerciseOutcome,
    History,
    RecordedSets,
    SessionOutcome,
    completed,
    exercise_outcome,
    stopped_for_pain,
)
from unknot.domain.planner import build_session
from unknot.domain.profile import Profile

DAY = dt.date(2026, 11, 25)


def test_completed_means_every_planned_set_and_no_step_skipped(
    catalog: dict[str, Exercise],
) -> None:
    item = build_session(catalog, Profile(), day=DAY).items[0]
    assert completed(item, RecordedSets(sets_done=item.sets, skipped=False))
    assert not completed(item, RecordedSets(sets_done=item.sets, skipped=True))
    assert not completed(item, RecordedSets(sets_done=item.sets - 1, skipped=False))


def test_stopped_for_pain_is_the_pain_rule_against_each_areas_start() -> None:
    # The limit is clamp(start + 2, 5, 7): 5 for an unknown start, 7 for a start of 6.
    assert not stopped_for_pain([], {"neck": 3})
    assert not stopped_for_pain([("neck", 5)], {})
    assert stopped_for_pain([("neck", 6)], {})
    assert not stopped_for_pain([("neck", 7)], {"neck": 6})
    assert stopped_for_pain([("neck", 7), ("upper_back", 6)], {"neck": 6})


def test_an_exercise_outcome_carries_the_plan_the_sets_and_the_worst_pain(
    catalog: dict[str, Exercise],
) -> None:
    item = build_session(catalog, Profile(), day=DAY).items[0]
    outcome = exercise_outcome(
        item, RecordedSets(item.sets, False), [("neck", 4), ("neck", 8)], {"neck": 6}, 2
    )
    assert outcome == ExerciseOutcome(
        exercise_id=item.exercise_id,
        sets=item.sets,
        sets_done=item.sets,
        reps=item.reps,
        hold_s=item.hold_s,
        completed=True,
        stopped_for_pain=True,
        reps_in_reserve=2,
        pain_during=8,
    )
    calm = exercise_outcome(item, RecordedSets(0, True), [], {}, None)
    assert calm.pain_during is None
    assert not calm.completed
    assert not calm.stopped_for_pain


def test_the_latest_sessions_answer_before_the_earlier_outcomes() -> None:
    old_row = ExerciseOutcome(exercise_id="row", sets_done=1)
    old_superman = ExerciseOutcome(exercise_id="superman", sets_done=2)
    new_superman = ExerciseOutcome(exercise_id="superman-hold", sets_done=3)
    history = History(
        sessions=(SessionOutcome(day=DAY, exercises=(new_superman,)),),
        earlier=(old_superman, old_row),
    )
    assert history.last_outcome({"row"}) == old_row
    assert history.last_outcome({"superman", "superman-hold"}) == new_superman
    assert history.last_outcome({"superman"}) == old_superman
    # Oldest first: of two earlier outcomes of a family, the later one.
    assert history.last_outcome({"row", "superman"}) == old_row
    assert history.last_outcome({"shrug"}) is None
