"""The time budget: which prioritised candidates fit the minutes asked for, and how the
flexible seconds (transitions, rests, warm-up length) are shared out to meet them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from unknot.domain.planner.candidate import TRANSITION_S, Candidate
from unknot.domain.progression import ladder

# The plan fills at least this share of the time asked for (issue 4: [budget - 10 %, budget]).
BUDGET_FLOOR: Final = 0.9


def fit(ordered: Sequence[Candidate], budget_s: int) -> tuple[list[Candidate], int, int]:
    """The candidates that fit the budget, greedily in priority order (each kept whose
    shortest dose still fits), with the shortest and longest the chosen ones take together."""
    chosen: list[Candidate] = []
    low = high = 0
    for candidate in ordered:
        c_low, c_high = candidate.span()
        if low + c_low <= budget_s:
            chosen.append(candidate)
            low += c_low
            high += c_high
    return chosen, low, high


LONGER_DOSE: Final = (
    "a longer dose to use the time you have: mobility work and stretches are gentle enough"
)


def lengthen(chosen: Sequence[Candidate], budget_s: int) -> tuple[int, int]:
    """Raise the programme's mobility and stretch doses, one rung at a time in turn, while the
    session at its longest falls short of the time asked for and its shortest still fits
    (issue 17: time is filled by the catalog's ranges). Only first doses, and only where
    progression is allowed: a dose that has a history (held, or stepped down after pain) stays
    where progression put it, and strength doses always do. The new shortest and longest
    totals."""
    low = sum(c.span()[0] for c in chosen)
    high = sum(c.span()[1] for c in chosen)
    growing = [
        c
        for c in chosen
        if c.part == "programme" and c.block in ("dynamic", "static") and c.first_time
    ]
    while growing and high < BUDGET_FLOOR * budget_s:
        still: list[Candidate] = []
        for candidate in growing:
            rungs = ladder(candidate.exercise)
            if candidate.level_index + 1 >= len(rungs) or high >= BUDGET_FLOOR * budget_s:
                continue
            before = candidate.span()
            previous = (candidate.level, candidate.level_index)
            candidate.level_index += 1
            candidate.level = rungs[candidate.level_index]
            after = candidate.span()
            if low - before[0] + after[0] > budget_s:
                candidate.level, candidate.level_index = previous
                continue
            low += after[0] - before[0]
            high += after[1] - before[1]
            if LONGER_DOSE not in candidate.reasons:
                candidate.reasons = [
                    r for r in candidate.reasons if not r.startswith("first time")
                ] + [LONGER_DOSE]
            still.append(candidate)
        growing = still
    return low, high


def shortfall(high: int, minutes: int) -> str | None:
    """What to tell the person when the programme at its longest doses takes less than the
    time asked for: the rest stays unplanned (issue 17: a few exercises done well)."""
    if high >= BUDGET_FLOOR * (minutes * 60):
        return None
    return (
        f"This session takes about {max(1, round(high / 60))} of your {minutes} minutes: a few "
        "exercises are easier to keep doing than many (Henry et al. 1999), so the rest of the "
        "time is yours."
    )


def spread(
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
