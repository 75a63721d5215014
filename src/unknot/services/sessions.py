"""Session use cases: start or resume a guided session, drive it, save every step at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from unknot.clock import Clock, RunTime, instant, today
from unknot.services.catalog import exercises
from unknot.services.workspace import Workspace

if TYPE_CHECKING:
    from unknot.domain.engine import Effect, EngineState, Event
    from unknot.domain.exercise import Exercise
    from unknot.domain.plan import SessionPlan
    from unknot.domain.profile import Profile
    from unknot.domain.screening import Readiness
    from unknot.domain.timeline import Step
    from unknot.storage.repository import (
        EventRow,
        RunRow,
        SessionBrief,
        SessionRow,
        SessionWrite,
        Store,
    )

# A session left unfinished longer than this is not offered for resuming.
RESUME_WITHIN = dt.timedelta(hours=12)


def session_writes(
    effects: Iterable[Effect], origin: float, at: float
) -> list[tuple[SessionWrite, dt.datetime]]:
    """What the engine's effects write, dated. The engine's times are offsets from a run's
    start: `origin` is that start's wall time (epoch seconds) and `at` the offset of the event
    that produced these effects. A step is dated by its end; the rest by the event."""
    from unknot.domain import engine
    from unknot.domain.screening import ScreeningRecord

    when = instant(origin + at)
    writes: list[tuple[SessionWrite, dt.datetime]] = []
    for effect in effects:
        if isinstance(effect, engine.RecordStep):
            record = replace(
                effect.record,
                started_at=origin + effect.record.started_at,
                ended_at=origin + effect.record.ended_at,
            )
            writes.append((record, instant(record.ended_at)))
        elif isinstance(effect, engine.SafetyStop):
            result = engine.symptom_result(effect.symptoms)
            screening = ScreeningRecord(taken_on=when.astimezone().date(), result=result)
            writes.append((screening, when))
        elif isinstance(
            effect,
            engine.RecordEffort | engine.RecordPain | engine.MarkAggravating | engine.SessionEnded,
        ):
            writes.append((effect, when))
    return writes


class SessionController:
    """One running session: the engine on the injected clock, each effect saved as it happens.

    Interfaces send events and act on the effects they get back (show, speak, beep, ask). The
    engine counts in monotonic offsets from the controller's start; records get wall times.
    """

    def __init__(
        self,
        *,
        store: Store,
        person_id: int,
        session_id: int,
        plan: SessionPlan,
        state: EngineState,
        clock: Clock,
        catalog: dict[str, Exercise],
        emergency_number: str,
    ) -> None:
        self.store = store
        self.person_id = person_id
        self.session_id = session_id
        self.plan = plan
        self.state = state
        self.clock = clock
        self.time = RunTime(clock)
        self.catalog = catalog
        self.emergency_number = emergency_number

    def send(self, event: Event) -> tuple[Effect, ...]:
        """Apply an event now; save what it produced; return the effects for the interface."""
        from unknot.domain.engine import step

        now = self.time.offset()
        self.state, effects = step(self.state, event, now)
        if effects:
            writes = session_writes(effects, self.time.wall_origin, now)
            if writes:
                self.store.apply_writes(self.person_id, self.session_id, writes)
        return effects

    def tick(self) -> tuple[Effect, ...]:
        from unknot.domain.engine import TICK

        return self.send(TICK)

    # What interfaces show -----------------------------------------------------------------------

    @property
    def current(self) -> Step | None:
        return self.state.current

    def remaining(self) -> float | None:
        from unknot.domain.engine import remaining

        return remaining(self.state, self.time.offset())

    def progress(self) -> float:
        """Share of the session's timed seconds behind us, 0 to 1."""
        from unknot.domain.engine import session_seconds

        done, total = session_seconds(self.state)
        step = self.current
        left = self.remaining()
        if step is not None and step.duration_s and left is not None:
            done += step.duration_s - left
        return 0.0 if total == 0 else min(1.0, done / total)

    def next_exercise(self) -> Step | None:
        """The first step of the next exercise, for "what's next"."""
        step = self.current
        if step is None:
            return None
        for later in self.state.timeline[step.index + 1 :]:
            if later.item_index != step.item_index:
                return later
        return None

    def card(self) -> dict[str, Any] | None:
        """The catalog card of the current exercise (steps, cues, cautions)."""
        from unknot.catalog.record import public_record

        step = self.current
        if step is None or step.exercise_id not in self.catalog:
            return None
        return public_record(self.catalog[step.exercise_id])


