"""A week: which of seven days get a session, and each session planned so that exercises vary
and no area is strengthened two days running when it can be helped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final

from unknot.domain.exercise import Exercise
from unknot.domain.history import History
from unknot.domain.plan import PlannedDay, SessionPlan, WeekPlan
from unknot.domain.planner.session import build_session
from unknot.domain.profile import Profile
from unknot.domain.vocabulary import Area

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
