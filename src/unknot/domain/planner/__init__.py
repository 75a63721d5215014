"""The planner: a session and a week from a profile, a history, a date and a seed.

Pure: the date and the random seed come in as arguments, so the same inputs always give the same
plan. The rules are those of the planner issue (#4); each planned exercise carries its reasons.

One noun per module: `candidate` (an exercise at a version and dose, and the time it can take),
`eligibility` (what the person may do today, and why not), `programme` (choosing and keeping the
few exercises a person does for weeks), `warmup`, `budget` (fitting the minutes asked for),
`session` (a day's plan, or a severe day's gentle routine) and `week`.
"""

from unknot.domain.pain import SEVERE_PAIN
from unknot.domain.planner.budget import BUDGET_FLOOR
from unknot.domain.planner.candidate import STRENGTH_REST_S, TRANSITION_S
from unknot.domain.planner.programme import FOCUS_AREAS, Ranking, swap_choices, swap_in
from unknot.domain.planner.session import (
    GENTLE_DAY_ADVICE,
    build_gentle_day,
    build_session,
    candidates_for,
    loaded_areas,
    severe_areas,
)
from unknot.domain.planner.warmup import CARDIO_WARMUP_MINUTES, SHORT_SESSION_MINUTES
from unknot.domain.planner.week import SESSION_DAYS, build_week, next_session_day, session_days

__all__ = [
    "BUDGET_FLOOR",
    "CARDIO_WARMUP_MINUTES",
    "FOCUS_AREAS",
    "GENTLE_DAY_ADVICE",
    "SESSION_DAYS",
    "SEVERE_PAIN",
    "SHORT_SESSION_MINUTES",
    "STRENGTH_REST_S",
    "TRANSITION_S",
    "Ranking",
    "build_gentle_day",
    "build_session",
    "build_week",
    "candidates_for",
    "loaded_areas",
    "next_session_day",
    "session_days",
    "severe_areas",
    "swap_choices",
    "swap_in",
]