@dataclass(frozen=True)
class Setup:
    """Everything a player needs before it starts: the store, the person and their state."""

    store: Store
    person_id: int
    profile: Profile
    readiness: Readiness
    resumable: SessionRow | None
    pain: dict[str, int]
    """Pain now: today's latest check-in, else the profile's."""


def prepare(workspace: Workspace, clock: Clock, minutes: int | None = None) -> Setup:
    """Open the database and say where the person stands: profile, screening, what to resume."""
    from unknot.domain.profile import Profile

    store = workspace.open_store()
    person_id = store.local_person()
    # Without a stored profile: no equipment beyond the household's, 15 minutes (issue 5).
    profile = store.load_profile(person_id) or Profile()
    if minutes is not None:
        profile = profile.model_copy(update={"minutes": minutes})
    readiness, pain = _readiness_now(store, person_id, clock)
    resumable = store.active_session(person_id)
    # Too old to offer; it is marked abandoned when the next session starts, not here: looking
    # changes nothing (issue 12: no state changes on GET).
    if resumable is not None and instant(clock.now()) - resumable.started_at > RESUME_WITHIN:
        resumable = None
    return Setup(store, person_id, profile, readiness, resumable, dict(pain))


# The check-ins that say how much pain a person has now (after-session readings say what the
# session did, and morning ones how it settled).
PAIN_NOW_MOMENTS = ("before", "check")


def _readiness_now(store: Store, person_id: int, clock: Clock) -> tuple[Readiness, dict[str, int]]:
    """The screening rules applied to the stored screenings and the pain now; and that pain.

    The pain now is today's latest before-session or any-time check-in, else the profile's.
    """
    from unknot.domain.screening import readiness

    records, pain = store.readiness_inputs(person_id, today(clock), PAIN_NOW_MOMENTS)
    return readiness(records, today(clock), pain), pain


def _start_pain(
    store: Store, person_id: int, session_id: int, started_at: dt.datetime
) -> dict[str, int]:
    """Each area's pain as this session started (the pain rule's `start`, issue 14)."""
    from unknot.domain.pain import starting_pain

    day = dt.datetime.fromtimestamp(started_at.timestamp()).date()
    return starting_pain(store.checkins(person_id, day), session_id, day)


def start_session(
    workspace: Workspace, setup: Setup, clock: Clock, *, paced: bool = True, seed: int = 0
) -> SessionController:
    """Plan today's session from the profile, history and screening, store it, and start it."""
    from unknot.domain.engine import new_session
    from unknot.domain.planner import build_session
    from unknot.domain.timeline import build_timeline

    if not setup.readiness.may_start:
        raise PermissionError(setup.readiness.reason)
    catalog = exercises(workspace)
    profile = _planning_profile(setup)
    store = setup.store
    history = store.history(setup.person_id)
    plan = build_session(catalog, profile, history, day=today(clock), seed=seed)
    timeline = build_timeline(plan, paced=paced)
    at = instant(clock.now())
    plan_id = store.save_plan(setup.person_id, plan, at)
    # A new session, asked for: any unfinished one is abandoned.
    session_id, _ = store.start_or_find_session(
        setup.person_id, plan_id, at, len(timeline), paced, resume_since=None
    )
    return SessionController(
        store=store,
        person_id=setup.person_id,
        session_id=session_id,
        plan=plan,
        state=new_session(
            timeline,
            start_pain=_start_pain(store, setup.person_id, session_id, at),
            emergency_number=workspace.emergency(),
        ),
        clock=clock,
        catalog=catalog,
        emergency_number=workspace.emergency(),
    )


