"""The session engine: `step(state, event, now) -> (state, effects)`.

Every rule of a guided session lives here (issue 15; h11's `_state.py` is the model): the
terminal player runs it, and the browser interprets it. What the browser needs is data: each
step's decisions (`StepDecision`: its beeps, whether an effort question follows it, where pain
skips to) and the `session_rules` block (thresholds, texts, the symptom table). The server
replays the browser's events through `step`, so the engine writes every record; tests replay
traces of this engine against the browser's session module (`static/js/session.js`).

Pure and clock-free: `now` is seconds on a monotonic clock, read by the caller (`Clock.
monotonic`, or `performance.now()` in the browser) as an offset from the session run's start.
Records carry the same offsets; the caller turns them into wall time. A step's countdown is
derived from when it started, so ticks may come late or unevenly without drift, and a pause
freezes it exactly. An event first lets time pass (as a tick would) and then applies, so what
was due before it happens first however late the ticks came. A tick that changes nothing returns
the same state object and a shared empty tuple: it allocates nothing (issue 5: 30 minutes of
10 ms ticks in 200 ms).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Final, Literal, NamedTuple

from unknot.domain.pain import limits, pain_limit
from unknot.domain.profile import Restriction
from unknot.domain.screening import LOCKING, TIER_ORDER, ScreeningResult, Tier
from unknot.domain.timeline import Side, Step

Status = Literal["ready", "running", "paused", "finished", "stopped"]
Symptom = Literal[
    "chest_pain",
    "one_side_weakness",
    "sudden_headache",
    "sudden_neck_pain",
    "speech_or_face",
    "visual_change",
    "numbness_both_arms_or_legs",
    "breathlessness",
    "fainted",
    "nearly_fainted",
    "palpitations",
    "dizziness",
    "numbness_one_arm",
    "spreading_arm_symptoms",
    "lhermitte",
]


class SymptomRule(NamedTuple):
    """One row of the symptom table: what a symptom during exercise means."""

    symptom: Symptom
    words: str
    tier: Tier
    restrictions: tuple[Restriction, ...]
    source: str


# The one symptom table (issue 14): "This hurts" offers these, most serious first; each ends the
# exercise whatever the pain number (clinical notes, pain during and after exercise).
SYMPTOM_TABLE: Final[tuple[SymptomRule, ...]] = (
    SymptomRule(
        "chest_pain", "chest pain or pressure", "emergency", (), "Clinical notes, red flags"
    ),
    SymptomRule(
        "one_side_weakness",
        "weakness or numbness down one side of your body, or a drooping face",
        "emergency",
        (),
        "Clinical notes, red flags: stroke (BE FAST)",
    ),
    SymptomRule(
        "sudden_headache",
        "a sudden, severe headache",
        "emergency",
        (),
        "Clinical notes, red flags: sudden worst-ever headache",
    ),
    SymptomRule(
        "sudden_neck_pain",
        "sudden, severe neck pain unlike any before",
        "emergency",
        (),
        "A torn neck artery can start during movement: Rushton et al., IFOMPT framework, "
        "JOSPT 2023",
    ),
    SymptomRule(
        "speech_or_face",
        "new trouble speaking or swallowing, numbness in your face, or double vision",
        "emergency",
        (),
        "The 5 D's and 3 N's: Rushton et al., IFOMPT framework, JOSPT 2023",
    ),
    SymptomRule(
        "visual_change",
        "a change in your vision",
        "emergency",
        (),
        "Clinical notes, red flags: stroke (BE FAST)",
    ),
    SymptomRule(
        "numbness_both_arms_or_legs",
        "new numbness or weakness in both arms or in the legs",
        "emergency",
        (),
        "Clinical notes: new numbness or weakness during use, both arms or the legs → urgent",
    ),
    SymptomRule(
        "breathlessness",
        "breathlessness out of proportion to the effort, or not settling within a few minutes "
        "of rest",
        "emergency",
        (),
        "Konstantinides et al., ESC 2020; consensus, ours, after the physiotherapist's review "
        "(issue 14)",
    ),
    SymptomRule(
        "fainted",
        "fainting",
        "emergency",
        ("mobility_only",),
        "Fainting during exertion is a warning sign of heart disease; consensus, ours, after "
        "the physiotherapist's review (issue 14)",
    ),
    SymptomRule(
        "nearly_fainted",
        "nearly fainting",
        "same_day",
        ("mobility_only",),
        "Consensus, ours, after the physiotherapist's review (issue 14): nearly fainting on "
        "getting up is usually harmless, but needs a doctor's look when it comes with exercise",
    ),
    SymptomRule(
        "palpitations",
        "a racing or irregular heartbeat",
        "soon",
        ("mobility_only",),
        "Consensus, ours: with nearly fainting it is an emergency, with dizziness same-day",
    ),
    SymptomRule(
        "dizziness",
        "dizziness",
        "soon",
        ("mobility_only", "no_neck_circling"),
        "Rushton et al., JOSPT 2023: dizziness alone is common and not urgent",
    ),
    SymptomRule(
        "numbness_one_arm",
        "new numbness, tingling or weakness in one arm",
        "soon",
        ("mobility_only", "no_neck_circling", "no_arm_nerve_provocation"),
        "Clinical notes: new numbness or weakness during use, one arm → soon",
    ),
    SymptomRule(
        "spreading_arm_symptoms",
        "symptoms spreading into an arm",
        "soon",
        ("mobility_only", "no_neck_circling", "no_arm_nerve_provocation"),
        "Clinical notes: spreading arm symptoms end an exercise whatever the pain number",
    ),
    SymptomRule(
        "lhermitte",
        "an electric-shock feeling down your back or limbs when you bend your head forward",
        "soon",
        ("mobility_only", "no_end_range_neck_flexion"),
        "Lhermitte's sign; consensus, ours, after the physiotherapist's review (issue 14)",
    ),
)
SYMPTOMS: Final[tuple[Symptom, ...]] = tuple(rule.symptom for rule in SYMPTOM_TABLE)
SYMPTOM_RULES: Final[dict[Symptom, SymptomRule]] = {rule.symptom: rule for rule in SYMPTOM_TABLE}
SYMPTOM_TIER: Final[dict[Symptom, Tier]] = {rule.symptom: rule.tier for rule in SYMPTOM_TABLE}
SYMPTOM_WORDS: Final[dict[Symptom, str]] = {rule.symptom: rule.words for rule in SYMPTOM_TABLE}
# Symptoms that mean more together: nearly fainting with chest pain, palpitations or
# breathlessness; palpitations with dizziness.
SYMPTOM_COMBINATIONS: Final[tuple[tuple[Symptom, frozenset[Symptom], Tier], ...]] = (
    ("nearly_fainted", frozenset({"chest_pain", "palpitations", "breathlessness"}), "emergency"),
    ("palpitations", frozenset({"dizziness"}), "same_day"),
)
BEEPS: Final = 3
"""Countdown beeps at the end of a timed step: 3, 2, 1 seconds before it ends."""
BACK_RESTARTS_WITHIN_S: Final = 2.0
"""Back within this many seconds of a step's start goes to the step before; later, it restarts
the step."""
# What the voice says (and the captions show) at the session's turns.
TEXTS: Final[dict[str, str]] = {
    "paused": "Paused.",
    "resumed": "Go on.",
    "stopped": "Session stopped. What you did is saved.",
    "complete": "Well done: session complete.",
    "too_painful": "Stopping {name}: pain above {limit} out of 10 is too much today.",
    # A report within the limit is acknowledged, with what would end the exercise (issue 17).
    "pain_noted": (
        "Noted: {score} out of 10 in your {area}. Go on gently; above {limit} this exercise stops."
    ),
}
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
    """The answer to an effort question (`AskEffort`); `item_index` names the exercise it was
    asked after (None: the latest asked)."""

    reps_in_reserve: int
    item_index: int | None = None


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
    paused_s: float = 0.0
    """Time spent paused during the step: not part of its active time."""


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
    """This exercise hurt too much: leave it out or use its easier version next time."""

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


# Decisions ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepDecision:
    """What the rules decide about one step, ahead of time: the data a player interprets."""

    beeps: int
    """Countdown beeps before the step ends (none for short or self-paced steps)."""
    asks_effort: bool
    """Done (not skipped), it ends a strength exercise: ask how many repetitions were left."""
    pain_skip_to: int
    """Where too much pain here goes: the first step of the next exercise (or the end)."""


def beeps_for(step_: Step) -> int:
    """Beeps at the end of a timed step: `BEEPS`, fewer when it is too short for them."""
    duration = step_.duration_s
    return min(BEEPS, int(duration) - 1) if duration is not None and duration > 1 else 0


def decide(timeline: tuple[Step, ...]) -> tuple[StepDecision, ...]:
    """Each step's decisions (one rule each: `beeps_for`, the effort question, the pain skip)."""
    decisions: list[StepDecision] = []
    for position, current in enumerate(timeline):
        following = timeline[position + 1] if position + 1 < len(timeline) else None
        last_of_item = following is None or following.item_index != current.item_index
        skip_to = position + 1
        while skip_to < len(timeline) and timeline[skip_to].item_index == current.item_index:
            skip_to += 1
        decisions.append(
            StepDecision(
                beeps=beeps_for(current),
                asks_effort=last_of_item and current.block == "strength",
                pain_skip_to=skip_to,
            )
        )
    return tuple(decisions)


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
    pain_limits: tuple[tuple[str, int], ...] = ()
    """Per area, pain above this ends an exercise (`pain.pain_limit` of the starting pain);
    areas not named use the limit for an unknown start."""
    emergency_number: str = "112"
    """The number the stop messages tell the person to call."""
    decisions: tuple[StepDecision, ...] = ()
    """`decide(timeline)`, made once."""
    asked: frozenset[int] = frozenset()
    """Items whose effort question was asked: the answers that can be recorded."""

    @property
    def current(self) -> Step | None:
        return self.timeline[self.index] if self.index < len(self.timeline) else None

    def pain_limit(self, area: str) -> int:
        return dict(self.pain_limits).get(area, pain_limit(None))


