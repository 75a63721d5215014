"""The browser's session protocol: the page keeps time and posts what happened; the server
replays it through the engine and stores what the engine writes (issue 15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from pydantic import BaseModel
from typing_extensions import TypedDict

from unknot.clock import instant
from unknot.domain import engine
from unknot.domain.engine import EngineState, PlayerStep, SessionRules
from unknot.domain.plan import SessionPlan
from unknot.domain.timeline import Step
from unknot.domain.vocabulary import Area
from unknot.services.acting import Acting
from unknot.services.errors import (
    EventRefused,
    NoSuchSession,
    NotThisSession,
    SessionOver,
    SessionsHeldBack,
)
from unknot.services.live import LiveSessions, session_writes
from unknot.services.screening import RESUME_WITHIN
from unknot.storage.repository import EventRow, RunRow, SessionBrief, SessionWrite


class PlayerCard(TypedDict):
    """What the player shows of an exercise beside its steps."""

    name: str
    purpose: str
    steps: list[str]
    cues: list[str]
    cautions: list[str]
    targets: list[Area]
    has_figure: bool
    figure_versions: list[int]
    """The versions drawn: a step shows its figure when its `version` is one of these."""


class SessionPayload(BaseModel):
    """What the browser player needs: the steps with the engine's decisions about each, the
    engine's rules for this session, where to start, the exercise cards."""

    session_id: int
    session_key: str | None
    status: str
    next_step: int
    steps: list[PlayerStep]
    plan: SessionPlan
    cards: dict[str, PlayerCard]
    rules: SessionRules
    emergency_number: str


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


@dataclass(frozen=True, slots=True)
class EventReceipt:
    """What became of an event: stored (False: it was there already), and how many of its
    run's events the records now reflect (the rest wait for an earlier one to arrive)."""

    stored: bool
    replayed: int
    waiting: int


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


# A session is played in a few runs (a reload starts one); more than this is not a person.
MOST_RUNS = 100
# How far past the server's now an event may claim to be. A monotonic clock runs at about the
# server's rate, but the browser tests fast-forward the page's clock by minutes (Playwright's
# `page.clock`), as a phone that slept may jump; refusing such events would drop real work, while
# an hour still refuses what is no reading of the run's clock.
EVENT_AHEAD_S = 3600.0
# How far past the events replayed an event may be numbered: a player sends its events in
# order, so more than this ahead is not one waiting for a few lost on the way.
EVENTS_AHEAD = 1000
# Timelines and replays kept per application; beyond these the oldest go.
KEPT_TIMELINES = 256
KEPT_REPLAYS = 512


