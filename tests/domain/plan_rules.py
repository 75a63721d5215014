"""The planner's rules, checked from the outside against a plan (issue 4).

Written independently of the planner's own code, so a property test compares two readings of
the rules rather than the planner with itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from unknot.domain.duration import REST_BETWEEN_SETS_S, exercise_duration_range
from unknot.domain.exercise import Exercise
from unknot.domain.plan import SessionPlan
from unknot.domain.planner import STRENGTH_REST_S, TRANSITION_S
from unknot.domain.profile import RESTRICTED_TAGS, Profile
from unknot.domain.vocabulary import AVOIDED_POSITIONS

BLOCKS = ["warmup", "dynamic", "strength", "static"]


def avoided_positions(profile: Profile) -> set[str]:
    avoided: set[str] = {p for a in profile.avoid_positions for p in AVOIDED_POSITIONS[a]}
    if "desk_breaks" in profile.goals and profile.minutes <= 10:
        avoided |= AVOIDED_POSITIONS["floor"]
    return avoided


def usable(exercise: Exercise, profile: Profile) -> bool:
    """Could this person do this exercise at all today?"""
    banned = {tag for r in profile.restrictions for tag in RESTRICTED_TAGS[r]}
    if profile.pain_in("neck") >= 7:
        banned |= {"prone_neck_extension", "neck_circling"}
    if exercise.setting != "home" or exercise.id in profile.avoid_exercises:
        return False
    if exercise.gentle_day == "only":
        return False
    if banned & set(exercise.contraindications):
        return False
    # Mobility only, or an area at 7/10 or more: of strengthening, only low-load work that is
    # also fit for a severe day (the supported chin tuck) stays.
    gentle = exercise.motor_control and exercise.gentle_day != "no"
    if (
        exercise.phase == "strength"
        and not gentle
        and (
            "mobility_only" in profile.restrictions
            or any(profile.pain_in(t) >= 7 for t in exercise.targets)
        )
    ):
        return False
    avoided = avoided_positions(profile)
    return any(
        set(alt.equipment) <= profile.equipment and alt.position not in avoided
        for alt in exercise.alternatives
    )


def family(exercise_id: str, catalog: Mapping[str, Exercise]) -> str:
    exercise = catalog[exercise_id]
    return exercise.variation_of or exercise.id


def violations(plan: SessionPlan, profile: Profile, catalog: Mapping[str, Exercise]) -> list[str]:
    """Every rule the plan breaks, in words; empty when it keeps them all."""
    severe = any(score >= 8 for score in profile.pain.values())
    if severe or plan.gentle_day:
        return gentle_day_violations(plan, profile, catalog, severe)
    found: list[str] = []
    budget = profile.minutes * 60
    items = plan.items
    if plan.total_s != sum(i.duration_s + i.transition_s for i in items):
        found.append("total is not the sum of its parts")
    if plan.total_s > budget:
        found.append(f"total {plan.total_s} s over the budget {budget} s")
    if plan.shortfall is None and plan.total_s < 0.9 * budget:
        found.append(f"total {plan.total_s} s under 90 % of {budget} s without a shortfall note")
    for part in ("warm_up", "programme"):
        order = [BLOCKS.index(i.block) for i in items if i.part == part]
        if order != sorted(order):
            found.append(f"blocks out of order in the {part}")
    ids = [i.exercise_id for i in items]
    if len(set(ids)) != len(ids):
        found.append("an exercise repeats")
    families = [family(i, catalog) for i in ids]
    if len(set(families)) != len(families):
        found.append("two versions of one movement")
    if profile.minutes <= 10 and any(i.block == "warmup" for i in items):
        found.append("cardio warm-up in a session of 10 minutes or less")
    avoided = avoided_positions(profile)
    for item in items:
        exercise = catalog[item.exercise_id]
        name = item.exercise_id
        if item.block != exercise.phase:
            found.append(f"{name} in the wrong block")
        if not usable(exercise, profile):
            found.append(f"{name} is not usable for this profile")
        alternative = exercise.alternatives[item.alternative]
        if alternative.equipment != item.equipment or alternative.position != item.position:
            found.append(f"{name} does not match its alternative")
        if not set(item.equipment) <= profile.equipment:
            found.append(f"{name} needs equipment the person lacks")
        if item.position in avoided:
            found.append(f"{name} is in an avoided position")
        dosage = exercise.dosage
        low, high = dosage.sets or (1, 1)
        if not low <= item.sets <= high:
            found.append(f"{name} sets {item.sets} outside {low}-{high}")
        if dosage.reps and not (item.reps and dosage.reps[0] <= item.reps <= dosage.reps[1]):
            found.append(f"{name} reps {item.reps} outside {dosage.reps}")
        if dosage.hold_s:
            top = min(dosage.hold_s[1] or 60, 60)
            if not (item.hold_s and min(dosage.hold_s[0], 60) <= item.hold_s <= top):
                found.append(f"{name} hold {item.hold_s} outside {dosage.hold_s} or over 60 s")
        if dosage.work_s and not (
            item.work_s and dosage.work_s[0] <= item.work_s <= dosage.work_s[1]
        ):
            found.append(f"{name} work {item.work_s} outside {dosage.work_s}")
        if not item.reasons and item.block != "warmup":
            found.append(f"{name} has no reason")
    found.extend(size_violations(plan, profile))
    return found


def most_exercises(minutes: int) -> tuple[int, int]:
    """The most programme exercises and warm-up stretches a session of this length may hold
    (issue 17): 10 minutes or less, 2-3 exercises and 1-2 dynamic stretches; up to 30, 3-4
    exercises and 2-3 stretches; above 30, at most 5; never more than 6."""
    if minutes <= 10:
        return 3, 2
    if minutes <= 30:
        return 4, 3
    return 5, 3


def size_violations(plan: SessionPlan, profile: Profile) -> list[str]:
    found: list[str] = []
    programme = [i for i in plan.items if i.part == "programme"]
    stretches = [i for i in plan.items if i.part == "warm_up" and i.block != "warmup"]
    most, most_stretches = most_exercises(profile.minutes)
    if len(programme) > min(most, 6):
        found.append(f"{len(programme)} programme exercises in {profile.minutes} minutes")
    if len(stretches) > most_stretches:
        found.append(f"{len(stretches)} warm-up stretches in {profile.minutes} minutes")
    if any(i.block == "warmup" and i.part != "warm_up" for i in plan.items):
        found.append("cardio outside the warm-up")
    parts = [i.part for i in plan.items]
    if parts != sorted(parts, key=lambda p: p != "warm_up"):
        found.append("warm-up after the programme")
    return found


def shortest_total(plan: SessionPlan) -> int:
    """The plan's total with every transition, strength rest and warm-up at its shortest."""
    total = 0
    for item in plan.items:
        rest_low = STRENGTH_REST_S[0] if item.block == "strength" and item.sets > 1 else item.rest_s
        work_low = item.work_s
        if item.work_s is not None:
            work_low = min(item.work_s, 120)  # no warm-up activity is shorter than 1 minute
        total += TRANSITION_S[0] + item.duration_s - (item.sets - 1) * (item.rest_s - rest_low)
        total -= (item.work_s or 0) - (work_low or 0)
    return total


