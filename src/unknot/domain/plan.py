"""A planned session and a planned week, as the planner hands them to the interfaces."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from unknot.domain.exercise import Strict
from unknot.domain.programme import Programme
from unknot.domain.vocabulary import DirectionOrder, Item, Phase, Position

Part = Literal["warm_up", "programme"]


class PlannedExercise(Strict):
    """One exercise in a session: which version, how much, and why."""

    exercise_id: str
    name: str
    block: Phase
    alternative: int
    """Index of the chosen alternative in the catalog entry."""
    equipment: tuple[Item, ...]
    position: Position
    sets: int
    reps: int | None
    hold_s: int | None
    work_s: int | None
    per_side: bool
    side_words: tuple[str, str] | None = None
    """What each side's movement is, first then second (the exercise's `side_words`)."""
    directions: tuple[str, ...] | None
    direction_order: DirectionOrder
    rep_s: float
    rest_s: int
    """Rest between sets."""
    transition_s: int
    """Time before this exercise to get into position or pick up equipment."""
    duration_s: int
    """From the first movement to the last, rests between sets included."""
    level: int
    levels: int
    """Rung on the dose ladder (0 = lowest) and the ladder's length."""
    reasons: tuple[str, ...]
    part: Part = "programme"
    """The warm-up (light cardio and the dynamic stretches that follow it, one flowing part)
    or the programme."""
    change: str | None = None
    """What is different from last time, in words ("10 repetitions, up from 8")."""


class SessionPlan(Strict):
    """One session, ordered warm-up → dynamic → strength → static."""

    day: dt.date
    minutes: int
    """The time budget asked for."""
    items: tuple[PlannedExercise, ...]
    total_s: int
    """Estimated total, transitions and rests included."""
    notes: tuple[str, ...] = ()
    """Plan-wide explanations: what was left out and why."""
    shortfall: str | None = None
    """Set when fewer minutes of suitable exercise exist than were asked for."""
    swapped_out: tuple[str, ...] = ()
    """Exercises the person swapped out of this day's plan."""
    gentle_day: bool = False
    """A severe day's short gentle routine instead of an ordinary session (issue 14)."""
    programme: Programme | None = None
    """The programme this session was planned from (none on a gentle day)."""


class PlannedDay(Strict):
    """One day of a week: a session, or rest."""

    day: dt.date
    session: SessionPlan | None
    note: str


class WeekPlan(Strict):
    """Seven days from `start`."""

    start: dt.date
    days: tuple[PlannedDay, ...]


class PlanImpossible(ValueError):
    """Nothing suitable fits the request; the message says what to change."""
