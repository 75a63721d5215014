"""The session engine: `step(state, event, now) -> (state, effects)`.

Pure and clock-free: the caller passes `now` (seconds on any clock that does not jump). A step's
countdown is derived from when it started, so ticks may come late or unevenly without drift,
and a pause freezes it exactly. A tick that changes nothing returns the same state object and
a shared empty tuple: it allocates nothing (issue 5: 30 minutes of 10 ms ticks in 200 ms).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final, Literal

from unknot.domain.profile import Restriction
from unknot.domain.screening import ScreeningResult, Tier
from unknot.domain.timeline import Side, Step

Status = Literal["ready", "running", "paused", "finished", "stopped"]
Symptom = Literal[
    "numbness_one_arm",
    "numbness_both_arms_or_legs",
    "spreading_arm_symptoms",
    "dizziness",
    "visual_change",
    "breathlessness",
]
SYMPTOMS: Final[tuple[Symptom, ...]] = (
    "numbness_one_arm",
    "numbness_both_arms_or_legs",
    "spreading_arm_symptoms",
    "dizziness",
    "visual_change",
    "breathlessness",
)
# What each symptom during exercise means (clinical notes: new numbness or weakness in both arms
# or the legs → urgent, one arm → soon; dizziness, visual change or breathlessness end an exercise
# whatever the pain number). Visual change may be a stroke sign, so it is urgent.
SYMPTOM_TIER: Final[dict[Symptom, Tier]] = {
    "numbness_one_arm": "soon",
    "numbness_both_arms_or_legs": "urgent",
    "spreading_arm_symptoms": "soon",
    "dizziness": "soon",
    "visual_change": "urgent",
    "breathlessness": "soon",
}
SYMPTOM_WORDS: Final[dict[Symptom, str]] = {
    "numbness_one_arm": "new numbness, tingling or weakness in one arm",
    "numbness_both_arms_or_legs": "new numbness or weakness in both arms or in the legs",
    "spreading_arm_symptoms": "symptoms spreading into an arm",
    "dizziness": "dizziness",
    "visual_change": "a change in your vision",
    "breathlessness": "breathlessness",
}
# Pain above this during an exercise ends it (pain-monitoring model, Silbernagel et al. 2007).
PAIN_STOP_ABOVE: Final = 5
BEEPS: Final = 3
NO_EFFECTS: Final[tuple[()]] = ()
NEVER: Final = math.inf


# Events ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Start:
    pass


@dataclass(frozen=True, slots=True)
class Tick:
    pass


@dataclass(frozen=True, slots=True)
class Pause:
    pass


@dataclass(frozen=True, slots=True)
class Resume:
    pass


@dataclass(frozen=True, slots=True)
class Skip:
    pass


@dataclass(frozen=True, slots=True)
class Back:
    pass


@dataclass(frozen=True, slots=True)
class Done:
    pass


@dataclass(frozen=True, slots=True)
class Stop:
    pass


@dataclass(frozen=True, slots=True)
class ReportPain:
    area: str
    score: int
    symptoms: frozenset[Symptom] = frozenset()


@dataclass(frozen=True, slots=True)
class ReportEffort:
    reps_in_reserve: int


Event = Start | Tick | Pause | Resume | Skip | Back | Done | Stop | ReportPain | ReportEffort
TICK: Final = Tick()


# Effects --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Announce:
    """Text for the voice and the captions."""

    text: str


@dataclass(frozen=True, slots=True)
class Beep:
    """A countdown beep: 3, 2, 1."""

    count: int


@dataclass(frozen=True, slots=True)
class ShowStep:
    index: int


@dataclass(frozen=True, slots=True)
class StepRecord:
    """A step that ended, done or skipped, with its times on the caller's clock."""

    index: int
    item_index: int
    exercise_id: str
    kind: str
    set_number: int
    side: Side | None
    direction: str | None
    reps: int | None
    hold_s: float | None
    started_at: float
    ended_at: float
    skipped: bool


@dataclass(frozen=True, slots=True)
class RecordStep:
    record: StepRecord


@dataclass(frozen=True, slots=True)
class AskEffort:
    """After a strength exercise: how many more good repetitions were left (0, 1-2, 3+)."""

    item_index: int
    exercise_id: str


@dataclass(frozen=True, slots=True)
class RecordEffort:
    item_index: int
    exercise_id: str
    reps_in_reserve: int