def new_session(
    timeline: tuple[Step, ...],
    resume_at: int = 0,
    *,
    start_pain: Mapping[str, int] | None = None,
    emergency_number: str = "112",
) -> EngineState:
    """A session ready to start, at its first step or where an earlier run stopped.

    `start_pain` is each area's pain as the session starts (`pain.starting_pain`): it sets how
    much pain during an exercise is too much for that area.
    """
    return EngineState(
        timeline=timeline,
        index=min(resume_at, len(timeline)),
        status="ready",
        pain_limits=tuple(sorted(limits(dict(start_pain or {})).items())),
        emergency_number=emergency_number,
        decisions=decide(timeline),
    )


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
    if now >= state.wake_at:
        # Time passed first: what was due before this event happens before it.
        state, due = _tick(state, now)
        later, effects = _apply(state, event, now)
        return later, due + effects
    return _apply(state, event, now)


def _apply(state: EngineState, event: Event, now: float) -> tuple[EngineState, tuple[Effect, ...]]:
    if isinstance(event, ReportEffort):
        return _effort(state, event)
    if state.status in ("finished", "stopped"):
        return state, NO_EFFECTS
    if isinstance(event, Start):
        return _start(state, now) if state.status == "ready" else (state, NO_EFFECTS)
    if isinstance(event, Pause):
        if state.status != "running":
            return state, NO_EFFECTS
        paused = replace(state, status="paused", paused_at=now, wake_at=NEVER)
        return paused, (Announce(TEXTS["paused"]),)
    if isinstance(event, Resume):
        if state.status != "paused":
            return state, NO_EFFECTS
        resumed = replace(state, status="running", paused_s=state.paused_s + now - state.paused_at)
        return replace(resumed, wake_at=_wake_at(resumed)), (Announce(TEXTS["resumed"]),)
    if isinstance(event, Stop):
        return _stop(state, now)
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


