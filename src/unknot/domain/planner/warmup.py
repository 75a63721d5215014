"""The warm-up: light cardio for longer sessions, the seed's marching routine for shorter ones,
none for the shortest; the dynamic stretches that follow it are the programme's."""

from __future__ import annotations

from typing import Final

from unknot.domain.planner.candidate import Candidate
from unknot.domain.profile import Profile
from unknot.domain.programme import shape_for

# From this length the warm-up is 5-10 minutes of light cardio (the seed); shorter sessions use the
# seed's marching, knee-lift and shoulder-roll routine ("approximately 6 minutes").
CARDIO_WARMUP_MINUTES: Final = 30
# Sessions this long or shorter have no cardio: the warm-up stretches warm up (issue 17).
SHORT_SESSION_MINUTES: Final = 10


def choose_warmup(
    candidates: dict[str, Candidate], profile: Profile, notes: list[str]
) -> list[Candidate]:
    """The cardio part of the warm-up, by the session's length."""
    if not shape_for(profile.minutes).cardio:
        notes.append(
            f"A {profile.minutes}-minute session has no cardio warm-up: the first stretches warm "
            "you up."
        )
        return []
    if profile.minutes >= CARDIO_WARMUP_MINUTES:
        preference = ["cycling", "walking", "marching-on-the-spot"]
        if profile.experience == "regular":
            preference.insert(1, "light-jog")
        for exercise_id in preference:
            if exercise_id in candidates:
                chosen = candidates[exercise_id]
                chosen.reasons.insert(0, "warm-up: 5 to 10 minutes of light cardio (the seed)")
                return [chosen]
    routine = [candidates[i] for i in ("marching-on-the-spot", "knee-lifts") if i in candidates]
    if routine:
        for part in routine:
            part.reasons.insert(
                0, "warm-up: marching, knee lifts and shoulder rolls get you moving (the seed)"
            )
        return routine
    if "cycling" in candidates:
        return [candidates["cycling"]]
    notes.append(
        "No cardio warm-up fits your positions or equipment: the first stretches warm you up."
    )
    return []
