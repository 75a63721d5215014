"""Plans holding chosen exercises: a programme made by hand, which the planner keeps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from unknot.domain.exercise import Exercise
from unknot.domain.history import History
from unknot.domain.plan import SessionPlan
from unknot.domain.planner import build_session
from unknot.domain.planner.eligibility import families
from unknot.domain.profile import Profile
from unknot.domain.programme import ROLE_BLOCK, Programme, ProgrammeSlot, Role

ROLES: dict[str, Role] = {block: role for role, block in ROLE_BLOCK.items()}


def programme_of(
    catalog: Mapping[str, Exercise],
    exercise_ids: Sequence[str],
    *,
    minutes: int,
    day: dt.date,
    warm_up: Sequence[str] = (),
) -> Programme:
    return Programme(
        started_on=day,
        minutes=minutes,
        warm_up=tuple(warm_up),
        slots=tuple(
            ProgrammeSlot(role=ROLES[catalog[i].phase], exercise_id=i) for i in exercise_ids
        ),
    )


def plan_of(
    catalog: Mapping[str, Exercise],
    exercise_ids: Sequence[str],
    *,
    day: dt.date,
    profile: Profile | None = None,
    history: History | None = None,
    warm_up: Sequence[str] = (),
) -> SessionPlan:
    """Today's plan for a programme of these exercises (each must suit the profile)."""
    profile = profile or Profile(minutes=60, equipment=frozenset(Profile().equipment | {"mat"}))
    programme = programme_of(
        catalog, exercise_ids, minutes=profile.minutes, day=day, warm_up=warm_up
    )
    plan = build_session(catalog, profile, history, day=day, programme=programme)
    planned = {i.exercise_id for i in plan.items}
    chains = families(catalog)
    missing = [i for i in exercise_ids if not planned & set(chains.get(i, [i]))]
    assert not missing, f"not planned: {missing}; notes: {plan.notes}"
    return plan
