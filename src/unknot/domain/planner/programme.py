"""Choosing and keeping a programme: which exercise fills each place, which dynamic stretches
warm up, and what changes when the person, their history or their time changes.

The choice ranks candidates by the pain in the areas they work, then the programme's focus (the
neck and upper back), then a tie-break drawn from the programme's start day, so the same person
on the same day always gets the same programme and a kept one never reshuffles.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from unknot.domain.history import History
from unknot.domain.planner.candidate import Candidate
from unknot.domain.planner.eligibility import area_words
from unknot.domain.profile import Profile
from unknot.domain.programme import (
    PLACES,
    ROLE_BLOCK,
    Aim,
    Programme,
    ProgrammeSlot,
    Role,
    shape_for,
)
from unknot.domain.progression import level_of
from unknot.domain.vocabulary import Area, Position

# The programme is for the neck and upper back; these areas lead when nothing hurts.
FOCUS_AREAS: Final[frozenset[Area]] = frozenset({"neck", "upper_back", "shoulders"})
# Warm-up stretches flow from one to the next standing or sitting: no getting down to the floor.
UPRIGHT: Final[frozenset[Position]] = frozenset({"standing", "seated", "moving"})
# The seed's warm-up names rolling the shoulders; it leads the warm-up stretches when it fits.
SEED_WARM_UP_STRETCH: Final = "shoulder-roll"
# The neck's first choice: the chin tuck family (craniocervical flexion; Jull et al. 2002).
NECK_FIRST: Final = "chin-tuck"
# When one role has nothing the person can do, its place goes to the next that has.
FALLBACK: Final[dict[Role, tuple[Role, ...]]] = {
    "strength": ("mobility", "stretch"),
    "mobility": ("stretch", "strength"),
    "stretch": ("mobility", "strength"),
}


def fits_aim(candidate: Candidate, aim: Aim) -> bool:
    targets = candidate.exercise.targets
    if aim == "neck":
        return targets[0] == "neck"
    if aim == "shoulder_blades":
        return targets[0] != "neck" and bool({"shoulders", "upper_back"} & set(targets))
    if aim == "spine":
        return targets[0] in {"upper_back", "mid_back"}
    return True


def loaded(candidate: Candidate) -> bool:
    """Resistance work that needs 48 hours before the same muscles are loaded again; low-load
    motor control may be done daily (clinical notes: ACSM 2009; Jull 2002; Andersen 2011)."""
    return candidate.block == "strength" and not candidate.exercise.motor_control


@dataclass
class Ranking:
    """Candidates by family, with the order they are preferred in for this programme."""

    by_family: dict[str, Candidate]
    profile: Profile
    tiebreak: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(
        cls, by_family: dict[str, Candidate], profile: Profile, *, started_on: dt.date, seed: int
    ) -> Ranking:
        rng = random.Random(f"{seed}:{started_on.isoformat()}")
        return cls(by_family, profile, {base: rng.random() for base in sorted(by_family)})

    def score(
        self, base: str, prefer: frozenset[str], avoid: frozenset[str], aim: Aim = "any"
    ) -> tuple[float, ...]:
        candidate = self.by_family[base]
        targets = candidate.exercise.targets
        pain = sum(self.profile.pain_in(t) for t in targets)
        focus = len(FOCUS_AREAS & set(targets))
        return (
            1 if base in prefer else 0,
            0 if base in avoid else 1,
            # The neck's place goes to low-load motor control first, craniocervical flexion
            # training before any other (Jull et al., Spine 2002), then loaded work such as
            # shrugs.
            1 if aim == "neck" and candidate.exercise.motor_control else 0,
            1 if aim == "neck" and base == NECK_FIRST else 0,
            pain + focus,
            self.tiebreak.get(base, 0.0),
            -candidate.order,
        )

    def best(
        self,
        role: Role,
        aim: Aim,
        taken: Iterable[str],
        *,
        prefer: frozenset[str] = frozenset(),
        avoid: frozenset[str] = frozenset(),
        upright: bool = False,
    ) -> str | None:
        """The family that best fills a place of this role and aim, not already taken."""
        block = ROLE_BLOCK[role]
        gone = set(taken)
        options = [
            base
            for base, c in self.by_family.items()
            if c.block == block
            and base not in gone
            and fits_aim(c, aim)
            and (not upright or c.chosen.position in UPRIGHT)
        ]
        if not options:
            return None
        return max(options, key=lambda base: self.score(base, prefer, avoid, aim))


def choose_programme(
    ranking: Ranking,
    *,
    started_on: dt.date,
    minutes: int,
    prefer: frozenset[str] = frozenset(),
    avoid: frozenset[str] = frozenset(),
) -> Programme:
    """A programme for `minutes`-long sessions: each place filled by the best family for it
    (those in `prefer` first, those in `avoid` last), then the warm-up stretches."""
    shape = shape_for(minutes)
    taken: list[str] = []
    seed_stretch = ranking.by_family.get(SEED_WARM_UP_STRETCH)
    # The seed's shoulder rolls belong to the warm-up; the mobility place goes to another.
    kept_for_warm_up = (
        [SEED_WARM_UP_STRETCH]
        if seed_stretch is not None and seed_stretch.chosen.position in UPRIGHT
        else []
    )
    slots: list[ProgrammeSlot] = []
    for role, aim in PLACES[shape.exercises]:
        slot = _fill(ranking, role, aim, [*taken, *kept_for_warm_up], prefer, avoid)
        if slot is None and kept_for_warm_up:
            slot = _fill(ranking, role, aim, taken, prefer, avoid)
        if slot is not None:
            slots.append(slot)
            taken.append(slot.exercise_id)
    warm_up = _warm_up(ranking, shape.warm_up_stretches, taken, prefer, avoid)
    return Programme(started_on=started_on, minutes=minutes, warm_up=warm_up, slots=tuple(slots))


def _fill(
    ranking: Ranking,
    role: Role,
    aim: Aim,
    taken: list[str],
    prefer: frozenset[str],
    avoid: frozenset[str],
) -> ProgrammeSlot | None:
    for attempt_role, attempt_aim in [
        (role, aim),
        (role, "any"),
        *((r, "any") for r in FALLBACK[role]),
    ]:
        base = ranking.best(attempt_role, attempt_aim, taken, prefer=prefer, avoid=avoid)
        if base is not None:
            return ProgrammeSlot(role=attempt_role, aim=attempt_aim, exercise_id=base)
    return None


def _warm_up(
    ranking: Ranking, count: int, taken: list[str], prefer: frozenset[str], avoid: frozenset[str]
) -> tuple[str, ...]:
    chosen: list[str] = []
    seed_stretch = ranking.by_family.get(SEED_WARM_UP_STRETCH)
    if (
        seed_stretch is not None
        and seed_stretch.chosen.position in UPRIGHT
        and count
        and SEED_WARM_UP_STRETCH not in taken
    ):
        chosen.append(SEED_WARM_UP_STRETCH)
    while len(chosen) < count:
        base = ranking.best(
            "mobility", "any", [*taken, *chosen], prefer=prefer, avoid=avoid, upright=True
        )
        if base is None:
            break
        chosen.append(base)
    return tuple(chosen)


@dataclass
class KeptProgramme:
    """The programme to plan with today, and what changed in it, in words."""

    programme: Programme
    notes: list[str]
    changed: bool


def keep_programme(
    stored: Programme | None,
    ranking: Ranking,
    history: History,
    chains: Mapping[str, list[str]],
    names: Mapping[str, str],
    reasons: Mapping[str, str],
    *,
    day: dt.date,
) -> KeptProgramme:
    """The stored programme, kept as long as it can be: a new one after three weeks (keeping
    its strength work, which has progressed, and rotating the rest for variety) or when the
    session length changes its size; a place refilled when its exercise can no longer be done
    or hurt at its easiest (issue 17: an exercise that hurt is dosed down or swapped)."""
    profile = ranking.profile
    # Families that hurt at their easiest come last in any new choice.
    hurt = frozenset(
        base
        for base in ranking.by_family
        if _why_replaced(base, ranking, history, chains, reasons) is not None
    )
    if stored is None:
        fresh = choose_programme(ranking, started_on=day, minutes=profile.minutes, avoid=hurt)
        return KeptProgramme(fresh, [], True)
    if stored.expired(day):
        strength = frozenset(s.exercise_id for s in stored.slots if s.role == "strength") - hurt
        rotated = frozenset(stored.exercise_ids()) - strength
        fresh = choose_programme(
            ranking,
            started_on=day,
            minutes=profile.minutes,
            prefer=strength,
            avoid=rotated | hurt,
        )
        return KeptProgramme(
            fresh,
            [
                "A new three-week programme starts today: your strengthening carries on where "
                "it was, and the stretches change for variety."
            ],
            True,
        )
    if shape_for(stored.minutes) != shape_for(profile.minutes):
        fresh = choose_programme(
            ranking,
            started_on=stored.started_on,
            minutes=profile.minutes,
            prefer=frozenset(stored.exercise_ids()) - hurt,
            avoid=hurt,
        )
        return KeptProgramme(
            fresh,
            [f"Your programme now fits {profile.minutes}-minute sessions."],
            fresh != stored,
        )
    notes: list[str] = []
    slots: list[ProgrammeSlot] = []
    taken = stored.exercise_ids()
    for slot in stored.slots:
        why = _why_replaced(slot.exercise_id, ranking, history, chains, reasons)
        if why is None:
            slots.append(slot)
            continue
        replacement = _fill(ranking, slot.role, slot.aim, taken, frozenset(), hurt)
        old = names.get(slot.exercise_id, slot.exercise_id)
        if replacement is None:
            notes.append(f"{old} is out of your programme: {why}.")
            continue
        taken.append(replacement.exercise_id)
        slots.append(replacement)
        notes.append(
            f"{names.get(replacement.exercise_id, replacement.exercise_id)} takes the place of "
            f"{old}: {why}."
        )
    warm_up = tuple(base for base in stored.warm_up if base in ranking.by_family)
    if len(warm_up) < len(stored.warm_up):
        extra = _warm_up(
            ranking,
            len(stored.warm_up) - len(warm_up),
            [*taken, *warm_up],
            frozenset(),
            frozenset(),
        )
        warm_up = (*warm_up, *extra)
    kept = stored.model_copy(update={"slots": tuple(slots), "warm_up": warm_up})
    return KeptProgramme(kept, notes, kept != stored)


def _why_replaced(
    base: str,
    ranking: Ranking,
    history: History,
    chains: Mapping[str, list[str]],
    reasons: Mapping[str, str],
) -> str | None:
    """Why a place's exercise cannot stay today, or None when it can."""
    if base not in ranking.by_family:
        chain = chains.get(base, [base])
        for member in chain:
            if member in reasons:
                return reasons[member]
        return "it no longer fits your profile"
    chain = chains.get(base, [base])
    outcome = history.last_outcome(set(chain))
    candidate = ranking.by_family[base]
    if (
        outcome is not None
        and outcome.stopped_for_pain
        and outcome.exercise_id == chain[0]
        and level_of(candidate.exercise, outcome) == 0
    ):
        return "it hurt last time even at its easiest"
    return None


