"""A week: which of seven days get a session, and each session planned from one programme, with
loaded work for the same muscles 48 hours apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

from unknot.domain.exercise import Exercise
from unknot.domain.history import History
from unknot.domain.plan import PlannedDay, SessionPlan, WeekPlan
from unknot.domain.planner.session import build_session, loaded_areas
from unknot.domain.profile import Profile
from unknot.domain.programme import Programme
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


def next_session_day(after: dt.date, sessions_per_week: int, anchor: dt.date) -> dt.date:
    """The first session day after `after`, the week's pattern counted from `anchor` (the
    programme's first day)."""
    offsets = SESSION_DAYS[sessions_per_week]
    day = after + dt.timedelta(days=1)
    while (day - anchor).days % 7 not in offsets:
        day += dt.timedelta(days=1)
    return day


def build_week(
    catalog: Mapping[str, Exercise],
    profile: Profile,
    history: History | None = None,
    *,
    start: dt.date,
    seed: int = 0,
    programme: Programme | None = None,
) -> WeekPlan:
    """Plan seven days from `start`: sessions spread out, rest days between, one programme."""
    history = history or History()
    days: list[PlannedDay] = []
    offsets = session_days(profile.sessions_per_week)
    previous: SessionPlan | None = None
    previous_offset: int | None = None
    for offset in range(7):
        day = start + dt.timedelta(days=offset)
        if offset not in offsets:
            days.append(PlannedDay(day=day, session=None, note="Rest day."))
            continue
        loaded: frozenset[Area] = loaded_areas(catalog, history, day=day)
        if previous is not None and previous_offset == offset - 1:
            # The day before is a planned session, not yet in the history.
            loaded = loaded | frozenset(
                catalog[p.exercise_id].targets[0]
                for p in previous.items
                if p.exercise_id in catalog
                and p.block == "strength"
                and not catalog[p.exercise_id].motor_control
            )
        session = build_session(
            catalog, profile, history, day=day, seed=seed, programme=programme, loaded=loaded
        )
        programme = session.programme or programme
        days.append(PlannedDay(day=day, session=session, note="Session day."))
        previous, previous_offset = session, offset
    return WeekPlan(start=start, days=tuple(days))