def resume_session(workspace: Workspace, setup: Setup, clock: Clock) -> SessionController:
    """Pick an unfinished session up at its first unrecorded step."""
    from unknot.domain.engine import new_session
    from unknot.domain.timeline import build_timeline

    row = setup.resumable
    if row is None:
        raise LookupError("there is no unfinished session to resume")
    if not setup.readiness.may_start:
        raise PermissionError(setup.readiness.reason)
    plan = setup.store.load_plan(row.plan_id)
    timeline = build_timeline(plan, paced=row.paced)
    return SessionController(
        store=setup.store,
        person_id=setup.person_id,
        session_id=row.id,
        plan=plan,
        state=new_session(
            timeline,
            resume_at=row.next_step,
            start_pain=_start_pain(setup.store, setup.person_id, row.id, row.started_at),
            emergency_number=workspace.emergency(),
        ),
        clock=clock,
        catalog=exercises(workspace),
        emergency_number=workspace.emergency(),
    )


def session_history(workspace: Workspace) -> list[dict[str, Any]]:
    """Past sessions, newest first, with completion and time spent."""
    store = workspace.open_store()
    person_id = store.local_person()
    rows = store.sessions(person_id)
    return [
        {
            "id": row.id,
            "started_at": row.started_at.isoformat(),
            "ended_at": row.ended_at.isoformat() if row.ended_at else None,
            "status": row.status,
            "steps_done": row.steps_done,
            "steps_total": row.steps_total,
            "completion": round(row.steps_done / row.steps_total, 3) if row.steps_total else 0.0,
            "minutes": round(
                ((row.ended_at or row.started_at) - row.started_at).total_seconds() / 60, 1
            ),
            "exercise_minutes": round(row.exercise_seconds / 60, 1),
        }
        for row in reversed(rows)
    ]


def upgrade_database(workspace: Workspace) -> tuple[str | None, str]:
    """Apply pending migrations; the revisions before and after."""
    from unknot.storage.database import make_engine
    from unknot.storage.migrate import upgrade

    return upgrade(make_engine(workspace.url))


# The web app: the browser keeps time and posts what happened; the rules stay here. ---------


def _planning_profile(setup: Setup) -> Profile:
    """The profile the planner plans with: the screening's restrictions added, and the pain
    now (today's latest reading, else the profile's: issue 14's severe-day rule reads it)."""
    return setup.profile.model_copy(
        update={
            "restrictions": setup.profile.restrictions | setup.readiness.restrictions,
            "pain": {area: score for area, score in setup.pain.items() if score > 0},
        }
    )


def today_plan_json(workspace: Workspace, clock: Clock) -> str:
    """Today's plan as a JSON document with its id, straight from storage when it exists.

    The API's hot path (issue 7: requests per second): a stored plan is sent as stored, without
    decoding and encoding it again.
    """
    import json

    store = workspace.open_store()
    person = _known_person(store)
    # The plan obeys the screening exactly as a session does (issue 12), checked on every call.
    readiness, _pain = _readiness_now(store, person, clock)
    if readiness.may_start:
        found = store.plan_of_the_day_text(person, today(clock))
        if found is not None:
            plan_id, text = found
            return f'{{"plan_id": {plan_id}, ' + text.lstrip()[1:]
    # No stored plan, or the id remembered belongs to a person another process forgot: the
    # full path looks the person up afresh and raises PermissionError when sessions are held.
    _KNOWN_PERSON.pop(id(store), None)
    plan_id, plan = today_plan(workspace, clock)
    return json.dumps({"plan_id": plan_id, **plan.model_dump(mode="json")})


