"""A session: one day's plan from a profile, a history, a date and a seed, or on a severe day
the short gentle routine instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Final

from unknot.domain.exercise import Exercise
from unknot.domain.history import History
from unknot.domain.pain import is_severe
from unknot.domain.plan import PlanImpossible, PlannedExercise, SessionPlan
from unknot.domain.planner.budget import fit, lengthen, shortfall, spread
from unknot.domain.planner.candidate import TRANSITION_S, Candidate
from unknot.domain.planner.eligibility import (
    Allowance,
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
from unknot.domain.planner.programme import Ranking, area_list, keep_programme, loaded
from unknot.domain.planner.warmup import choose_warmup
from unknot.domain.profile import Profile
from unknot.domain.programme import PLACES, ROLE_BLOCK, Programme, Role, shape_for
from unknot.domain.progression import ladder, session_signal
from unknot.domain.vocabulary import Area, Phase, Position

ROLE_WORDS: Final[dict[Role, str]] = {
    "strength": "strengthening",
    "mobility": "mobility work",
    "stretch": "stretch",
}
# Loaded resistance work for the same muscles is this many days apart (ACSM 2009: 48 hours).
RECOVERY_DAYS: Final = 2

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


def loaded_areas(
    catalog: Mapping[str, Exercise], history: History, *, day: dt.date
) -> frozenset[Area]:
    """Areas given loaded resistance work less than 48 hours before `day` (the day before, or
    earlier the same day): every area the exercise lists, since a row works the neck and
    shoulders as well as the upper back (the physiotherapist's review, issue 17)."""
    areas: set[Area] = set()
    for session in history.sessions:
        if not dt.timedelta(0) <= day - session.day < dt.timedelta(days=RECOVERY_DAYS):
            continue
        for outcome in session.exercises:
            exercise = catalog.get(outcome.exercise_id)
            if (
                exercise is not None
                and outcome.sets_done > 0
                and exercise.phase == "strength"
                and not exercise.motor_control
            ):
                areas.update(exercise.targets)
    return frozenset(areas)


def _candidates(
    catalog: Mapping[str, Exercise],
    profile: Profile,
    history: History,
    day: dt.date,
    notes: list[str],
    exclusions: Exclusions,
) -> tuple[Allowance, dict[str, list[str]], dict[str, Candidate]]:
    """What the person may do today: the allowance, the catalog's families and, for each
    family they can do, its member, version and dose."""
    allowance = allowance_for(profile, notes)
    overall = session_signal(history)
    chains = families(catalog)
    by_family: dict[str, Candidate] = {}
    for order, (base, chain) in enumerate(chains.items()):
        candidate = candidate_for_family(
            base, chain, catalog, allowance, history, overall, exclusions, order, day
        )
        if candidate is not None:
            by_family[base] = candidate
    return allowance, chains, by_family


def candidates_for(
    catalog: Mapping[str, Exercise],
    profile: Profile,
    history: History | None,
    *,
    day: dt.date,
    started_on: dt.date,
    seed: int = 0,
) -> tuple[Ranking, dict[str, list[str]]]:
    """The ranking a programme begun on `started_on` chooses from today, and the families:
    what swaps choose from."""
    catalog = {k: e for k, e in catalog.items() if e.gentle_day != "only"}
    _allowance, chains, by_family = _candidates(
        catalog, profile, history or History(), day, [], Exclusions()
    )
    moving = {base: c for base, c in by_family.items() if c.block != "warmup"}
    return Ranking.of(moving, profile, started_on=started_on, seed=seed), chains


def build_session(
    catalog: Mapping[str, Exercise],
    profile: Profile,
    history: History | None = None,
    *,
    day: dt.date,
    seed: int = 0,
    programme: Programme | None = None,
    loaded: frozenset[Area] | None = None,
) -> SessionPlan:
    """Plan one session: the warm-up, then the programme (the stored one, kept as long as it
    can be, else a new one from today). Raises PlanImpossible when nothing suitable fits at all.

    `loaded` holds the areas given loaded work in the last 48 hours when the caller knows better
    than the history (a week planned ahead); they get low-load or other work today.
    """
    history = history or History()
    if severe_areas(profile):
        return build_gentle_day(catalog, profile, day=day)
    catalog = {k: e for k, e in catalog.items() if e.gentle_day != "only"}
    notes: list[str] = []
    exclusions = Exclusions()
    allowance, chains, by_family = _candidates(catalog, profile, history, day, notes, exclusions)
    moving = {base: c for base, c in by_family.items() if c.block != "warmup"}
    if not moving:
        raise PlanImpossible(
            "No exercise fits this profile: "
            + "; ".join(sorted(set(exclusions.reasons.values()))[:3])
            + ". Allow more positions or equipment, or ask your clinician which movements are safe."
        )
    started = programme.started_on if programme is not None and not programme.expired(day) else day
    ranking = Ranking.of(moving, profile, started_on=started, seed=seed)
    names = {e.id: e.name for e in catalog.values()}
    kept = keep_programme(programme, ranking, history, chains, names, exclusions.reasons, day=day)
    notes.extend(kept.notes)
    chosen_programme = kept.programme
    cardio = choose_warmup(
        {c.exercise.id: c for c in by_family.values() if c.block == "warmup"}, profile, notes
    )
    stretches = [moving[b] for b in chosen_programme.warm_up if b in moving]
    for stretch in stretches:
        stretch.part = "warm_up"
        # A warm-up stretch needs no word on its dose unless the dose changed.
        stretch.reasons = [
            f"warm-up: moves your {area_list(stretch.exercise.targets)}",
            *(r for r in stretch.reasons if not r.startswith(("first time", "keeping the dose"))),
        ]
    for part in cardio:
        part.part = "warm_up"
    rested = loaded if loaded is not None else loaded_areas(catalog, history, day=day)
    places = _places(chosen_programme, ranking, rested, notes)
    for block in {ROLE_BLOCK[role] for role, _aim in PLACES[shape_for(profile.minutes).exercises]}:
        if not any(c.block == block for c in moving.values()) and not (
            block == "strength" and not allowance.strength_allowed
        ):
            notes.append(empty_block_message(block, exclusions))
    budget = profile.minutes * 60
    ordered = [*cardio, *stretches[:1], *places, *stretches[1:]]
    chosen, low, high = fit(ordered, budget)
    low, high = lengthen(chosen, budget)
    left = [c for c in places if c not in chosen]
    if left:
        notes.append(
            "Not enough time today for "
            + " or ".join(c.exercise.name for c in left)
            + ": a longer session would fit them."
        )
    timing = spread(chosen, low, high, min(budget, high))
    planned = [_planned(c, *t) for c, t in zip(chosen, timing, strict=True)]
    notes.extend(left_out_notes(catalog, exclusions))
    return _session_plan(
        day,
        profile,
        planned,
        notes,
        shortfall=shortfall(high, profile.minutes),
        programme=chosen_programme,
    )


def _places(
    programme: Programme, ranking: Ranking, rested: frozenset[Area], notes: list[str]
) -> list[Candidate]:
    """The programme's places for today, in priority order. Loaded work whose muscles had it in
    the last 48 hours rests (ACSM 2009): another area's loaded work takes its place, else
    low-load motor control, else nothing; the note says what was planned instead."""
    places: list[Candidate] = []
    taken = set(programme.exercise_ids())
    for slot in programme.slots:
        candidate = ranking.by_family.get(slot.exercise_id)
        if candidate is None:
            continue
        worked = [a for a in candidate.exercise.targets if a in rested]
        if loaded(candidate) and worked:
            found = _resting_substitute(ranking, candidate, rested, taken)
            rest = (
                f"{candidate.exercise.name} rests today: your {area_words(worked[0])} had loaded "
                "work in the last 48 hours, and the same muscles get 48 hours to recover "
                "(ACSM 2009)."
            )
            if found is None:
                notes.append(f"{rest} It is back next session.")
                continue
            base, substitute = found
            taken.add(base)
            kind = (
                "low-load work that may be done daily"
                if not loaded(substitute)
                else f"loaded work for your {area_list(substitute.exercise.targets)} instead"
            )
            notes.append(f"{rest} Today: {substitute.exercise.name}, {kind}.")
            substitute.reasons.insert(
                0, f"in place of {candidate.exercise.name} today, which rests"
            )
            places.append(substitute)
            continue
        role = ROLE_WORDS[slot.role]
        if slot.role == "strength" and not loaded(candidate):
            role = "gentle, low-load muscle work"
        reason = f"your programme's {role} for your {area_list(candidate.exercise.targets)}"
        hurting = [a for a in ranking.profile.painful_areas if a in candidate.exercise.targets]
        if hurting:
            worst = hurting[0]
            reason += (
                f"; it works your {area_words(worst)}, which you rated "
                f"{ranking.profile.pain_in(worst)}/10"
            )
        candidate.reasons.insert(0, reason)
        places.append(candidate)
    return places


def _resting_substitute(
    ranking: Ranking, resting: Candidate, rested: frozenset[Area], taken: set[str]
) -> tuple[str, Candidate] | None:
    """What takes a resting exercise's place today, with its family: low-load work for the
    same areas first (a chin tuck while the head lift rests), then loaded work for areas that
    had none in the last 48 hours (issue 17: loaded days alternate between areas), then any
    low-load work."""
    areas = set(resting.exercise.targets)

    def preference(base: str) -> tuple[object, ...]:
        c = ranking.by_family[base]
        shares = bool(areas & set(c.exercise.targets))
        return (not loaded(c) and shares, loaded(c), *ranking.score(base, frozenset(), frozenset()))

    options = [
        base
        for base, c in ranking.by_family.items()
        if base not in taken
        and c.block == "strength"
        and (not loaded(c) or not set(c.exercise.targets) & rested)
    ]
    if not options:
        return None
    best = max(options, key=preference)
    return best, ranking.by_family[best]


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
        part=candidate.part,
        change=candidate.change,
    )


def _session_plan(
    day: dt.date,
    profile: Profile,
    planned: list[PlannedExercise],
    notes: list[str],
    *,
    shortfall: str | None = None,
    gentle_day: bool = False,
    programme: Programme | None = None,
) -> SessionPlan:
    """The plan: the warm-up, then the programme in block order and, within a block, from
    standing down."""
    planned.sort(
        key=lambda p: (
            p.part != "warm_up",
            BLOCK_ORDER.index(p.block),
            POSITION_ORDER[p.position],
        )
    )
    return SessionPlan(
        day=day,
        minutes=profile.minutes,
        items=tuple(planned),
        total_s=sum(p.duration_s + p.transition_s for p in planned),
        notes=tuple(notes),
        shortfall=shortfall,
        gentle_day=gentle_day,
        programme=programme,
    )