def replay(
    state: EngineState, events: Iterable[tuple[Event, float]], since: float = -math.inf
) -> tuple[EngineState, list[tuple[float, tuple[Effect, ...]]]]:
    """Apply events in the order they happened, each at its offset; each event's effects with
    the time they came at. An offset earlier than the one before it (or than `since`, where an
    earlier replay of the same events stopped) counts as that one: the clock they were read on
    does not go back."""
    produced: list[tuple[float, tuple[Effect, ...]]] = []
    last = since
    for event, at in events:
        last = max(last, at)
        state, effects = step(state, event, last)
        produced.append((last, effects))
    return state, produced


# The events a player sends, by the name it sends them under (issue 15: the browser's outbox).
BARE_EVENTS: Final[dict[str, Event]] = {
    "start": Start(),
    "tick": TICK,
    "pause": Pause(),
    "resume": Resume(),
    "skip": Skip(),
    "back": Back(),
    "done": Done(),
    "stop": Stop(),
}
EVENT_KINDS: Final[tuple[str, ...]] = (*BARE_EVENTS, "pain", "effort")


def event_of(kind: str, data: Mapping[str, object]) -> Event:
    """The engine event a player sent as `kind` with `data` (a pain report's area, score and
    symptoms; an effort answer's item and repetitions in reserve)."""
    if kind == "pain":
        symptoms = data.get("symptoms", ())
        assert isinstance(symptoms, list | tuple)
        unknown = set(symptoms) - set(SYMPTOMS)
        if unknown:
            raise ValueError(f"symptoms: {', '.join(sorted(map(str, unknown)))} not known")
        return ReportPain(str(data["area"]), _whole(data["score"]), frozenset(symptoms))
    if kind == "effort":
        item = data.get("item_index")
        return ReportEffort(_whole(data["reps_in_reserve"]), None if item is None else _whole(item))
    if kind not in BARE_EVENTS:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(EVENT_KINDS)}")
    return BARE_EVENTS[kind]