def today_plan(
    workspace: Workspace, clock: Clock, setup: Setup | None = None
) -> tuple[int, SessionPlan]:
    """Today's plan not yet started: the stored one, or a new one (stored).

    Raises PermissionError with the advice while the screening holds sessions back (issue 12:
    the plan obeys the screening exactly as sessions do). A new plan is stored because swaps and
    the session that starts from it refer to it; it is derived from what is stored already, so
    the first look at a day's plan records no choice of the person's.
    """
    from unknot.domain.planner import build_session

    setup = setup or prepare(workspace, clock)
    if not setup.readiness.may_start:
        raise PermissionError(setup.readiness.explanation(workspace.emergency()))
    store = setup.store
    found = store.plan_of_the_day(setup.person_id, today(clock))
    if found is not None:
        return found
    plan = build_session(
        exercises(workspace),
        _planning_profile(setup),
        store.history(setup.person_id),
        day=today(clock),
    )
    plan_id, stored = store.save_plan_of_the_day(setup.person_id, plan, instant(clock.now()))
    # Another request stored the day's plan first: that one is today's.
    return plan_id, plan if stored else store.load_plan(plan_id)


def swap_exercise(workspace: Workspace, clock: Clock, exercise_id: str) -> tuple[int, SessionPlan]:
    """Replan today without this exercise (and without those swapped out before)."""
    from unknot.domain.planner import build_session

    setup = prepare(workspace, clock)
    _, current = today_plan(workspace, clock, setup)
    if exercise_id not in {i.exercise_id for i in current.items}:
        raise LookupError(f"{exercise_id!r} is not in today's plan")
    swapped = (*current.swapped_out, exercise_id)
    profile = _planning_profile(setup)
    profile = profile.model_copy(
        update={"avoid_exercises": profile.avoid_exercises | frozenset(swapped)}
    )
    catalog = exercises(workspace)
    plan = build_session(catalog, profile, setup.store.history(setup.person_id), day=today(clock))
    # The exercise may have left the catalog since the plan was made (its own file broke).
    name = catalog[exercise_id].name if exercise_id in catalog else exercise_id
    plan = plan.model_copy(
        update={
            "swapped_out": swapped,
            "notes": (*plan.notes, f"{name} swapped out at your request."),
        }
    )
    return setup.store.save_plan(setup.person_id, plan, instant(clock.now())), plan


# The local person's id, for the hot paths only. Safe across processes: a stale id (another
# process ran `forget`) finds no rows, and the caller then looks the person up afresh.
_KNOWN_PERSON: dict[int, int] = {}


def _known_person(store: Store) -> int:
    key = id(store)
    if key not in _KNOWN_PERSON:
        _KNOWN_PERSON[key] = store.local_person()
    return _KNOWN_PERSON[key]


# Stored plans never change, so their timelines can be kept: by database, session key and plan.
# The key matters: ids start again after `forget`, and plan 1 may then be another plan.
_TIMELINES: dict[tuple[int, str | None, int, bool], tuple[Step, ...]] = {}


def _timeline(store: Store, brief: SessionBrief) -> tuple[Step, ...]:
    """The timeline of a session's plan."""
    from unknot.domain.timeline import build_timeline

    key = (id(store), brief.key, brief.plan_id, brief.paced)
    if key not in _TIMELINES:
        if len(_TIMELINES) > 256:
            _TIMELINES.clear()
        _TIMELINES[key] = build_timeline(store.load_plan(brief.plan_id), paced=brief.paced)
    return _TIMELINES[key]


class NotThisSession(ValueError):
    """A write that names a session by id but carries another session's key: sent for a
    session that no longer exists (queued in a browser before its data was deleted)."""


def _check_key(brief: SessionBrief, session_id: int, key: str | None) -> None:
    """A write carrying a session key must carry this session's (sessions stored before keys
    have none to check)."""
    if key is not None and brief.key is not None and key != brief.key:
        raise NotThisSession(
            f"this was recorded for another session than session {session_id} (perhaps one "
            "deleted since); it was not stored"
        )


