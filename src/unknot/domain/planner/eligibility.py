"""Eligibility: which exercises a person may do today, at which version and dose, and why the
others were left out."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from unknot.domain.exercise import Exercise
from unknot.domain.history import ExerciseOutcome, History
from unknot.domain.planner.candidate import Candidate
from unknot.domain.profile import HIGH_PAIN, Profile
from unknot.domain.progression import Level, Signal, exercise_signal, ladder, level_of
from unknot.domain.vocabulary import AVOIDED_POSITIONS, Area, Phase, Position

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


def area_words(area: str) -> str:
    return area.replace("_", " ")


@dataclass
class Exclusions:
    """Why exercises were left out, for notes and for specific "impossible" messages."""

    reasons: dict[str, str] = field(default_factory=dict)
    missing_items: dict[Phase, Counter[str]] = field(default_factory=dict)
    avoided_positions: dict[Phase, Counter[str]] = field(default_factory=dict)

    def add(self, exercise: Exercise, reason: str) -> None:
        self.reasons.setdefault(exercise.id, reason)


@dataclass(frozen=True)
class Allowance:
    """What the person's profile allows today: the positions avoided (and which avoidance rules
    each out), the contraindications banned, and whether strengthening and progressing are
    allowed and for which areas. Worked out once per session."""

    profile: Profile
    avoided: frozenset[Position]
    avoided_by: dict[Position, str]
    banned: frozenset[str]
    strength_allowed: bool
    high_pain: frozenset[Area]
    progression_allowed: bool = True


def allowance_for(profile: Profile, notes: list[str]) -> Allowance:
    """The profile's allowance; each limit a person should hear about is added to `notes`."""
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
            f"No loaded strengthening for your {area_words(area)} today: you rated it "
            f"{profile.pain_in(area)}/10 (7 or more), so it gets gentle mobility and low-load "
            "work only."
        )
    mobility_only = "mobility_only" in profile.restrictions
    if mobility_only:
        notes.append(
            "Gentle mobility only: your screening advises seeing a clinician before "
            "strengthening or progressing."
        )
    return Allowance(
        profile=profile,
        avoided=frozenset(avoided),
        avoided_by=avoided_by,
        banned=profile.banned_tags,
        strength_allowed=not mobility_only,
        high_pain=high,
        progression_allowed=not mobility_only and "no_progression" not in profile.restrictions,
    )


def pick_alternative(
    exercise: Exercise, allowance: Allowance, exclusions: Exclusions
) -> tuple[int, str | None] | None:
    """The first alternative the person can do, with a reason when another was not possible."""
    usable: list[int] = []
    refused: list[str] = []
    for index, alternative in enumerate(exercise.alternatives):
        missing = [i for i in alternative.equipment if i not in allowance.profile.equipment]
        if missing:
            exclusions.missing_items.setdefault(exercise.phase, Counter()).update(missing)
            refused.append(f"you have no {READABLE[missing[0]].split(' ', 1)[1]}")
            continue
        if alternative.position in allowance.avoided:
            avoidance = allowance.avoided_by[alternative.position]
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


def blocked(exercise: Exercise, allowance: Allowance) -> str | None:
    """Why an exercise is ruled out whatever its version, or None."""
    if exercise.setting != "home":
        return "a gym exercise"
    if exercise.id in allowance.profile.avoid_exercises:
        return "you asked to leave it out"
    tags = sorted(set(exercise.contraindications) & allowance.banned)
    if tags:
        return "your screening rules out " + ", ".join(t.replace("_", " ") for t in tags)
    # Under "mobility only", and for an area at 7/10 or more, strengthening gives way to
    # mobility; only low-load work also fit for a severe day stays (the supported chin tuck),
    # after the physiotherapist's review (issue 17): pressing the head into the hands is not
    # mobility for someone whose screening says to see a clinician first.
    gentle = exercise.motor_control and exercise.gentle_day != "no"
    if exercise.phase == "strength" and not gentle:
        if not allowance.strength_allowed:
            return "mobility only until a clinician has seen you"
        hot = sorted(set(exercise.targets) & allowance.high_pain)
        if hot:
            return f"your {area_words(hot[0])} pain is 7/10 or more"
    return None


def families(catalog: Mapping[str, Exercise]) -> dict[str, list[str]]:
    """Each base exercise and its variations, easiest first."""
    found: dict[str, list[str]] = {}
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
        found[exercise.id] = chain
    return found


def _dose_reason(signal: Signal, why: str, moved: str | None) -> str:
    if moved:
        return moved
    if signal == "progress":
        return f"a step up: {why}"
    if signal == "step_down":
        return f"a step down: {why}"
    return why


def start_rung(exercise: Exercise, allowance: Allowance) -> int:
    """Where a first dose sits on the ladder: the bottom for someone new to exercise, a third of
    the way up for someone returning to it, halfway for someone who exercises regularly
    (issue 17: experience sets the starting point within the range). Never above the bottom
    while progression waits for a clinician, nor for a cardio warm-up."""
    rungs = len(ladder(exercise))
    if exercise.phase == "warmup" or not allowance.progression_allowed or rungs < 2:
        return 0
    share = START_SHARE[allowance.profile.experience]
    return min(rungs - 1, int(share * (rungs - 1) + 0.5))