@dataclass(frozen=True, slots=True)
class RecordPain:
    step_index: int
    item_index: int
    exercise_id: str
    area: str
    score: int
    symptoms: frozenset[Symptom]


@dataclass(frozen=True, slots=True)
class MarkAggravating:
    """This exercise hurt above 5/10: leave it out or use its easier version next time."""

    exercise_id: str


@dataclass(frozen=True, slots=True)
class SafetyStop:
    """Symptoms that end the session whatever the pain number, and how soon to get care."""

    tier: Tier
    symptoms: frozenset[Symptom]
    message: str


@dataclass(frozen=True, slots=True)
class AskPain:
    """The session is over: ask for the after-session pain check-in."""


@dataclass(frozen=True, slots=True)
class SessionEnded:
    finished: bool


Effect = (
    Announce
    | Beep
    | ShowStep
    | RecordStep
    | AskEffort
    | RecordEffort
    | RecordPain
    | MarkAggravating
    | SafetyStop
    | AskPain
    | SessionEnded
)


# State ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EngineState:
    """Where a session is. Build one with `new_session`."""

    timeline: tuple[Step, ...]
    index: int
    status: Status
    started_at: float = 0.0
    """When the current step started, on the caller's clock."""
    paused_s: float = 0.0
    """Time spent paused during the current step."""
    paused_at: float = 0.0
    wake_at: float = NEVER
    """The next moment a tick can change anything; ticks before it return at once."""
    beeps_left: int = 0

    @property
    def current(self) -> Step | None:
        return self.timeline[self.index] if self.index < len(self.timeline) else None


def new_session(timeline: tuple[Step, ...], resume_at: int = 0) -> EngineState:
    """A session ready to start, at its first step or where an earlier run stopped."""
    return EngineState(timeline=timeline, index=min(resume_at, len(timeline)), status="ready")


def remaining(state: EngineState, now: float) -> float | None:
    """Seconds left in the current step; None for a self-paced step or when not counting."""
    step = state.current
    if step is None or step.duration_s is None or state.status not in ("running", "paused"):
        return None
    at = state.paused_at if state.status == "paused" else now
    return max(0.0, step.duration_s - (at - state.started_at - state.paused_s))


def session_seconds(state: EngineState) -> tuple[float, float]:
    """Timed seconds done before the current step, and in the whole session."""
    done = sum(s.duration_s or 0.0 for s in state.timeline[: state.index])
    return done, sum(s.duration_s or 0.0 for s in state.timeline)


def step(state: EngineState, event: Event, now: float) -> tuple[EngineState, tuple[Effect, ...]]:
    """Apply one event at time `now`."""
    if event.__class__ is Tick:
        if now < state.wake_at:
            return state, NO_EFFECTS
        return _tick(state, now)
    if state.status in ("finished", "stopped"):
        return state, NO_EFFECTS
    if isinstance(event, Start):
        return _start(state, now) if state.status == "ready" else (state, NO_EFFECTS)
    if isinstance(event, Pause):
        if state.status != "running":
            return state, NO_EFFECTS
        return replace(state, status="paused", paused_at=now, wake_at=NEVER), (Announce("Paused."),)
    if isinstance(event, Resume):
        if state.status != "paused":
            return state, NO_EFFECTS
        resumed = replace(state, status="running", paused_s=state.paused_s + now - state.paused_at)
        return replace(resumed, wake_at=_wake_at(resumed)), (Announce("Go on."),)
    if isinstance(event, Stop):
        return replace(state, status="stopped", wake_at=NEVER), (
            Announce("Session stopped. What you did is saved."),
            SessionEnded(finished=False),
        )
    if isinstance(event, ReportEffort):
        return _effort(state, event)
    if state.status == "ready":
        return state, NO_EFFECTS
    if isinstance(event, Skip):
        return _finish_step(state, now, skipped=True)
    if isinstance(event, Done):
        return _finish_step(state, now, skipped=False)
    if isinstance(event, Back):
        return _back(state, now)
    if isinstance(event, ReportPain):
        return _pain(state, event, now)
    return state, NO_EFFECTS


def _wake_at(state: EngineState) -> float:
    step_ = state.current
    if state.status != "running" or step_ is None or step_.duration_s is None:
        return NEVER
    end = state.started_at + state.paused_s + step_.duration_s
    if state.beeps_left > 0:
        return end - state.beeps_left
    return end