def _session(
    workspace: Workspace, session_id: int, key: str | None = None, *, hot: bool = False
) -> tuple[Store, int, SessionBrief]:
    """The store, the person, and one of the person's sessions (checked against `key`).

    `hot` paths (every event) take the person's id remembered, and look again only when the
    session is not found under it (another process may have forgotten that person).
    """
    store = workspace.open_store()
    person = _known_person(store) if hot else store.local_person()
    brief = store.session_brief(person, session_id)
    if brief is None and hot:
        _KNOWN_PERSON.pop(id(store), None)
        person = store.local_person()
        brief = store.session_brief(person, session_id)
    if brief is None:
        raise LookupError(f"no session {session_id}")
    _check_key(brief, session_id, key)
    return store, person, brief


def session_payload(workspace: Workspace, setup: Setup, row_id: int) -> dict[str, Any]:
    """What the browser player needs: the steps with the engine's decisions about each, the
    engine's rules for this session, where to start, the exercise cards."""
    from unknot.catalog.record import public_record
    from unknot.domain.engine import new_session, player_steps, session_rules
    from unknot.domain.timeline import build_timeline

    row = next(r for r in setup.store.sessions(setup.person_id) if r.id == row_id)
    plan = setup.store.load_plan(row.plan_id)
    catalog = exercises(workspace)
    timeline = build_timeline(plan, paced=row.paced)
    cards = {
        i.exercise_id: public_record(catalog[i.exercise_id])
        for i in plan.items
        if i.exercise_id in catalog
    }
    state = new_session(
        timeline,
        start_pain=_start_pain(setup.store, setup.person_id, row.id, row.started_at),
        emergency_number=workspace.emergency(),
    )
    return {
        "session_id": row.id,
        "session_key": row.key,
        "status": row.status,
        "next_step": row.next_step,
        "steps": player_steps(state),
        "plan": plan.model_dump(mode="json"),
        "cards": {
            k: {
                f: v[f]
                for f in ("name", "purpose", "steps", "cues", "cautions", "targets", "has_figure")
            }
            for k, v in cards.items()
        },
        "rules": session_rules(state),
        "emergency_number": workspace.emergency(),
    }


def begin_session(workspace: Workspace, clock: Clock, paced: bool = True) -> dict[str, Any]:
    """Start today's plan (resuming an unfinished session instead, if there is one)."""
    setup = prepare(workspace, clock)
    if not setup.readiness.may_start:
        raise PermissionError(setup.readiness.explanation(workspace.emergency()))
    if setup.resumable is not None:
        return session_payload(workspace, setup, setup.resumable.id)
    from unknot.domain.timeline import build_timeline

    plan_id, plan = today_plan(workspace, clock, setup)
    at = instant(clock.now())
    # Another request may have started one meanwhile: then that one is the answer.
    session_id, _started = setup.store.start_or_find_session(
        setup.person_id,
        plan_id,
        at,
        len(build_timeline(plan, paced=paced)),
        paced,
        resume_since=at - RESUME_WITHIN,
    )
    return session_payload(workspace, setup, session_id)


def active_session(workspace: Workspace, clock: Clock) -> dict[str, Any] | None:
    setup = prepare(workspace, clock)
    if setup.resumable is None:
        return None
    return session_payload(workspace, setup, setup.resumable.id)


class SessionOver(ValueError):
    """A session that was finished, stopped or abandoned cannot be played again."""


@dataclass(frozen=True, slots=True)
class RunStart:
    """A run the server began: its id, and its start on the server's wall clock (epoch s)."""

    run_id: int
    session_id: int
    started_at: float
    resume_at: int
    pain_limits: dict[str, int]
    """Per area, pain above this ends an exercise in this run (areas not named: the limit for
    an unknown start)."""


# A session is played in a few runs (a reload starts one); more than this is not a person.
MOST_RUNS = 100


