"""The planner: a session and a week from a profile, a history, a date and a seed.

Pure: the date and the random seed come in as arguments, so the same inputs always give the same
plan. The rules are those of the planner issue (#4); each planned exercise carries its reasons.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Final

from unknot.domain.duration import REST_BETWEEN_SETS_S, dose_seconds
from unknot.domain.exercise import Alternative, Exercise
from unknot.domain.history import History
from unknot.domain.plan import (
    PlanImpossible,
    PlannedDay,
    PlannedExercise,
    SessionPlan,
    WeekPlan,
)
from unknot.domain.profile import HIGH_PAIN, Profile
from unknot.domain.progression import (
    Level,
    Signal,
    exercise_signal,
    ladder,
    level_of,
    session_signal,
)
from unknot.domain.vocabulary import AVOIDED_POSITIONS, Area, Phase, Position

# Sessions shorter than this have no cardio warm-up: the dynamic block is the warm-up (issue 4).
SHORT_SESSION_MINUTES: Final = 15
# From this length the warm-up is 5-10 minutes of light cardio (the seed); shorter sessions use the
# seed's marching and knee-lift routine.
CARDIO_WARMUP_MINUTES: Final = 30
# Seconds to get into position or pick up equipment before an exercise.
TRANSITION_S: Final = (10, 30)
# Rest between strength sets: light band and dumbbell work for novices (ACSM 2009 position stand).
STRENGTH_REST_S: Final = (30, 90)
# The plan fills at least this share of the time asked for (issue 4: [budget - 10 %, budget]).
BUDGET_FLOOR: Final = 0.9
# The programme is for the neck and upper back; these areas lead when nothing hurts.
FOCUS_AREAS: Final[frozenset[Area]] = frozenset({"neck", "upper_back", "shoulders"})

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
READABLE: Final[dict[str, str]] = {
    "resistance_band": "a resistance band",
    "dumbbell": "a dumbbell",
    "foam_roller": "a foam roller",
    "anchor_point": "an anchor point for a band",
    "pull_up_bar": "a pull-up bar",
    "barbell": "a barbell",
    "bike": "an exercise bike",
    "chair": "a chair",
    "wall": "a wall",
    "doorway": "a doorway",
    "mat": "a mat",
}


def _area(area: str) -> str:
    return area.replace("_", " ")


@dataclass
class Candidate:
    """An exercise the person can do today, at a chosen version and dose."""

    exercise: Exercise
    alternative: int
    level: Level
    level_index: int
    levels: int
    reasons: list[str]
    order: int
    """Catalog position, the last tie-break."""
    tiebreak: float = 0.0

    @property
    def block(self) -> Phase:
        return self.exercise.phase

    @property
    def chosen(self) -> Alternative:
        return self.exercise.alternatives[self.alternative]

    @property
    def sides(self) -> int:
        return 2 if self.exercise.alternative_per_side(self.chosen) else 1

    def seconds(self, rest_s: int, work_s: int | None = None) -> int:
        return dose_seconds(
            sets=self.level.sets,
            reps=self.level.reps,
            hold_s=self.level.hold_s,
            work_s=work_s if work_s is not None else self.level.work_s,
            rep_s=self.exercise.dosage.rep_s,
            sides=self.sides,
            directions=len(self.exercise.dosage.directions or ()),
            rest_s=rest_s,
        )

    @property
    def rest_range(self) -> tuple[int, int]:
        if self.block == "strength" and self.level.sets > 1:
            return STRENGTH_REST_S
        rest = REST_BETWEEN_SETS_S[self.block]
        return rest, rest

    @property
    def work_range(self) -> tuple[int, int] | None:
        work = self.exercise.dosage.work_s
        return (work[0], work[1]) if work is not None else None

    def span(self) -> tuple[int, int]:
        """Shortest and longest this exercise can take, its transition included."""
        rest_low, rest_high = self.rest_range
        work = self.work_range
        low = self.seconds(rest_low, work[0] if work else None) + TRANSITION_S[0]
        high = self.seconds(rest_high, work[1] if work else None) + TRANSITION_S[1]
        return low, high

    def needs_equipment(self) -> bool:
        return any(item not in {"chair", "wall", "doorway"} for item in self.chosen.equipment)


@dataclass
class Exclusions:
    """Why exercises were left out, for notes and for specific "impossible" messages."""

    reasons: dict[str, str] = field(default_factory=dict)
    missing_items: dict[Phase, Counter[str]] = field(default_factory=dict)
    avoided_positions: dict[Phase, Counter[str]] = field(default_factory=dict)

    def add(self, exercise: Exercise, reason: str) -> None:
        self.reasons.setdefault(exercise.id, reason)


@dataclass(frozen=True)
class Setup:
    """What a profile allows, worked out once per session."""

    profile: Profile
    avoided: frozenset[Position]
    avoided_by: dict[Position, str]
    banned: frozenset[str]
    strength_allowed: bool
    high_pain: frozenset[Area]
    progression_allowed: bool = True


def _setup(profile: Profile, notes: list[str]) -> Setup:
    avoided: set[Position] = set()
    avoided_by: dict[Position, str] = {}
    for avoidance in sorted(profile.avoid_positions):
        for position in AVOIDED_POSITIONS[avoidance]:
            avoided.add(position)
            avoided_by.setdefault(position, avoidance)
    if "desk_breaks" in profile.goals and profile.minutes <= 10:
        for position in AVOIDED_POSITIONS["floor"]:
            if position not in avoided:
                avoided.add(position)
                avoided_by[position] = "desk break"
        notes.append("A desk break: only exercises done standing or in a chair.")
    high = frozenset(a for a, score in profile.pain.items() if score >= HIGH_PAIN)
    for area in sorted(high):
        notes.append(
            f"No strengthening for your {_area(area)} today: you rated it "
            f"{profile.pain_in(area)}/10 (7 or more), so it gets gentle mobility only."
        )
    mobility_only = "mobility_only" in profile.restrictions
    if mobility_only:
        notes.append(
            "Gentle mobility only: your screening advises seeing a clinician before "
            "strengthening or progressing."
        )
    return Setup(
        profile=profile,
        avoided=frozenset(avoided),
        avoided_by=avoided_by,
        banned=profile.banned_tags,
        strength_allowed=not mobility_only,
        high_pain=high,
        progression_allowed=not mobility_only and "no_progression" not in profile.restrictions,
    )


def _pick_alternative(
    exercise: Exercise, setup: Setup, exclusions: Exclusions
) -> tuple[int, str | None] | None:
    """The first alternative the person can do, with a reason when another was not possible."""
    usable: list[int] = []
    refused: list[str] = []
    for index, alternative in enumerate(exercise.alternatives):
        missing = [i for i in alternative.equipment if i not in setup.profile.equipment]
        if missing:
            exclusions.missing_items.setdefault(exercise.phase, Counter()).update(missing)
            refused.append(f"you have no {READABLE[missing[0]].split(' ', 1)[1]}")
            continue
        if alternative.position in setup.avoided:
            avoidance = setup.avoided_by[alternative.position]
            exclusions.avoided_positions.setdefault(exercise.phase, Counter()).update([avoidance])
            refused.append(
                "this is a desk break" if avoidance == "desk break" else f"you avoid {avoidance}"
            )
            continue
        usable.append(index)
    if not usable:
        exclusions.add(exercise, "; ".join(dict.fromkeys(refused)))
        return None
    chosen = usable[0]
    if not refused:
        return chosen, None
    label = exercise.alternatives[chosen].label or exercise.alternatives[chosen].position
    return chosen, f"{label}, because {refused[0]}"


def _blocked(exercise: Exercise, setup: Setup) -> str | None:
    """Why an exercise is ruled out whatever its version, or None."""
    if exercise.setting != "home":
        return "a gym exercise"
    if exercise.id in setup.profile.avoid_exercises:
        return "you asked to leave it out"
    tags = sorted(set(exercise.contraindications) & setup.banned)
    if tags:
        return "your screening rules out " + ", ".join(t.replace("_", " ") for t in tags)
    if exercise.phase == "strength" and not exercise.motor_control:
        if not setup.strength_allowed:
            return "mobility only until a clinician has seen you"
        hot = sorted(set(exercise.targets) & setup.high_pain)
        if hot:
            return f"your {_area(hot[0])} pain is 7/10 or more"
    return None


def _families(catalog: Mapping[str, Exercise]) -> dict[str, list[str]]:
    """Each base exercise and its variations, easiest first."""
    families: dict[str, list[str]] = {}
    for exercise in catalog.values():
        if exercise.variation_of is not None and exercise.variation_of in catalog:
            continue
        chain = [exercise.id]
        step = exercise.easier
        while step is not None and step in catalog and step not in chain:
            chain.insert(0, step)
            step = catalog[step].easier
        step = exercise.harder
        while step is not None and step in catalog and step not in chain:
            chain.append(step)
            step = catalog[step].harder
        families[exercise.id] = chain
    return families


def _dose_reason(signal: Signal, why: str, moved: str | None) -> str:
    if moved:
        return moved
    if signal == "progress":
        return f"a step up: {why}"
    if signal == "step_down":
        return f"a step down: {why}"
    return why


def _candidate_for_family(
    base: str,
    chain: list[str],
    catalog: Mapping[str, Exercise],
    setup: Setup,
    history: History,
    overall: tuple[Signal, str],
    exclusions: Exclusions,
    order: int,
) -> Candidate | None:
    """The member of a family to do today, at which rung, and why."""
    outcome = history.last_outcome(set(chain))
    if outcome is None:
        position, rung = chain.index(base), 0
        signal: Signal = "hold"
        why = "first time: the low end of its range"
    else:
        position = chain.index(outcome.exercise_id)
        exercise = catalog[chain[position]]
        rung = level_of(exercise, outcome)
        signal, why = exercise_signal(exercise, outcome, overall[0])
        why = why or overall[1]
        if signal == "progress" and not setup.progression_allowed:
            signal, why = "hold", "no progression until a clinician has seen you"
    moved: str | None = None
    if chain[position] in history.aggravating:
        if position > 0:
            moved = f"the easier version of {catalog[chain[position]].name}, which aggravated it"
            position, rung = position - 1, 0
        else:
            exclusions.add(catalog[chain[position]], "it aggravated your pain last time")
            return None
    elif signal == "progress":
        if rung + 1 < len(ladder(catalog[chain[position]])):
            rung += 1
        elif position + 1 < len(chain):
            moved = (
                f"the harder version of {catalog[chain[position]].name}, whose whole range "
                f"you have done: {why}"
            )
            position, rung = position + 1, 0
        else:
            why = "already at the top of its range"
            signal = "hold"
    elif signal == "step_down":
        if rung > 0:
            rung -= 1
        elif position > 0:
            moved = f"the easier version of {catalog[chain[position]].name}: {why}"
            position, rung = position - 1, 0
    # Try the planned member first, then easier ones, then harder ones.
    tries = [position, *range(position - 1, -1, -1), *range(position + 1, len(chain))]
    first_refusal: str | None = None
    for attempt in tries:
        exercise = catalog[chain[attempt]]
        blocked = _blocked(exercise, setup)
        picked = None if blocked else _pick_alternative(exercise, setup, exclusions)
        if blocked:
            exclusions.add(exercise, blocked)
        if picked is None:
            first_refusal = first_refusal or exclusions.reasons.get(exercise.id)
            continue
        alternative, version = picked
        rungs = ladder(exercise)
        index = min(rung if attempt == position else 0, len(rungs) - 1)
        reasons: list[str] = []
        if attempt != position:
            reasons.append(
                f"instead of {catalog[chain[position]].name}: {first_refusal or 'not possible'}"
            )
        if version:
            reasons.append(version)
        if exercise.phase != "warmup":
            reasons.append(_dose_reason(signal, why, moved) if attempt == position else why)
        return Candidate(
            exercise=exercise,
            alternative=alternative,
            level=rungs[index],
            level_index=index,
            levels=len(rungs),
            reasons=[r for r in reasons if r],
            order=order,
        )
    return None


def _warmup(
    candidates: dict[str, Candidate], profile: Profile, notes: list[str]
) -> list[Candidate]:
    """The warm-up block: cardio for longer sessions, the seed's routine for shorter ones."""
    if profile.minutes < SHORT_SESSION_MINUTES:
        notes.append(
            f"Under {SHORT_SESSION_MINUTES} minutes there is no cardio warm-up: "
            "the dynamic stretches warm you up."
        )
        return []
    if profile.minutes >= CARDIO_WARMUP_MINUTES:
        preference = ["cycling", "walking", "marching-on-the-spot"]
        if profile.experience == "regular":
            preference.insert(1, "light-jog")
        for exercise_id in preference:
            if exercise_id in candidates:
                chosen = candidates[exercise_id]
                chosen.reasons.insert(0, "5-10 minutes of light cardio to warm up (the seed)")
                return [chosen]
    routine = [candidates[i] for i in ("marching-on-the-spot", "knee-lifts") if i in candidates]
    if routine:
        for part in routine:
            part.reasons.insert(0, "part of the seed's warm-up routine")
        return routine
    if "cycling" in candidates:
        return [candidates["cycling"]]
    notes.append(
        "No cardio warm-up fits your positions or equipment: the dynamic stretches warm you up."
    )
    return []


