"""Priority: what a session aims at (painful areas first, then the programme's focus) and the
order in which candidates claim its time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Final

from unknot.domain.planner.candidate import Candidate
from unknot.domain.planner.eligibility import area_words
from unknot.domain.profile import Profile
from unknot.domain.vocabulary import Area, Phase

# The programme is for the neck and upper back; these areas lead when nothing hurts.
FOCUS_AREAS: Final[frozenset[Area]] = frozenset({"neck", "upper_back", "shoulders"})


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


def priorities(
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
                    selection.take(pick, f"{verb} your {area_words(area)}, {rating}")
                    return

    strengthened: set[Area] = set()

    def cover_strength(area: Area) -> None:
        if area in rested:
            notes.append(
                f"No strengthening for your {area_words(area)} today: "
                "it was strengthened yesterday."
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
            targets = " and ".join(area_words(t) for t in pick.exercise.targets[:2])
            selection.take(pick, f"works your {targets}")
            added = True
        if not added:
            break
    # Strength work for areas strengthened yesterday comes last.
    for candidate in ranked:
        targets = " and ".join(area_words(t) for t in candidate.exercise.targets[:2])
        selection.take(candidate, f"works your {targets}")
    return selection.ordered