def start_run(
    workspace: Workspace, clock: Clock, session_id: int, resume_at: int, key: str | None = None
) -> RunStart:
    """Begin playing a session at step `resume_at`: the player times its events from now."""
    store, person, brief = _session(workspace, session_id, key)
    if brief.status != "active":
        raise SessionOver(f"session {session_id} is {brief.status}: start a new one")
    timeline = _timeline(store, brief)
    if not 0 <= resume_at < len(timeline):
        raise ValueError(
            f"resume_at: step {resume_at} is outside this session's 0-{len(timeline) - 1}"
        )
    if store.count_runs(session_id) >= MOST_RUNS:
        raise SessionOver(f"session {session_id} was started {MOST_RUNS} times: start a new one")
    from unknot.domain.pain import limits

    # The pain limits are fixed as the run starts, from the check-ins stored by then (the
    # player sends the before-session one first): the page and every replay apply the same.
    start_pain = _start_pain(store, person, session_id, brief.started_at)
    run = store.start_run(person, session_id, instant(clock.now()), resume_at, start_pain)
    return RunStart(run.id, session_id, run.started_at.timestamp(), resume_at, limits(start_pain))


@dataclass(frozen=True, slots=True)
class EventReceipt:
    """What became of an event: stored (False: it was there already), and how many of its
    run's events the records now reflect (the rest wait for an earlier one to arrive)."""

    stored: bool
    replayed: int
    waiting: int


# How far past the server's now an event may claim to be. A monotonic clock runs at about the
# server's rate, but the browser tests fast-forward the page's clock by minutes (Playwright's
# `page.clock`), as a phone that slept may jump; refusing such events would drop real work, while
# an hour still refuses what is no reading of the run's clock.
EVENT_AHEAD_S = 3600.0


def record_event(
    workspace: Workspace,
    clock: Clock,
    session_id: int,
    run_id: int,
    seq: int,
    kind: str,
    at: float,
    data: Mapping[str, object],
    key: str | None = None,
) -> EventReceipt:
    """Store an event of a run as it arrived, then replay the run through the engine and store
    the records it writes that are not stored yet (issue 15).

    `at` is the event's monotonic offset from the run's start, never a device's wall time. The
    events replayed are those numbered 0, 1, 2... with none missing: one that arrives early waits
    for the ones before it, so the records are the same whatever order events arrive in, and an
    event sent twice is stored once.
    """
    from unknot.domain.engine import event_of
    from unknot.storage.repository import EventRow

    store, person, brief = _session(workspace, session_id, key, hot=True)
    run = store.run(person, run_id)
    if run is None or run.session_id != session_id:
        raise LookupError(f"no run {run_id} in session {session_id}")
    event_of(kind, data)  # refuses what the engine cannot take before it is stored
    limit = clock.now() - run.started_at.timestamp() + EVENT_AHEAD_S
    if at > limit:
        raise ValueError(
            f"at: {at:.1f} s after the run started is later than now ({max(0.0, limit):.1f} s at "
            "most); events are timed from the run's start on a clock that does not jump"
        )
    # Everything the replay reads besides the log is read first: inside the log's transaction
    # only its own connection is used (one waiting for another under load stalled every one).
    kept_as = (id(store), run.id, run.session_id, run.started_at, brief.key)
    so_far = _REPLAYS.get(kept_as) or _fresh_replay(workspace, store, person, brief, run)
    if seq >= so_far.count + EVENTS_AHEAD:
        raise ValueError(
            f"seq: {seq} is more than {EVENTS_AHEAD} after the {so_far.count} events replayed; "
            "send the events before it first"
        )
    event = EventRow(seq, kind, at, dict(data))
    with store.run_log(person, run) as log:
        stored = log.add(event, instant(clock.now()))
        run = log.locked()
        replayed = _replay(so_far, run, lambda since: log.events(since, since + EVENTS_AHEAD))
        pending = replayed.writes[run.applied :]
        if pending:
            log.apply(pending)
        elif stored and replayed.waiting and kind == "pain" and data.get("symptoms"):
            # A symptom report must not wait for an event lost on the way: its screening (which
            # holds the next sessions back) and the session's stop are stored now. When the gap
            # fills, the replay stores the same screening again: the finding twice, never none.
            stop = _symptom_stop(replayed, run, event)
            if stop:
                log.write(stop)
    # Kept once stored: a replay of an event that was rolled back must not be remembered.
    if len(_REPLAYS) >= 512:
        del _REPLAYS[next(iter(_REPLAYS))]
    _REPLAYS[kept_as] = replayed
    return EventReceipt(stored, replayed.count, replayed.waiting)