def _whole(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    return value


def _wake_at(state: EngineState) -> float:
    step_ = state.current
    if state.status != "running" or step_ is None or step_.duration_s is None:
        return NEVER
    end = state.started_at + state.paused_s + step_.duration_s
    if state.beeps_left > 0:
        return end - state.beeps_left
    return end


def _unpaused(state: EngineState, now: float) -> EngineState:
    """The state running again at `now`, its pause counted (a step can end while paused)."""
    if state.status != "paused":
        return state
    return replace(state, status="running", paused_s=state.paused_s + now - state.paused_at)


def _stop(state: EngineState, now: float) -> tuple[EngineState, tuple[Effect, ...]]:
    """The person stopped: the session ends where it is (the step under way is not recorded)."""
    return replace(state, status="stopped", wake_at=NEVER), (
        Announce(TEXTS["stopped"]),
        SessionEnded(finished=False),
    )


def _enter(state: EngineState, index: int, at: float) -> tuple[EngineState, tuple[Effect, ...]]:
    """Begin step `index` at time `at` (or finish the session past the last step)."""
    if index >= len(state.timeline):
        done = replace(state, index=len(state.timeline), status="finished", wake_at=NEVER)
        return done, (
            Announce(TEXTS["complete"]),
            SessionEnded(finished=True),
            AskPain(),
        )
    next_step = state.timeline[index]
    entered = replace(
        state,
        index=index,
        status="running",
        started_at=at,
        paused_s=0.0,
        paused_at=0.0,
        beeps_left=state.decisions[index].beeps,
    )
    entered = replace(entered, wake_at=_wake_at(entered))
    return entered, (ShowStep(index), Announce(next_step.announce))


def _start(state: EngineState, now: float) -> tuple[EngineState, tuple[Effect, ...]]:
    return _enter(state, state.index, now)


def step_record(
    step: Step, *, started_at: float, ended_at: float, skipped: bool, paused_s: float = 0.0
) -> StepRecord:
    """What is kept of a finished step: its repetitions only when work was done, and a hold's
    seconds: the time spent in it less its pauses, at most the planned hold, and 0 if skipped."""
    hold = None
    active_s = max(0.0, ended_at - started_at - paused_s)
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
        paused_s=paused_s,
    )


def _record(state: EngineState, ended_at: float, skipped: bool) -> StepRecord:
    return step_record(
        state.timeline[state.index],
        started_at=state.started_at,
        ended_at=ended_at,
        skipped=skipped,
        paused_s=state.paused_s,
    )