@dataclass
class Selection:
    """Candidates in priority order, and the reasons each area is covered."""

    ordered: list[Candidate] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)

    def take(self, candidate: Candidate, reason: str | None = None) -> None:
        if candidate.exercise.id in self.taken:
            return
        if reason and reason not in candidate.reasons:
            candidate.reasons.insert(0, reason)
        self.taken.add(candidate.exercise.id)
        self.ordered.append(candidate)


def _score(candidate: Candidate, profile: Profile, recent: frozenset[str]) -> tuple[float, ...]:
    pain = sum(profile.pain_in(t) for t in candidate.exercise.targets)
    focus = len(FOCUS_AREAS & set(candidate.exercise.targets))
    fresh = 0 if candidate.exercise.id in recent else 1
    return (fresh, pain + focus, candidate.tiebreak, -candidate.order)


def _needs_equipment(candidate: Candidate, *, kind: bool) -> bool:
    return candidate.needs_equipment() == kind


def _serves(candidate: Candidate, *, area: Area, aimed: bool) -> bool:
    """Targets the area; `aimed`: as its first target."""
    targets = candidate.exercise.targets
    return area in targets and (targets[0] == area) == aimed


class _Queue:
    """Candidates best-first, skipping those already taken (keeps planning O(n log n))."""

    def __init__(self, candidates: list[Candidate], taken: set[str]) -> None:
        self._items = candidates
        self._taken = taken
        self._next = 0

    def peek(self) -> Candidate | None:
        while self._next < len(self._items):
            candidate = self._items[self._next]
            if candidate.exercise.id not in self._taken:
                return candidate
            self._next += 1
        return None