# How far past the events replayed an event may be numbered: a player sends its events in
# order, so more than this ahead is not one waiting for a few lost on the way.
EVENTS_AHEAD = 1000


def _symptom_stop(
    replayed: Replayed, run: RunRow, event: EventRow
) -> list[tuple[SessionWrite, dt.datetime]]:
    """What a symptom report writes at once: the screening a safety stop makes, and the end."""
    from unknot.domain import engine

    symptoms = frozenset(event.data.get("symptoms") or ())
    tier, message = engine.symptom_stop(symptoms, replayed.state.emergency_number)
    stop = engine.SafetyStop(tier, symptoms, message)
    return session_writes(
        (stop, engine.SessionEnded(finished=False)), run.started_at.timestamp(), event.offset_s
    )


@dataclass(frozen=True, slots=True)
class Replayed:
    """A run's replay so far: the engine after its first `count` events, and every write."""

    count: int
    state: EngineState
    last: float
    """The latest offset replayed: a later event earlier than it counts as it."""
    writes: tuple[tuple[SessionWrite, dt.datetime], ...]
    waiting: int = 0
    """Events stored after a missing one."""


# Replays already made, by database, run, session, the run's start and the session's key (ids
# start again after `forget`; keys and start times do not). Stored events never change, so a
# replay goes on from where the last one got to, and an event costs the same late in a session
# as early.
_REPLAYS: dict[tuple[int, int, int, dt.datetime, str | None], Replayed] = {}


def _fresh_replay(
    workspace: Workspace, store: Store, person: int, brief: SessionBrief, run: RunRow
) -> Replayed:
    """A run's replay before its first event: the engine at the run's first step."""
    from unknot.domain.engine import new_session

    state = new_session(
        _timeline(store, brief),
        resume_at=run.resume_at,
        start_pain=run.start_pain,
        emergency_number=workspace.emergency(),
    )
    return Replayed(0, state, 0.0, ())


def _replay(done: Replayed, run: RunRow, events_since: Callable[[int], list[EventRow]]) -> Replayed:
    """The replay `done` taken on with the run's next events, in their order (numbered on from
    `done.count`, up to the first one missing), each at its offset."""
    from unknot.domain.engine import event_of, replay

    events = events_since(done.count)
    ready = _in_order(events, done.count)
    if ready:
        state, produced = replay(
            done.state, ((event_of(e.kind, e.data), e.offset_s) for e in ready), done.last
        )
        origin = run.started_at.timestamp()
        writes = [w for at, effects in produced for w in session_writes(effects, origin, at)]
        done = Replayed(
            done.count + len(ready), state, produced[-1][0], done.writes + tuple(writes)
        )
    return replace(done, waiting=len(events) - len(ready))


def _in_order(events: list[EventRow], first: int) -> list[EventRow]:
    """The events numbered `first`, `first` + 1... up to the first one missing."""
    ready: list[EventRow] = []
    for expected, event in enumerate(events, start=first):
        if event.seq != expected:
            break
        ready.append(event)
    return ready


def save_profile(workspace: Workspace, clock: Clock, profile: Profile) -> None:
    """Store the person's profile.

    On a first visit the screening comes before the profile, so it knows no pain yet: the
    profile's pain, given the same day, completes that screening's baseline (otherwise every
    painful area would count as "new" and ask for the screening again at once).
    """
    store = workspace.open_store()
    person = store.local_person()
    store.save_profile(person, profile, instant(clock.now()))
    store.discard_unstarted_plans(person)
    latest = store.latest_screening(person)
    if latest is not None and not latest.pain and latest.taken_on == today(clock):
        store.set_screening_pain(person, profile.pain_scores())