def _after(state: EngineState, record: StepRecord) -> tuple[EngineState, tuple[Effect, ...]]:
    """Effects owed when a step ends: the record, and the effort question after strength."""
    current = state.timeline[state.index]
    if state.decisions[state.index].asks_effort and not record.skipped:
        asked = replace(state, asked=state.asked | {current.item_index})
        return asked, (RecordStep(record), AskEffort(current.item_index, current.exercise_id))
    return state, (RecordStep(record),)


def _finish_step(
    state: EngineState, now: float, skipped: bool
) -> tuple[EngineState, tuple[Effect, ...]]:
    state = _unpaused(state, now)
    record = _record(state, now, skipped)
    state, owed = _after(state, record)
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
        state, owed = _after(state, record)
        effects.extend(owed)
        state, entered = _enter(state, state.index + 1, end)
        effects.extend(entered)
    return state, tuple(effects)


def _back(state: EngineState, now: float) -> tuple[EngineState, tuple[Effect, ...]]:
    """Restart the current step, or go to the previous one if this one has only just begun."""
    state = _unpaused(state, now)
    elapsed = now - state.started_at - state.paused_s
    back_a_step = elapsed < BACK_RESTARTS_WITHIN_S and state.index > 0
    target = state.index - 1 if back_a_step else state.index
    return _enter(state, target, now)


def _effort(state: EngineState, event: ReportEffort) -> tuple[EngineState, tuple[Effect, ...]]:
    """An answer is kept only for a question that was asked (after a strength exercise done)."""
    item = event.item_index
    if item is None:
        asked_before = [
            s.item_index for s in state.timeline[: state.index] if s.item_index in state.asked
        ]
        item = asked_before[-1] if asked_before else None
    if item is None or item not in state.asked:
        return state, NO_EFFECTS
    exercise_id = next(s.exercise_id for s in state.timeline if s.item_index == item)
    return state, (RecordEffort(item, exercise_id, event.reps_in_reserve),)


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
        tier, message = symptom_stop(event.symptoms, state.emergency_number)
        state = _unpaused(state, now)
        record = _record(state, now, skipped=True)
        stopped = replace(state, status="stopped", wake_at=NEVER)
        return stopped, (
            recorded,
            RecordStep(record),
            Announce(message),
            SafetyStop(tier, event.symptoms, message),
            SessionEnded(finished=False),
        )
    limit = state.pain_limit(event.area)
    if event.score <= limit:
        area = event.area.replace("_", " ")
        noted = TEXTS["pain_noted"].format(score=event.score, area=area, limit=limit)
        return state, (recorded, Announce(noted))
    # Above the limit: this exercise ends now; the session goes on with the next one.
    state = _unpaused(state, now)
    record = _record(state, now, skipped=True)
    entered, effects = _enter(state, state.decisions[state.index].pain_skip_to, now)
    return entered, (
        recorded,
        RecordStep(record),
        MarkAggravating(current.exercise_id),
        Announce(TEXTS["too_painful"].format(name=current.name, limit=limit)),
        *effects,
    )


# What to do after symptoms during a session, by tier; `{number}` is the emergency number. The
# browser gets these with the session (`symptom_rules`) so that it says the same when the server
# cannot be reached (issue 12).
STOP_ADVICE: Final[dict[Tier, str]] = {
    "emergency": (
        "Sit or lie down and keep your neck still. Call {number} now, or have someone call "
        "for you. Do not exercise."
    ),
    "same_day": (
        "Stop for today, sit or lie down, and see a doctor today; if it gets worse or you feel "
        "faint again, call {number}."
    ),
    "soon": (
        "Rest, and see a doctor or physiotherapist within the next few days before exercising "
        "again; get help at once if it gets worse."
    ),
}


STOP_MESSAGE: Final = "Stop now: {said}. {advice}"


# A symptom reported during a session is never less than "see a clinician soon".
LEAST_SYMPTOM_TIER: Final[Tier] = "soon"


def symptom_tier(symptoms: Iterable[Symptom]) -> Tier:
    """The most serious tier of the symptoms and of their combinations (soon when none)."""
    given = frozenset(symptoms)
    tiers = [SYMPTOM_TIER[s] for s in given]
    tiers += [tier for one, others, tier in SYMPTOM_COMBINATIONS if one in given and given & others]
    return max(tiers, key=TIER_ORDER.__getitem__, default=LEAST_SYMPTOM_TIER)