class BrowserSessions(LiveSessions, Acting):
    """Sessions played in a browser, one run per page load, each event posted as it happens."""

    def begin_session(self, paced: bool = True) -> SessionPayload:
        """Start today's plan (resuming an unfinished session instead, if there is one)."""
        from unknot.domain.timeline import build_timeline

        now = self.situation()
        if now.held_back is not None:
            raise SessionsHeldBack(now.held_back)
        if now.resumable is not None:
            return self.session_payload(now.resumable.id)
        plan = self.today_plan(now)
        at = instant(self.clock.now())
        # Another request may have started one meanwhile: then that one is the answer.
        session_id, _started = self._store.start_or_find_session(
            self.person_id,
            plan.plan_id,
            at,
            len(build_timeline(plan, paced=paced)),
            paced,
            resume_since=at - RESUME_WITHIN,
        )
        return self.session_payload(session_id)

    def active_session(self) -> SessionPayload | None:
        """The unfinished session to resume, if there is one."""
        now = self.situation()
        if now.resumable is None:
            return None
        return self.session_payload(now.resumable.id)

    def session_payload(self, session_id: int) -> SessionPayload:
        """What the browser player needs to play one of the person's sessions."""
        from unknot.catalog.record import public_record

        store = self._store
        row = store.session(self.person_id, session_id)
        if row is None:
            raise NoSuchSession(f"no session {session_id}")
        brief = SessionBrief(
            row.plan_id, row.paced, row.key, row.status, row.started_at, row.ended_at
        )
        plan = store.load_plan(row.plan_id)
        catalog = self.exercises()
        timeline = self.timeline(brief)
        state = self.session_state(row.id, timeline, row.started_at)
        cards: dict[str, PlayerCard] = {}
        for item in plan.items:
            if item.exercise_id in catalog:
                record = public_record(catalog[item.exercise_id])
                cards[item.exercise_id] = PlayerCard(
                    name=record["name"],
                    purpose=record["purpose"],
                    steps=record["steps"],
                    cues=record["cues"],
                    cautions=record["cautions"],
                    targets=record["targets"],
                    has_figure=record["has_figure"],
                    figure_versions=record["figure_versions"],
                )
        return SessionPayload(
            session_id=row.id,
            session_key=row.key,
            status=row.status,
            next_step=row.next_step,
            steps=engine.player_steps(state),
            plan=plan,
            cards=cards,
            rules=engine.session_rules(state),
            emergency_number=self.emergency(),
        )

    def timeline(self, brief: SessionBrief) -> tuple[Step, ...]:
        """The timeline of a session's plan (kept: stored plans never change)."""
        from unknot.domain.timeline import build_timeline

        kept = self.app.timelines
        key = (brief.key, brief.plan_id, brief.paced)
        found = kept.get(key)
        if found is None:
            found = build_timeline(self._store.load_plan(brief.plan_id), paced=brief.paced)
            with self.app.kept_lock:
                if len(kept) >= KEPT_TIMELINES:
                    del kept[next(iter(kept))]
                kept[key] = found
        return found

    def _session(self, session_id: int, key: str | None, *, hot: bool = False) -> SessionBrief:
        """One of the person's sessions, checked against `key`.

        `hot` paths (every event) take the person's id remembered, and look again only when
        the session is not found under it (another process may have forgotten that person).
        """
        store = self._store
        person = self.remembered_person() if hot else self.person_id
        brief = store.session_brief(person, session_id)
        if brief is None and hot:
            brief = store.session_brief(self.look_again(), session_id)
        if brief is None:
            raise NoSuchSession(f"no session {session_id}")
        # A write carrying a session key must carry this session's (sessions stored before keys
        # have none to check).
        if key is not None and brief.key is not None and key != brief.key:
            raise NotThisSession(
                f"this was recorded for another session than session {session_id} (perhaps "
                "one deleted since); it was not stored"
            )
        return brief

    def start_run(self, session_id: int, resume_at: int, key: str | None = None) -> RunStart:
        """Begin playing a session at step `resume_at`: the player times its events from now."""
        from unknot.domain.pain import limits

        brief = self._session(session_id, key)
        if brief.status != "active":
            raise SessionOver(f"session {session_id} is {brief.status}: start a new one")
        timeline = self.timeline(brief)
        if not 0 <= resume_at < len(timeline):
            raise EventRefused(
                f"resume_at: step {resume_at} is outside this session's 0-{len(timeline) - 1}"
            )
        store = self._store
        if store.count_runs(session_id) >= MOST_RUNS:
            raise SessionOver(
                f"session {session_id} was started {MOST_RUNS} times: start a new one"
            )
        # The pain limits are fixed as the run starts, from the check-ins stored by then (the
        # player sends the before-session one first): the page and every replay apply the same.
        start_pain = self.start_pain(session_id, brief.started_at)
        run = store.start_run(
            self.person_id, session_id, instant(self.clock.now()), resume_at, start_pain
        )
        return RunStart(
            run.id, session_id, run.started_at.timestamp(), resume_at, limits(start_pain)
        )

    def record_event(
        self,
        session_id: int,
        run_id: int,
        seq: int,
        kind: str,
        at: float,
        data: Mapping[str, object],
        key: str | None = None,
    ) -> EventReceipt:
        """Store an event of a run as it arrived, then replay the run through the engine and
        store the records it writes that are not stored yet (issue 15).

        `at` is the event's monotonic offset from the run's start, never a device's wall time.
        The events replayed are those numbered 0, 1, 2... with none missing: one that arrives
        early waits for the ones before it, so the records are the same whatever order events
        arrive in, and an event sent twice is stored once.
        """
        brief = self._session(session_id, key, hot=True)
        store = self._store
        person = self.remembered_person()
        run = store.run(person, run_id)
        if run is None or run.session_id != session_id:
            raise NoSuchSession(f"no run {run_id} in session {session_id}")
        try:
            engine.event_of(kind, data)  # refuses what the engine cannot take before storing
        except ValueError as error:
            raise EventRefused(str(error)) from None
        now = self.clock.now()
        limit = now - run.started_at.timestamp() + EVENT_AHEAD_S
        if at > limit:
            raise EventRefused(
                f"at: {at:.1f} s after the run started is later than now ({max(0.0, limit):.1f} "
                "s at most); events are timed from the run's start on a clock that does not jump"
            )
        # Everything the replay reads besides the log is read first: inside the log's
        # transaction only its own connection is used (one waiting for another under load
        # stalled every one).
        kept_as = (run.id, run.session_id, run.started_at, brief.key)
        so_far = self.app.replays.get(kept_as) or self._fresh_replay(brief, run)
        if seq >= so_far.count + EVENTS_AHEAD:
            raise EventRefused(
                f"seq: {seq} is more than {EVENTS_AHEAD} after the {so_far.count} events "
                "replayed; send the events before it first"
            )
        event = EventRow(seq, kind, at, dict(data))
        with store.run_log(person, run) as log:
            stored = log.add(event, instant(now))
            run = log.locked()
            replayed = _replay(so_far, run, lambda since: log.events(since, since + EVENTS_AHEAD))
            pending = replayed.writes[run.applied :]
            if pending:
                log.apply(pending)
            elif stored and replayed.waiting and kind == "pain" and data.get("symptoms"):
                # A symptom report must not wait for an event lost on the way: its screening
                # (which holds the next sessions back) and the session's stop are stored now.
                # When the gap fills, the replay stores the same screening again: the finding
                # twice, never none.
                stop = _symptom_stop(replayed, run, event)
                if stop:
                    log.write(stop)
        # Kept once stored: a replay of an event that was rolled back must not be remembered.
        replays = self.app.replays
        with self.app.kept_lock:
            if len(replays) >= KEPT_REPLAYS:
                del replays[next(iter(replays))]
            replays[kept_as] = replayed
        return EventReceipt(stored, replayed.count, replayed.waiting)

    def _fresh_replay(self, brief: SessionBrief, run: RunRow) -> Replayed:
        """A run's replay before its first event: the engine at the run's first step."""
        state = self.session_state(
            run.session_id,
            self.timeline(brief),
            brief.started_at,
            resume_at=run.resume_at,
            start_pain=run.start_pain,
        )
        return Replayed(0, state, 0.0, ())


def _symptom_stop(
    replayed: Replayed, run: RunRow, event: EventRow
) -> list[tuple[SessionWrite, dt.datetime]]:
    """What a symptom report writes at once: the screening a safety stop makes, and the end."""
    symptoms = frozenset(event.data.get("symptoms") or ())
    tier, message = engine.symptom_stop(symptoms, replayed.state.emergency_number)
    stop = engine.SafetyStop(tier, symptoms, message)
    return session_writes(
        (stop, engine.SessionEnded(finished=False)), run.started_at.timestamp(), event.offset_s
    )


def _replay(done: Replayed, run: RunRow, events_since: Callable[[int], list[EventRow]]) -> Replayed:
    """The replay `done` taken on with the run's next events, in their order (numbered on from
    `done.count`, up to the first one missing), each at its offset."""
    events = events_since(done.count)
    ready = _in_order(events, done.count)
    if ready:
        state, produced = engine.replay(
            done.state, ((engine.event_of(e.kind, e.data), e.offset_s) for e in ready), done.last
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
