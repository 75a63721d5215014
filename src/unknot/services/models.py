"""The domain's models and tables that interfaces name: a profile to fill in, the questions and
their tiers, the player's events and effects, the choices a form offers.

Named here so that interfaces import only services (issue 16); the rules that use them stay in
the domain and the use cases.
"""

from __future__ import annotations

from unknot.domain.engine import (
    SYMPTOM_TABLE,
    SYMPTOM_WORDS,
    SYMPTOMS,
    TICK,
    Announce,
    AskEffort,
    Back,
    Beep,
    Done,
    Effect,
    Event,
    MarkAggravating,
    Pause,
    RecordStep,
    ReportEffort,
    ReportPain,
    Resume,
    SafetyStop,
    SessionEnded,
    ShowStep,
    Skip,
    Start,
    Stop,
    Symptom,
)
from unknot.domain.exercise import Exercise
from unknot.domain.plan import SessionPlan, WeekPlan
from unknot.domain.profile import EXPERIENCES, GOALS, RESTRICTIONS, Profile
from unknot.domain.progress import NOTE_MAX_CHARS, Advice
from unknot.domain.screening import (
    COUNTRY_NAMES,
    QUESTIONS,
    TIER_TITLES,
    Question,
    ScreeningRecord,
    ScreeningResult,
    Tier,
    asked,
    next_question,
)
from unknot.domain.timeline import Step

__all__ = [
    "COUNTRY_NAMES",
    "EXPERIENCES",
    "GOALS",
    "NOTE_MAX_CHARS",
    "QUESTIONS",
    "RESTRICTIONS",
    "SYMPTOMS",
    "SYMPTOM_TABLE",
    "SYMPTOM_WORDS",
    "TICK",
    "TIER_TITLES",
    "Advice",
    "Announce",
    "AskEffort",
    "Back",
    "Beep",
    "Done",
    "Effect",
    "Event",
    "Exercise",
    "MarkAggravating",
    "Pause",
    "Profile",
    "Question",
    "RecordStep",
    "ReportEffort",
    "ReportPain",
    "Resume",
    "SafetyStop",
    "ScreeningRecord",
    "ScreeningResult",
    "SessionEnded",
    "SessionPlan",
    "ShowStep",
    "Skip",
    "Start",
    "Step",
    "Stop",
    "Symptom",
    "Tier",
    "WeekPlan",
    "asked",
    "next_question",
]