def _priorities(
    pool: list[Candidate],
    profile: Profile,
    recent: frozenset[str],
    rested: frozenset[Area],
    short: bool,
    notes: list[str],
) -> list[Candidate]:
    """Order candidates: cover painful areas first, then fill round-robin across blocks."""
    selection = Selection()
    ranked = sorted(pool, key=lambda c: _score(c, profile, recent), reverse=True)
    open_pool = [
        c for c in ranked if not (c.block == "strength" and c.exercise.targets[0] in rested)
    ]

    def queue(block: Phase, keep: Callable[[Candidate], bool] = lambda _: True) -> _Queue:
        return _Queue([c for c in open_pool if c.block == block and keep(c)], selection.taken)

    def cover(blocks: tuple[Phase, ...], area: Area, verb: str) -> None:
        # Prefer exercises aimed at the area (listed first among their targets), then the best.
        for aimed in (True, False):
            for block in blocks:
                pick = queue(block, partial(_serves, area=area, aimed=aimed)).peek()
                if pick is not None:
                    rating = f"which you rated {profile.pain_in(area)}/10"
                    selection.take(pick, f"{verb} your {_area(area)}, {rating}")
                    return

    strengthened: set[Area] = set()

    def cover_strength(area: Area) -> None:
        if area in rested:
            notes.append(
                f"No strengthening for your {_area(area)} today: it was strengthened yesterday."
            )
        elif area not in strengthened:
            before = len(selection.ordered)
            cover(("strength",), area, "strengthens")
            if len(selection.ordered) > before:
                strengthened.update(selection.ordered[-1].exercise.targets)

    for area in profile.painful_areas:
        cover(("dynamic", "static"), area, "eases")
        if not short:
            cover_strength(area)
    if short:
        for area in profile.painful_areas:
            cover_strength(area)

    rotation: tuple[Phase, ...] = (
        ("dynamic", "static", "strength") if short else ("dynamic", "strength", "static")
    )
    queues = {block: queue(block) for block in rotation if block != "strength"}
    by_kind = {
        kind: queue("strength", partial(_needs_equipment, kind=kind)) for kind in (True, False)
    }
    last_kind: bool | None = None
    while True:
        added = False
        for block in rotation:
            if block == "strength":
                # Alternate bodyweight and equipment work while both remain (issue 4: balance).
                heads = {kind: by_kind[kind].peek() for kind in (True, False)}
                wanted = None if last_kind is None else heads[not last_kind]
                found = [c for c in heads.values() if c is not None]
                pick = wanted or (
                    max(found, key=lambda c: _score(c, profile, recent)) if found else None
                )
                if pick is not None:
                    last_kind = pick.needs_equipment()
            else:
                pick = queues[block].peek()
            if pick is None:
                continue
            targets = " and ".join(_area(t) for t in pick.exercise.targets[:2])
            selection.take(pick, f"works your {targets}")
            added = True
        if not added:
            break
    # Strength work for areas strengthened yesterday comes last.
    for candidate in ranked:
        targets = " and ".join(_area(t) for t in candidate.exercise.targets[:2])
        selection.take(candidate, f"works your {targets}")
    return selection.ordered