# How far up its ladder a first dose starts, by experience (a consensus of ours).
START_SHARE: Final[dict[str, float]] = {"new": 0.0, "returning": 1 / 3, "regular": 0.5}
# A dose goes up at most once in this many days (issue 17: one change per exercise per week).
PROGRESSION_INTERVAL_DAYS: Final = 7
HEAVIER: Final[dict[str, str]] = {"resistance_band": "band", "dumbbell": "dumbbell"}


def _when(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def candidate_for_family(
    base: str,
    chain: list[str],
    catalog: Mapping[str, Exercise],
    allowance: Allowance,
    history: History,
    overall: tuple[Signal, str],
    exclusions: Exclusions,
    order: int,
    day: dt.date | None = None,
) -> Candidate | None:
    """The member of a family to do today, at which rung, and why."""
    outcome = history.last_outcome(set(chain))
    heavier: str | None = None
    if outcome is None:
        position = chain.index(base)
        rung = start_rung(catalog[base], allowance)
        signal: Signal = "hold"
        if len(ladder(catalog[base])) == 1:
            why = "first time, at its one dose"
        else:
            why = "first time: the low end of its range" if rung == 0 else "first time"
    else:
        position = chain.index(outcome.exercise_id)
        exercise = catalog[chain[position]]
        rung = level_of(exercise, outcome)
        signal, why = exercise_signal(exercise, outcome, overall[0])
        why = why or overall[1]
        if signal == "progress" and not allowance.progression_allowed:
            signal, why = "hold", "no progression until a clinician has seen you"
        since = history.dose_since(set(chain))
        if signal == "progress" and day is not None and since is not None:
            next_change = since + dt.timedelta(days=PROGRESSION_INTERVAL_DAYS)
            if day < next_change:
                signal = "hold"
                why = f"the dose goes up at most once a week: next from {_when(next_change)}"
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
            single = len(ladder(catalog[chain[position]])) == 1
            why = "it has one dose, which stays" if single else "already at the top of its range"
            signal = "hold"
            heavier = "top"
    elif signal == "step_down":
        if rung > 0:
            rung -= 1
        elif position > 0:
            moved = f"the easier version of {catalog[chain[position]].name}: {why}"
            position, rung = position - 1, 0
        else:
            # Nothing lower to go to: say so rather than announce a step down.
            signal, why = "hold", f"already at its easiest dose ({why})"
    # Try the planned member first, then easier ones, then harder ones.
    tries = [position, *range(position - 1, -1, -1), *range(position + 1, len(chain))]
    first_refusal: str | None = None
    left_out = chain[position] in allowance.profile.avoid_exercises
    for attempt in tries:
        if left_out and attempt > position:
            # Someone who asked to leave an exercise out is not given its harder version.
            break
        exercise = catalog[chain[attempt]]
        ruled_out = blocked(exercise, allowance)
        picked = None if ruled_out else pick_alternative(exercise, allowance, exclusions)
        if ruled_out:
            exclusions.add(exercise, ruled_out)
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
        load = [HEAVIER[i] for i in exercise.alternatives[alternative].equipment if i in HEAVIER]
        if heavier and load and attempt == position:
            # ACSM 2009: once the top of the repetition range is easy, add load.
            why = (
                f"at the top of its range with repetitions to spare: take a heavier {load[0]} "
                "and keep this dose until it feels this easy again"
            )
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
            change=change_words(outcome, exercise, rungs[index]) if outcome else None,
            first_time=outcome is None and allowance.progression_allowed,
        )
    return None


def change_words(outcome: ExerciseOutcome, exercise: Exercise, level: Level) -> str | None:
    """What is different from last time, in words, or None when nothing is (issue 17:
    progression a person can see)."""
    if outcome.exercise_id != exercise.id:
        return f"{exercise.name} instead of last time's version"
    changes: list[str] = []
    for now, before, unit in (
        (level.reps, outcome.reps, "repetitions"),
        (level.sets, outcome.sets, "sets"),
        (level.hold_s, outcome.hold_s, "seconds' hold"),
    ):
        if now is not None and before is not None and now != before:
            direction = "up" if now > before else "down"
            changes.append(f"{now} {unit}, {direction} from {before}")
    return "; ".join(changes) or None


def empty_block_message(block: Phase, exclusions: Exclusions) -> str:
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


def left_out_notes(catalog: Mapping[str, Exercise], exclusions: Exclusions) -> list[str]:
    """A note for each exercise a restriction or the person's own choice left out."""
    return [
        f"{catalog[exercise_id].name} left out: {reason}."
        for exercise_id, reason in exclusions.reasons.items()
        if reason.startswith(("your screening", "you asked", "it aggravated"))
    ]