def shortest_dose(exercise: Exercise) -> int:
    """A lower bound on the exercise's time in a plan: its catalog minimum at the shortest rest."""
    low = exercise_duration_range(exercise)[0]
    sets = exercise.dosage.sets[0] if exercise.dosage.sets else 1
    if exercise.phase == "strength":
        low -= (sets - 1) * (REST_BETWEEN_SETS_S["strength"] - STRENGTH_REST_S[0])
    return low + TRANSITION_S[0]


def gentle_day_violations(
    plan: SessionPlan, profile: Profile, catalog: Mapping[str, Exercise], severe: bool
) -> list[str]:
    """A severe day (pain 8/10 or more) has only the gentle routine: one easy set of each
    exercise marked for it that the person can do (issue 14)."""
    found: list[str] = []
    if severe != plan.gentle_day:
        found.append("a severe day without the gentle routine, or the routine on another day")
    for item in plan.items:
        exercise = catalog[item.exercise_id]
        if exercise.gentle_day == "no":
            found.append(f"{item.exercise_id} is not for a gentle day")
        if item.sets != 1:
            found.append(f"{item.exercise_id} has {item.sets} sets on a gentle day")
        banned = {tag for r in profile.restrictions for tag in RESTRICTED_TAGS[r]}
        if banned & set(exercise.contraindications):
            found.append(f"{item.exercise_id} is ruled out by a restriction")
    return found