def _empty_block_message(block: Phase, exclusions: Exclusions) -> str:
    """A specific message for a block nothing fits, saying what to change."""
    names = {"strength": "strengthening", "dynamic": "dynamic stretch", "static": "static stretch"}
    missing = exclusions.missing_items.get(block, Counter())
    positions = exclusions.avoided_positions.get(block, Counter())
    causes = []
    fixes = []
    if missing:
        causes.append("equipment")
        item = missing.most_common(1)[0][0]
        fixes.append(f"add {READABLE.get(item, item)}")
    if positions:
        where = positions.most_common(1)[0][0]
        causes.append("the floor" if where == "floor" else f"{where} positions")
        fixes.append(f"allow {'the floor' if where == 'floor' else where + ' positions'}")
    if not causes:
        return f"No {names[block]} exercise fits your restrictions today."
    return (
        f"No {names[block]} exercise fits: each needs {' or '.join(causes)}; {' or '.join(fixes)}."
    )


def _fit(
    warmup: list[Candidate], ordered: list[Candidate], budget_s: int
) -> tuple[list[Candidate], int, int]:
    """Greedy by priority: keep each candidate whose shortest dose still fits the budget."""
    chosen: list[Candidate] = []
    low = high = 0
    for candidate in [*warmup, *ordered]:
        c_low, c_high = candidate.span()
        if low + c_low <= budget_s:
            chosen.append(candidate)
            low += c_low
            high += c_high
    return chosen, low, high


