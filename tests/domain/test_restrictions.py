"""The restriction table and the clinical reasoning behind it (issue 14): one test per row, and
the cases the physiotherapist's review named."""

from __future__ import annotations

import datetime as dt

import pytest

from unknot.domain.exercise import Exercise
from unknot.domain.planner import build_session
from unknot.domain.profile import RESTRICTION_RULES, Profile, RestrictionRule

DAY = dt.date(2026, 11, 25)
ROOMY = frozenset({"chair", "wall", "doorway", "mat", "resistance_band", "anchor_point"})


def planned(catalog: dict[str, Exercise], profile: Profile) -> set[str]:
    ids: set[str] = set()
    for seed in range(6):  # several plans, so that a ruled-out exercise would have shown
        plan = build_session(catalog, profile, day=DAY, seed=seed)
        ids |= {i.exercise_id for i in plan.items}
    return ids


@pytest.mark.parametrize("rule", RESTRICTION_RULES, ids=lambda r: r.restriction)
def test_each_restriction_rules_out_its_movements(
    catalog: dict[str, Exercise], rule: RestrictionRule
) -> None:
    assert rule.source
    profile = Profile(minutes=60, equipment=ROOMY, restrictions=frozenset({rule.restriction}))
    ids = planned(catalog, profile)
    tagged = {e.id for e in catalog.values() if set(e.contraindications) & rule.rules_out}
    assert ids.isdisjoint(tagged)
    if rule.rules_out:
        assert tagged, f"no shipped exercise carries {sorted(rule.rules_out)}"


def test_osteoporosis_rules_out_a_loaded_bend_and_the_assisted_twist(
    catalog: dict[str, Exercise],
) -> None:
    from unknot.domain.screening import QUESTIONS, assess

    answers = {q.id: False for q in QUESTIONS if q.ask_if is None}
    result = assess({**answers, "osteoporosis_or_steroids": True})
    profile = Profile(minutes=60, equipment=ROOMY, restrictions=result.restrictions)
    ids = planned(catalog, profile)
    assert ids.isdisjoint({"chair-rotation", "cat-cow", "childs-pose", "knee-to-chest"})
    assert any(catalog[i].phase == "strength" for i in ids)  # strengthening is good for bones


def test_neck_pain_of_seven_rules_out_prone_lifts_but_keeps_chin_tucks(
    catalog: dict[str, Exercise],
) -> None:
    profile = Profile(minutes=60, equipment=ROOMY, pain={"neck": 7})
    ids = planned(catalog, profile)
    assert ids.isdisjoint({"superman", "superman-hold", "back-extension"})
    assert "chin-tuck" in ids


def test_chin_tucks_stay_under_mobility_only(catalog: dict[str, Exercise]) -> None:
    profile = Profile(minutes=30, restrictions=frozenset({"mobility_only"}), pain={"neck": 5})
    ids = planned(catalog, profile)
    assert "chin-tuck" in ids
    assert not any(catalog[i].phase == "strength" and not catalog[i].motor_control for i in ids)


def test_arm_symptoms_leave_out_the_stretches_that_provoke_them(
    catalog: dict[str, Exercise],
) -> None:
    profile = Profile(
        minutes=60,
        equipment=ROOMY,
        pain={"neck": 5},
        restrictions=frozenset({"no_neck_circling", "no_arm_nerve_provocation"}),
    )
    ids = planned(catalog, profile)
    assert ids.isdisjoint(
        {"upper-trapezius-stretch", "levator-scapulae-stretch", "pec-stretch", "neck-roll"}
    )
    for exercise_id in ids:
        exercise = catalog[exercise_id]
        if "neck" in exercise.targets and exercise.phase in ("dynamic", "static"):
            assert "tingling" in " ".join(exercise.cautions).lower(), exercise_id


@pytest.mark.parametrize("score", [8, 9, 10])
def test_a_severe_day_gets_the_gentle_routine(catalog: dict[str, Exercise], score: int) -> None:
    """Issue 14: a neck at 10/10 got neck rolls "because you rated it 10/10", and at 8/10
    supermans and a levator stretch."""
    plan = build_session(catalog, Profile(minutes=30, pain={"neck": score}), day=DAY)
    ids = {i.exercise_id for i in plan.items}
    assert plan.gentle_day
    assert ids <= {"chin-tuck", "shoulder-roll", "easy-walk", "relaxed-breathing"}
    assert {"chin-tuck", "relaxed-breathing", "easy-walk"} <= ids
    assert all(i.sets == 1 for i in plan.items)
    assert f"{score}/10 today" in plan.notes[0]
    assert "Rest is fine today too" in plan.notes[1]
    assert plan.total_s <= 15 * 60


def test_the_breathing_routine_is_for_gentle_days_only(catalog: dict[str, Exercise]) -> None:
    ids = planned(catalog, Profile(minutes=60, pain={"neck": 7}))
    assert "relaxed-breathing" not in ids