def _enter(state: EngineState, index: int, at: float) -> tuple[EngineState, tuple[Effect, ...]]:
    """Begin step `index` at time `at` (or finish the session past the last step)."""
    if index >= len(state.timeline):
        done = replace(state, index=len(state.timeline), status="finished", wake_at=NEVER)
        return done, (
            Announce("Well done: session complete."),
            SessionEnded(finished=True),
            AskPain(),
        )
    next_step = state.timeline[index]
    duration = next_step.duration_s
    beeps = min(BEEPS, int(duration) - 1) if duration is not None and duration > 1 else 0
    entered = replace(
        state,
        index=index,
        status="running",
        started_at=at,
        paused_s=0.0,
        paused_at=0.0,
        beeps_left=beeps,
    )
    entered = replace(entered, wake_at=_wake_at(entered))
    return entered, (ShowStep(index), Announce(next_step.announce))


def _start(state: EngineState, now: float) -> tuple[EngineState, tuple[Effect, ...]]:
    return _enter(state, state.index, now)


# How far behind the server's a browser's clock may be: a step starting more than this before its
# session started did not happen in it (issue 13).
CLOCK_SKEW_S: Final = 60.0
# How far ahead of the server's clock (its now, or when it ended the session) a step may end.
# Wider than the skew: the player's clock is the page's, which tests fast-forward by minutes and
# a device may have set wrong by as much; refusing such steps would drop real work, while an hour
# still refuses nonsense.
CLOCK_AHEAD_S: Final = 3600.0


def step_times_problem(
    started_at: float,
    ended_at: float,
    *,
    session_started: float,
    session_ended: float | None,
    now: float,
) -> str | None:
    """Why a reported step's times cannot be of this session (epoch seconds), or None."""
    if ended_at < started_at:
        return "ended_at is before started_at"
    if started_at < session_started - CLOCK_SKEW_S:
        return "started_at is before the session started; check this device's clock"
    if session_ended is not None and ended_at > session_ended + CLOCK_AHEAD_S:
        return "ended_at is after the session ended; the step was not part of it"
    if ended_at > now + CLOCK_AHEAD_S:
        return "ended_at is in the future; check this device's clock"
    return None


def step_record(
    step: Step, *, started_at: float, ended_at: float, skipped: bool, active_s: float
) -> StepRecord:
    """What is kept of a finished step: its repetitions only when work was done, and a hold's
    seconds, at most the planned hold (`active_s` is the time spent in it) and 0 if skipped."""
    hold = None
    if step.kind == "hold":
        hold = 0.0 if skipped else min(active_s, float(step.hold_s or 0))
    return StepRecord(
        index=step.index,
        item_index=step.item_index,
        exercise_id=step.exercise_id,
        kind=step.kind,
        set_number=step.set_number,
        side=step.side,
        direction=step.direction,
        reps=None if skipped or step.kind != "work" else step.reps,
        hold_s=hold,
        started_at=started_at,
        ended_at=ended_at,
        skipped=skipped,
    )


def _record(state: EngineState, ended_at: float, skipped: bool) -> StepRecord:
    return step_record(
        state.timeline[state.index],
        started_at=state.started_at,
        ended_at=ended_at,
        skipped=skipped,
        active_s=max(0.0, ended_at - state.started_at - state.paused_s),
    )


def _after(state: EngineState, record: StepRecord) -> tuple[Effect, ...]:
    """Effects owed when a step ends: the record, and the effort question after strength."""
    current = state.timeline[state.index]
    effects: list[Effect] = [RecordStep(record)]
    following = state.timeline[state.index + 1] if state.index + 1 < len(state.timeline) else None
    last_of_item = following is None or following.item_index != current.item_index
    if last_of_item and current.block == "strength" and not record.skipped:
        effects.append(AskEffort(current.item_index, current.exercise_id))
    return tuple(effects)


def _finish_step(
    state: EngineState, now: float, skipped: bool
) -> tuple[EngineState, tuple[Effect, ...]]:
    if state.status == "paused":
        state = replace(state, status="running", paused_s=state.paused_s + now - state.paused_at)
    record = _record(state, now, skipped)
    owed = _after(state, record)
    entered, effects = _enter(state, state.index + 1, now)
    return entered, owed + effects