def _spread(
    chosen: list[Candidate], low: int, high: int, target: int
) -> list[tuple[int, int, int | None]]:
    """Give each exercise its transition, rest and work time so the total meets the target.

    Flexible time (transitions, strength rests, warm-up length) is opened up by the same share
    everywhere; seconds left over by rounding go to transitions and warm-ups, one at a time.
    """
    share = 0.0 if high == low else max(0.0, min(1.0, (target - low) / (high - low)))
    timing: list[tuple[int, int, int | None]] = []
    total = 0
    for candidate in chosen:
        rest_low, rest_high = candidate.rest_range
        rest = rest_low + int(share * (rest_high - rest_low))
        transition = TRANSITION_S[0] + int(share * (TRANSITION_S[1] - TRANSITION_S[0]))
        work_range = candidate.work_range
        work = work_range[0] + int(share * (work_range[1] - work_range[0])) if work_range else None
        timing.append((transition, rest, work))
        total += transition + candidate.seconds(rest, work)
    spare = target - total
    index = 0
    while spare > 0 and index < len(chosen):
        transition, rest, work = timing[index]
        work_range = chosen[index].work_range
        if work is not None and work_range is not None and work < work_range[1]:
            step = min(spare, work_range[1] - work)
            timing[index] = (transition, rest, work + step)
            spare -= step
        elif transition < TRANSITION_S[1]:
            step = min(spare, TRANSITION_S[1] - transition)
            timing[index] = (transition + step, rest, work)
            spare -= step
        index += 1
    return timing


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


