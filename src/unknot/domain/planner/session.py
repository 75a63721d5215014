"""A session: one day's plan from a profile, a history, a date and a seed, or on a severe day
the short gentle routine instead."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Final

from unknot.domain.exercise import Exercise
from unknot.domain.history import History
from unknot.domain.pain import is_severe
from unknot.domain.plan import PlanImpossible, PlannedExercise, SessionPlan
from unknot.domain.planner.budget import fit, shortfall, spread
from unknot.domain.planner.candidate import TRANSITION_S, Candidate
from unknot.domain.planner.eligibility import (
    Exclusions,
    allowance_for,
    area_words,
    blocked,
    candidate_for_family,
    empty_block_message,
    families,
    left_out_notes,
    pick_alternative,
)
from unknot.domain.planner.priority import priorities
from unknot.domain.planner.warmup import SHORT_SESSION_MINUTES, choose_warmup
from unknot.domain.profile import Profile
from unknot.domain.progression import ladder, session_signal
from unknot.domain.vocabulary import Area, Phase, Position

BLOCK_ORDER: Final[tuple[Phase, ...]] = ("warmup", "dynamic", "strength", "static")
# Within a block, exercises run from standing down to the floor so people get up only once.
POSITION_ORDER: Final[dict[Position, int]] = {
    "moving": 0,
    "standing": 1,
    "seated": 2,
    "kneeling": 3,
    "all_fours": 4,
    "lying_front": 5,
    "lying_back": 6,
}
GENTLE_DAY_ADVICE: Final = (
    "Rest is fine today too. Get care the same day if the pain came with an injury, a fever, "
    "numbness or weakness; see a doctor or physiotherapist within a few days if it keeps waking "
    "you at night or stays this bad for three days."
)


def severe_areas(profile: Profile) -> list[str]:
    """Areas at a severe level today, worst first."""
    return [a for a in profile.painful_areas if is_severe(profile.pain_in(a))]


def build_gentle_day(
    catalog: Mapping[str, Exercise], profile: Profile, *, day: dt.date
) -> SessionPlan:
    """A severe day's short routine: only what moves within a pain-free range, supported and at
    low effort (the exercises marked `gentle_day`), one set each at the low end of the dose,
    whatever was asked for. A consensus of ours after the physiotherapist's review (issue 14).
    """
    worst = severe_areas(profile)[0]
    notes = [
        f"Your {area_words(worst)} pain is {profile.pain_in(worst)}/10 today, so there is no "
        "ordinary session: just a short, gentle routine. Move only within the range that does "
        "not hurt, and stop anything that makes the pain worse.",
        GENTLE_DAY_ADVICE,
    ]
    allowance = allowance_for(profile, [])
    exclusions = Exclusions()
    planned: list[PlannedExercise] = []
    for order, exercise in enumerate(catalog.values()):
        if exercise.gentle_day == "no" or exercise.variation_of is not None:
            continue
        ruled_out = blocked(exercise, replace(allowance, high_pain=frozenset()))
        picked = None if ruled_out else pick_alternative(exercise, allowance, exclusions)
        if picked is None:
            continue
        alternative, _version = picked
        level = replace(ladder(exercise)[0], sets=1)
        candidate = Candidate(
            exercise=exercise,
            alternative=alternative,
            level=level,
            level_index=0,
            levels=len(ladder(exercise)),
            reasons=["part of the gentle routine for a severe day: one easy set"],
            order=order,
        )
        rest = candidate.rest_range[0]
        planned.append(_planned(candidate, TRANSITION_S[0], rest, level.work_s))
    return _session_plan(day, profile, planned, notes, gentle_day=True)


def build_session(
    catalog: Mapping[str, Exercise],
    profile: Profile,
    history: History | None = None,
    *,
    day: dt.date,
    seed: int = 0,
    recent: Iterable[str] = (),
    rested_areas: Iterable[Area] = (),
) -> SessionPlan:
    """Plan one session. Raises PlanImpossible when nothing suitable fits at all.

    `recent` holds the exercises of the previous session, for variety; `rested_areas` the areas
    strengthened the day before, which get no strengthening today.
    """
    history = history or History()
    if severe_areas(profile):
        return build_gentle_day(catalog, profile, day=day)
    catalog = {k: e for k, e in catalog.items() if e.gentle_day != "only"}
    rested = frozenset(rested_areas)
    notes: list[str] = []
    allowance = allowance_for(profile, notes)
    exclusions = Exclusions()
    overall = session_signal(history)
    rng = random.Random(f"{seed}:{day.isoformat()}")
    candidates: dict[str, Candidate] = {}
    for order, (base, chain) in enumerate(families(catalog).items()):
        candidate = candidate_for_family(
            base, chain, catalog, allowance, history, overall, exclusions, order
        )
        if candidate is not None:
            candidate.tiebreak = rng.random()
            candidates[candidate.exercise.id] = candidate
    short = profile.minutes < SHORT_SESSION_MINUTES
    warmup = choose_warmup(
        {k: c for k, c in candidates.items() if c.block == "warmup"}, profile, notes
    )
    pool = [c for c in candidates.values() if c.block != "warmup"]
    if not pool:
        raise PlanImpossible(
            "No exercise fits this profile: "
            + "; ".join(sorted(set(exclusions.reasons.values()))[:3])
            + ". Allow more positions or equipment, or ask your clinician which movements are safe."
        )
    ordered = priorities(pool, profile, frozenset(recent), rested, short, notes)
    blocks: tuple[Phase, ...] = ("dynamic", "strength", "static")
    for block in blocks:
        if not any(c.block == block for c in pool) and not (
            block == "strength" and not allowance.strength_allowed
        ):
            notes.append(empty_block_message(block, exclusions))
    budget = profile.minutes * 60
    chosen, low, high = fit(warmup, ordered, rested, budget)
    timing = spread(chosen, low, high, min(budget, high))
    planned = [_planned(c, *t) for c, t in zip(chosen, timing, strict=True)]
    notes.extend(left_out_notes(catalog, exclusions))
    return _session_plan(day, profile, planned, notes, shortfall=shortfall(high, profile.minutes))


def _planned(candidate: Candidate, transition: int, rest: int, work: int | None) -> PlannedExercise:
    exercise = candidate.exercise
    alternative = candidate.chosen
    return PlannedExercise(
        exercise_id=exercise.id,
        name=exercise.name,
        block=exercise.phase,
        alternative=candidate.alternative,
        equipment=alternative.equipment,
        position=alternative.position,
        sets=candidate.level.sets,
        reps=candidate.level.reps,
        hold_s=candidate.level.hold_s,
        work_s=work,
        per_side=candidate.sides == 2,
        side_words=exercise.side_words if candidate.sides == 2 else None,
        directions=exercise.dosage.directions,
        direction_order=exercise.dosage.direction_order,
        rep_s=exercise.dosage.rep_s,
        rest_s=rest,
        transition_s=transition,
        duration_s=candidate.seconds(rest, work),
        level=candidate.level_index,
        levels=candidate.levels,
        reasons=tuple(candidate.reasons),
    )


def _session_plan(
    day: dt.date,
    profile: Profile,
    planned: list[PlannedExercise],
    notes: list[str],
    *,
    shortfall: str | None = None,
    gentle_day: bool = False,
) -> SessionPlan:
    """The plan, its exercises in block order and, within a block, from standing down."""
    planned.sort(key=lambda p: (BLOCK_ORDER.index(p.block), POSITION_ORDER[p.position]))
    return SessionPlan(
        day=day,
        minutes=profile.minutes,
        items=tuple(planned),
        total_s=sum(p.duration_s + p.transition_s for p in planned),
        notes=tuple(notes),
        shortfall=shortfall,
        gentle_day=gentle_day,
    )