def _tick(state: EngineState, now: float) -> tuple[EngineState, tuple[Effect, ...]]:
    effects: list[Effect] = []
    while state.status == "running" and now >= state.wake_at:
        current = state.timeline[state.index]
        assert current.duration_s is not None
        end = state.started_at + state.paused_s + current.duration_s
        if now < end:
            # A countdown beep is due (3, 2, 1 seconds before the end).
            effects.append(Beep(state.beeps_left))
            state = replace(state, beeps_left=state.beeps_left - 1)
            state = replace(state, wake_at=_wake_at(state))
            continue
        # The step ended at `end`, not at `now`: the next one starts there, so nothing drifts.
        record = _record(state, end, skipped=False)
        effects.extend(_after(state, record))
        state, entered = _enter(state, state.index + 1, end)
        effects.extend(entered)
    return state, tuple(effects)


def _back(state: EngineState, now: float) -> tuple[EngineState, tuple[Effect, ...]]:
    """Restart the current step, or go to the previous one if this one has only just begun."""
    elapsed = now - state.started_at - state.paused_s
    target = state.index - 1 if elapsed < 2 and state.index > 0 else state.index
    state = replace(state, status="running")
    return _enter(state, target, now)


def _effort(state: EngineState, event: ReportEffort) -> tuple[EngineState, tuple[Effect, ...]]:
    strength = [s for s in state.timeline[: state.index] if s.block == "strength"]
    if not strength:
        return state, NO_EFFECTS
    last = strength[-1]
    return state, (RecordEffort(last.item_index, last.exercise_id, event.reps_in_reserve),)


def _pain(
    state: EngineState, event: ReportPain, now: float
) -> tuple[EngineState, tuple[Effect, ...]]:
    current = state.timeline[state.index]
    recorded = RecordPain(
        current.index,
        current.item_index,
        current.exercise_id,
        event.area,
        event.score,
        event.symptoms,
    )
    if event.symptoms:
        tier, message = symptom_stop(event.symptoms)
        record = _record(state, now, skipped=True)
        stopped = replace(state, status="stopped", wake_at=NEVER)
        return stopped, (
            recorded,
            RecordStep(record),
            Announce(message),
            SafetyStop(tier, event.symptoms, message),
            SessionEnded(finished=False),
        )
    if event.score <= PAIN_STOP_ABOVE:
        return state, (recorded,)
    # Above 5/10: this exercise ends now; the session goes on with the next one.
    record = _record(state, now, skipped=True)
    following = state.index + 1
    while following < len(state.timeline) and (
        state.timeline[following].item_index == current.item_index
    ):
        following += 1
    entered, effects = _enter(state, following, now)
    return entered, (
        recorded,
        RecordStep(record),
        MarkAggravating(current.exercise_id),
        Announce(f"Stopping {current.name}: pain above 5 out of 10 is too much today."),
        *effects,
    )


# What to do after symptoms during a session, by tier. The browser gets these with the session
# (`symptom_rules`) so that it says the same when the server cannot be reached (issue 12).
STOP_ADVICE: Final[dict[Tier, str]] = {
    "urgent": "Call emergency services now.",
    "soon": (
        "Rest, and see a doctor or physiotherapist within the next few days before exercising "
        "again; get help at once if it gets worse."
    ),
}


def symptom_tier(symptoms: Iterable[Symptom]) -> Tier:
    """Urgent if any symptom is; otherwise soon."""
    return "urgent" if any(SYMPTOM_TIER[s] == "urgent" for s in symptoms) else "soon"


def symptom_stop(symptoms: frozenset[Symptom]) -> tuple[Tier, str]:
    """How soon to get care after these symptoms, and the message that stops the session."""
    tier = symptom_tier(symptoms)
    said = ", ".join(SYMPTOM_WORDS[s] for s in sorted(symptoms))
    return tier, f"Stop now: {said}. {STOP_ADVICE[tier]}"


def symptom_rules() -> dict[str, object]:
    """The rules of `symptom_stop` as data, for a player that must apply them offline."""
    return {
        "tiers": dict(SYMPTOM_TIER),
        "words": dict(SYMPTOM_WORDS),
        "advice": dict(STOP_ADVICE),
        "template": "Stop now: {said}. {advice}",
    }


def symptom_result(symptoms: frozenset[Symptom]) -> ScreeningResult:
    """What symptoms reported during a session mean for the next ones, as a screening result."""
    tier = symptom_tier(symptoms)
    restrictions: set[Restriction] = set()
    if tier == "soon":
        restrictions.add("mobility_only")
        if symptoms & {"numbness_one_arm", "spreading_arm_symptoms"}:
            restrictions.add("no_neck_circling")
    return ScreeningResult(
        tier=tier, restrictions=frozenset(restrictions), flagged=tuple(sorted(symptoms))
    )