# Pain at or above this today in any area is a severe day: no ordinary session (issue 14).
SEVERE_PAIN: Final = 8
GENTLE_DAY_ADVICE: Final = (
    "Rest is fine today too. Get care the same day if the pain came with an injury, a fever, "
    "numbness or weakness; see a doctor or physiotherapist within a few days if it keeps waking "
    "you at night or stays this bad for three days."
)


def severe_areas(profile: Profile) -> list[str]:
    """Areas at a severe level today, worst first."""
    return [a for a in profile.painful_areas if profile.pain_in(a) >= SEVERE_PAIN]


def build_gentle_day(
    catalog: Mapping[str, Exercise], profile: Profile, *, day: dt.date
) -> SessionPlan:
    """A severe day's short routine: only what moves within a pain-free range, supported and at
    low effort (the exercises marked `gentle_day`), one set each at the low end of the dose,
    whatever was asked for. A consensus of ours after the physiotherapist's review (issue 14).
    """
    worst = severe_areas(profile)[0]
    notes = [
        f"Your {_area(worst)} pain is {profile.pain_in(worst)}/10 today, so there is no "
        "ordinary session: just a short, gentle routine. Move only within the range that does "
        "not hurt, and stop anything that makes the pain worse.",
        GENTLE_DAY_ADVICE,
    ]
    setup = _setup(profile, [])
    exclusions = Exclusions()
    planned: list[PlannedExercise] = []
    for order, exercise in enumerate(catalog.values()):
        if exercise.gentle_day == "no" or exercise.variation_of is not None:
            continue
        blocked = _blocked(exercise, replace(setup, high_pain=frozenset()))
        picked = None if blocked else _pick_alternative(exercise, setup, exclusions)
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
    notes: list[str] = []
    setup = _setup(profile, notes)
    exclusions = Exclusions()
    overall = session_signal(history)
    rng = random.Random(f"{seed}:{day.isoformat()}")
    candidates: dict[str, Candidate] = {}
    for order, (base, chain) in enumerate(_families(catalog).items()):
        candidate = _candidate_for_family(
            base, chain, catalog, setup, history, overall, exclusions, order
        )
        if candidate is not None:
            candidate.tiebreak = rng.random()
            candidates[candidate.exercise.id] = candidate
    short = profile.minutes < SHORT_SESSION_MINUTES
    warmup = _warmup({k: c for k, c in candidates.items() if c.block == "warmup"}, profile, notes)
    pool = [c for c in candidates.values() if c.block != "warmup"]
    if not pool:
        raise PlanImpossible(
            "No exercise fits this profile: "
            + "; ".join(sorted(set(exclusions.reasons.values()))[:3])
            + ". Allow more positions or equipment, or ask your clinician which movements are safe."
        )
    ordered = _priorities(pool, profile, frozenset(recent), frozenset(rested_areas), short, notes)
    blocks: tuple[Phase, ...] = ("dynamic", "strength", "static")
    for block in blocks:
        if not any(c.block == block for c in pool) and not (
            block == "strength" and not setup.strength_allowed
        ):
            notes.append(_empty_block_message(block, exclusions))
    budget = profile.minutes * 60
    rested = frozenset(rested_areas)
    is_rested = [c.block == "strength" and c.exercise.targets[0] in rested for c in ordered]
    chosen, low, high = _fit(
        warmup, [c for c, r in zip(ordered, is_rested, strict=True) if not r], budget
    )
    for candidate in (c for c, r in zip(ordered, is_rested, strict=True) if r):
        # Strengthen an area two days running only as far as the session would otherwise fall
        # short of its time (issue 4: "when it can").
        if high >= BUDGET_FLOOR * budget:
            break
        c_low, c_high = candidate.span()
        if low + c_low <= budget:
            chosen.append(candidate)
            low, high = low + c_low, high + c_high
    shortfall = None
    if high < BUDGET_FLOOR * budget:
        shortfall = (
            f"Only about {round(high / 60)} minutes of exercise suit your profile today, "
            f"less than the {profile.minutes} you asked for; the session is shorter rather "
            "than repeating exercises."
        )
    timing = _spread(chosen, low, high, min(budget, high))
    planned = [_planned(c, *t) for c, t in zip(chosen, timing, strict=True)]
    _mention_left_out(catalog, exclusions, notes)
    return _session_plan(day, profile, planned, notes, shortfall=shortfall)