def swap_choices(
    programme: Programme, ranking: Ranking, exercise_id: str, chains: Mapping[str, list[str]]
) -> list[str]:
    """Families that could take the place of `exercise_id` (a member of a programme family):
    the same block, an area in common, possible for the person today and not already in the
    programme, best first."""
    base = family_of(exercise_id, chains)
    current = ranking.by_family.get(base)
    if current is None:
        return []
    areas = set(current.exercise.targets)
    taken = set(programme.exercise_ids())
    found = [
        other
        for other, c in ranking.by_family.items()
        if other not in taken
        and c.block == current.block
        and areas & set(c.exercise.targets)
        and (base not in programme.warm_up or c.chosen.position in UPRIGHT)
    ]
    return sorted(found, key=lambda b: ranking.score(b, frozenset(), frozenset()), reverse=True)


def swap_in(
    programme: Programme, exercise_id: str, chosen: str, chains: Mapping[str, list[str]]
) -> Programme:
    """The programme with `chosen` in the place of `exercise_id`'s family; nothing else moves."""
    base = family_of(exercise_id, chains)
    warm_up = tuple(chosen if b == base else b for b in programme.warm_up)
    slots = tuple(
        s.model_copy(update={"exercise_id": chosen}) if s.exercise_id == base else s
        for s in programme.slots
    )
    return programme.model_copy(update={"warm_up": warm_up, "slots": slots})


def family_of(exercise_id: str, chains: Mapping[str, list[str]]) -> str:
    """The family base an exercise belongs to (itself for a base)."""
    if exercise_id in chains:
        return exercise_id
    for base, chain in chains.items():
        if exercise_id in chain:
            return base
    return exercise_id


def area_list(targets: Iterable[Area]) -> str:
    return " and ".join(area_words(t) for t in list(targets)[:2])
