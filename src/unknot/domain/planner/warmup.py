"""The warm-up: light cardio for longer sessions, the seed's routine for shorter ones, none for
the shortest."""

from __future__ import annotations

from typing import Final

from unknot.domain.planner.candidate import Candidate
from unknot.domain.profile import Profile

# Sessions shorter than this have no cardio warm-up: the dynamic block is the warm-up (issue 4).
SHORT_SESSION_MINUTES: Final = 15
# From this length the warm-up is 5-10 minutes of light cardio (the seed); shorter sessions use the
# seed's marching and knee-lift routine.
CARDIO_WARMUP_MINUTES: Final = 30


def choose_warmup(
    candidates: dict[str, Candidate], profile: Profile, notes: list[str]
) -> list[Candidate]:
    """The warm-up block from the warm-up candidates, by the session's length."""
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