def _mention_left_out(
    catalog: Mapping[str, Exercise], exclusions: Exclusions, notes: list[str]
) -> None:
    """Say which exercises a restriction or the person's own choice left out."""
    for exercise_id, reason in exclusions.reasons.items():
        if reason.startswith(("your screening", "you asked", "it aggravated")):
            notes.append(f"{catalog[exercise_id].name} left out: {reason}.")


# Session days (offsets 0-6) for each number of sessions a week: a rest day between sessions up
# to four a week; past that, as few back-to-back days as the week allows.
SESSION_DAYS: Final[dict[int, tuple[int, ...]]] = {
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 2, 4, 6),
    5: (0, 1, 3, 4, 6),
    6: (0, 1, 2, 4, 5, 6),
    7: (0, 1, 2, 3, 4, 5, 6),
}


def session_days(sessions_per_week: int) -> list[int]:
    """Day offsets (0-6) spreading the sessions over a week."""
    return list(SESSION_DAYS[sessions_per_week])


def build_week(
    catalog: Mapping[str, Exercise],
    profile: Profile,
    history: History | None = None,
    *,
    start: dt.date,
    seed: int = 0,
) -> WeekPlan:
    """Plan seven days from `start`: sessions spread out, rest days between, exercises varied."""
    days: list[PlannedDay] = []
    offsets = session_days(profile.sessions_per_week)
    previous: SessionPlan | None = None
    previous_offset: int | None = None
    for offset in range(7):
        day = start + dt.timedelta(days=offset)
        if offset not in offsets:
            days.append(PlannedDay(day=day, session=None, note="Rest day."))
            continue
        yesterday = previous is not None and previous_offset == offset - 1
        rested: Sequence[Area] = []
        if yesterday and previous is not None:
            rested = [
                catalog[p.exercise_id].targets[0]
                for p in previous.items
                if p.block == "strength" and p.exercise_id in catalog
            ]
        session = build_session(
            catalog,
            profile,
            history,
            day=day,
            seed=seed,
            recent=[p.exercise_id for p in previous.items] if previous else (),
            rested_areas=rested,
        )
        days.append(PlannedDay(day=day, session=session, note="Session day."))
        previous, previous_offset = session, offset
    return WeekPlan(start=start, days=tuple(days))
