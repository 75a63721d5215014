"""The time budget: which prioritised candidates fit the minutes asked for, and how the
flexible seconds (transitions, rests, warm-up length) are shared out to meet them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from unknot.domain.planner.candidate import TRANSITION_S, Candidate

# The plan fills at least this share of the time asked for (issue 4: [budget - 10 %, budget]).
BUDGET_FLOOR: Final = 0.9


def _greedy(
    warmup: Sequence[Candidate], ordered: Sequence[Candidate], budget_s: int
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


def fit(ordered: Sequence[Candidate], budget_s: int) -> tuple[list[Candidate], int, int]:
    """The candidates that fit the budget, in priority order, with the shortest and longest
    the chosen ones can take together."""
    return _greedy([], ordered, budget_s)


def shortfall(high: int, minutes: int) -> str | None:
    """What to tell the person when the programme at its longest doses takes less than the
    time asked for: the rest stays unplanned (issue 17: a few exercises done well)."""
    if high >= BUDGET_FLOOR * (minutes * 60):
        return None
    return (
        f"This session takes about {max(1, round(high / 60))} of your {minutes} minutes: a few "
        "exercises done well help more than many, so the rest of the time is yours."
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
