"""The live session: the engine run in this process on the injected clock (the terminal
players), every effect saved as it happens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from unknot.catalog.record import ExerciseRecord, public_record
from unknot.clock import Clock, RunTime, instant
from unknot.domain import engine
from unknot.domain.engine import Effect, EngineState, Event
from unknot.domain.exercise import Exercise
from unknot.domain.plan import SessionPlan
from unknot.domain.timeline import Step
from unknot.services.acting import Acting
from unknot.services.errors import NoSuchSession, SessionsHeldBack
from unknot.services.planning import Planning
from unknot.services.screening import Situation

if TYPE_CHECKING:
    from unknot.storage.repository import SessionWrite, Store


def session_writes(
    effects: Iterable[Effect], origin: float, at: float
) -> list[tuple[SessionWrite, dt.datetime]]:
    """What the engine's effects write, dated. The engine's times are offsets from a run's
    start: `origin` is that start's wall time (epoch seconds) and `at` the offset of the event
    that produced these effects. A step is dated by its end; the rest by the event."""
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
    ) -> None:
        self._store = store
        self._person_id = person_id
        self.session_id = session_id
        self.plan = plan
        self.state = state
        self.clock = clock
        self.time = RunTime(clock)
        self._catalog = catalog

    def send(self, event: Event) -> tuple[Effect, ...]:
        """Apply an event now; save what it produced; return the effects for the interface."""
        now = self.time.offset()
        self.state, effects = engine.step(self.state, event, now)
        if effects:
            writes = session_writes(effects, self.time.wall_origin, now)
            if writes:
                self._store.apply_writes(self._person_id, self.session_id, writes)
        return effects

    def tick(self) -> tuple[Effect, ...]:
        return self.send(engine.TICK)

    # What interfaces show -----------------------------------------------------------------------

    @property
    def current(self) -> Step | None:
        return self.state.current

    @property
    def emergency_number(self) -> str:
        return self.state.emergency_number

    def remaining(self) -> float | None:
        return engine.remaining(self.state, self.time.offset())

    def progress(self) -> float:
        """Share of the session's timed seconds behind us, 0 to 1."""
        done, total = engine.session_seconds(self.state)
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

    def card(self) -> ExerciseRecord | None:
        """The catalog card of the current exercise (steps, cues, cautions)."""
        step = self.current
        if step is None or step.exercise_id not in self._catalog:
            return None
        return public_record(self._catalog[step.exercise_id])


class LiveSessions(Planning, Acting):
    """Sessions played in this process: the terminal's full-screen and line-by-line players."""

    def start_pain(self, session_id: int, started_at: dt.datetime) -> dict[str, int]:
        """Each area's pain as this session started (the pain rule's `start`, issue 14)."""
        from unknot.domain.pain import starting_pain

        day = dt.datetime.fromtimestamp(started_at.timestamp()).date()
        return starting_pain(self._store.checkins(self.person_id, day), session_id, day)

    def session_state(
        self,
        session_id: int,
        timeline: tuple[Step, ...],
        started_at: dt.datetime,
        resume_at: int = 0,
        start_pain: dict[str, int] | None = None,
    ) -> EngineState:
        """The engine at the start (or `resume_at`) of a stored session: the one place a
        session's engine is set up, for this process's players and the browser's replays."""
        return engine.new_session(
            timeline,
            resume_at=resume_at,
            start_pain=self.start_pain(session_id, started_at)
            if start_pain is None
            else start_pain,
            emergency_number=self.emergency(),
        )

    def _controller(
        self, session_id: int, plan: SessionPlan, state: EngineState
    ) -> SessionController:
        return SessionController(
            store=self._store,
            person_id=self.person_id,
            session_id=session_id,
            plan=plan,
            state=state,
            clock=self.clock,
            catalog=self.exercises(),
        )

    def _check_still_allowed(self, situation: Situation) -> None:
        """Raise SessionsHeldBack unless the screening allows a session now. Read afresh: a
        player may have held `situation` while the person answered on another device."""
        if situation.held_back is not None:
            raise SessionsHeldBack(situation.held_back)
        readiness, _pain = self.readiness_now()
        if not readiness.may_start:
            raise SessionsHeldBack(readiness.explanation(self.emergency()))

    def start_session(
        self, situation: Situation, *, paced: bool = True, seed: int = 0
    ) -> SessionController:
        """Plan today's session from the profile, history and screening, store it, start it."""
        from unknot.domain.timeline import build_timeline

        self._check_still_allowed(situation)
        store = self._store
        plan = self.plan_session(situation, seed=seed)
        timeline = build_timeline(plan, paced=paced)
        at = instant(self.clock.now())
        plan_id = store.save_plan(self.person_id, plan, at)
        # A new session, asked for: any unfinished one is abandoned.
        session_id, _ = store.start_or_find_session(
            self.person_id, plan_id, at, len(timeline), paced, resume_since=None
        )
        return self._controller(session_id, plan, self.session_state(session_id, timeline, at))

    def resume_session(self, situation: Situation) -> SessionController:
        """Pick an unfinished session up at its first unrecorded step."""
        from unknot.domain.timeline import build_timeline

        unfinished = situation.resumable
        if unfinished is None:
            raise NoSuchSession("there is no unfinished session to resume")
        self._check_still_allowed(situation)
        row = self._store.active_session(self.person_id)
        if row is None or row.id != unfinished.id:
            raise NoSuchSession("the unfinished session has ended since; start a new one")
        plan = self._store.load_plan(row.plan_id)
        timeline = build_timeline(plan, paced=row.paced)
        state = self.session_state(row.id, timeline, row.started_at, resume_at=row.next_step)
        return self._controller(row.id, plan, state)