def symptom_stop(symptoms: frozenset[Symptom], emergency_number: str) -> tuple[Tier, str]:
    """How soon to get care after these symptoms, and the message that stops the session."""
    tier = symptom_tier(symptoms)
    said = ", ".join(SYMPTOM_WORDS[s] for s in SYMPTOMS if s in symptoms)
    advice = STOP_ADVICE[tier].format(number=emergency_number)
    return tier, STOP_MESSAGE.format(said=said, advice=advice)


@dataclass(frozen=True, slots=True)
class SymptomCombination:
    """A symptom that, with any of `with_any`, is more urgent than either alone."""

    symptom: Symptom
    with_any: list[Symptom]
    tier: Tier


@dataclass(frozen=True, slots=True)
class SymptomRules:
    """The rules of `symptom_stop` as data, for a player that must apply them offline."""

    order: list[Symptom]
    tiers: dict[Symptom, Tier]
    tier_order: dict[Tier, int]
    combinations: list[SymptomCombination]
    words: dict[Symptom, str]
    advice: dict[Tier, str]
    locking: list[Tier]
    template: str
    least: Tier
    """The tier of any symptom at all (`LEAST_SYMPTOM_TIER`)."""


def symptom_rules() -> SymptomRules:
    """The rules of `symptom_stop` as data, for a player that must apply them offline."""
    return SymptomRules(
        order=list(SYMPTOMS),
        tiers=dict(SYMPTOM_TIER),
        tier_order=dict(TIER_ORDER),
        combinations=[
            SymptomCombination(one, sorted(others), tier)
            for one, others, tier in SYMPTOM_COMBINATIONS
        ],
        words=dict(SYMPTOM_WORDS),
        advice=dict(STOP_ADVICE),
        locking=sorted(LOCKING),
        template=STOP_MESSAGE,
        least=LEAST_SYMPTOM_TIER,
    )


@dataclass(frozen=True, slots=True)
class PlayerStep(Step):
    """A step as a player reads it: the step, and the engine's decisions about it."""

    beeps: int
    asks_effort: bool
    pain_skip_to: int


def player_steps(state: EngineState) -> list[PlayerStep]:
    """The timeline as a player reads it: each step with the engine's decisions about it."""
    return [
        PlayerStep(
            **{f.name: getattr(current, f.name) for f in fields(current)}, **asdict(decision)
        )
        for current, decision in zip(state.timeline, state.decisions, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class SessionRules:
    """Everything the browser's session module reads besides the steps and their decisions:
    the engine's thresholds and texts, this session's pain limits and emergency number, and
    the symptom rules. The module types none of them itself."""

    back_restarts_within_s: float
    texts: dict[str, str]
    pain_limits: dict[str, int]
    pain_limit_unknown: int
    emergency_number: str
    symptoms: SymptomRules


def session_rules(state: EngineState) -> SessionRules:
    """This session's rules as data (see `SessionRules`)."""
    return SessionRules(
        back_restarts_within_s=BACK_RESTARTS_WITHIN_S,
        texts=dict(TEXTS),
        pain_limits=dict(state.pain_limits),
        pain_limit_unknown=pain_limit(None),
        emergency_number=state.emergency_number,
        symptoms=symptom_rules(),
    )


def symptom_result(symptoms: frozenset[Symptom]) -> ScreeningResult:
    """What symptoms reported during a session mean for the next ones, as a screening result."""
    restrictions: set[Restriction] = {r for s in symptoms for r in SYMPTOM_RULES[s].restrictions}
    tier = symptom_tier(symptoms)
    if tier in LOCKING:
        restrictions.add("mobility_only")
    said = tuple(SYMPTOM_WORDS[s] for s in SYMPTOMS if s in symptoms)
    return ScreeningResult(
        tier=tier,
        restrictions=frozenset(restrictions),
        flagged=tuple(s for s in SYMPTOMS if s in symptoms),
        findings=tuple(f"during a session: {words}" for words in said),
    )
