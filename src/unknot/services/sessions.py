"""Session use cases: start or resume a guided session, drive it, save every step at once."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from unknot.clock import Clock, instant, today
from unknot.services.catalog import exercises
from unknot.services.workspace import Workspace

if TYPE_CHECKING:
    from unknot.domain.engine import Effect, EngineState, Event
    from unknot.domain.exercise import Exercise
    from unknot.domain.plan import SessionPlan
    from unknot.domain.profile import Profile
    from unknot.domain.screening import Readiness
    from unknot.domain.timeline import Step
    from unknot.storage.repository import SessionBrief, SessionRow, Store

# A session left unfinished longer than this is not offered for resuming.
RESUME_WITHIN = dt.timedelta(hours=12)


class SessionController:
    """One running session: the engine on the injected clock, each effect saved as it happens.

    Interfaces send events and act on the effects they get back (show, speak, beep, ask).
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
        self.catalog = catalog
        self.emergency_number = emergency_number

    def send(self, event: Event) -> tuple[Effect, ...]:
        """Apply an event now; save what it produced; return the effects for the interface."""
        from unknot.domain.engine import step

        self.state, effects = step(self.state, event, self.clock.now())
        if effects:
            self._save(effects)
        return effects

    def tick(self) -> tuple[Effect, ...]:
        from unknot.domain.engine import TICK

        return self.send(TICK)

    def _save(self, effects: tuple[Effect, ...]) -> None:
        from unknot.domain import engine
        from unknot.domain.screening import ScreeningRecord

        at = instant(self.clock.now())
        for effect in effects:
            if isinstance(effect, engine.RecordStep):
                self.store.record_step(self.person_id, self.session_id, effect.record)
            elif isinstance(effect, engine.RecordEffort):
                self.store.record_effort(
                    self.person_id,
                    self.session_id,
                    effect.item_index,
                    effect.exercise_id,
                    effect.reps_in_reserve,
                    at,
                )
            elif isinstance(effect, engine.RecordPain):
                self.store.record_pain(
                    self.person_id,
                    self.session_id,
                    effect.step_index,
                    effect.item_index,
                    effect.exercise_id,
                    effect.area,
                    effect.score,
                    list(effect.symptoms),
                    at,
                )
            elif isinstance(effect, engine.MarkAggravating):
                self.store.mark_aggravating(self.person_id, effect.exercise_id, at)
            elif isinstance(effect, engine.SafetyStop):
                record = ScreeningRecord(
                    taken_on=today(self.clock), result=engine.symptom_result(effect.symptoms)
                )
                self.store.add_screening(self.person_id, record, {}, at, source="session")
            elif isinstance(effect, engine.SessionEnded):
                status = "finished" if effect.finished else "stopped"
                self.store.end_session(self.session_id, status, at)

    # What interfaces show -----------------------------------------------------------------------

    @property
    def current(self) -> Step | None:
        return self.state.current

    def remaining(self) -> float | None:
        from unknot.domain.engine import remaining

        return remaining(self.state, self.clock.now())

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
        step = self.current
        if step is None or step.exercise_id not in self.catalog:
            return None
        return self.catalog[step.exercise_id].public()


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


# Stored plans never change, so their timelines can be kept (keyed by database and plan).
_TIMELINES: dict[tuple[int, int, bool], tuple[Step, ...]] = {}


def _timeline(store: Store, plan_id: int, paced: bool) -> tuple[Step, ...]:
    from unknot.domain.timeline import build_timeline

    key = (id(store), plan_id, paced)
    if key not in _TIMELINES:
        if len(_TIMELINES) > 256:
            _TIMELINES.clear()
        _TIMELINES[key] = build_timeline(store.load_plan(plan_id), paced=paced)
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
    workspace: Workspace, session_id: int, key: str | None = None
) -> tuple[Store, int, SessionBrief]:
    """The store, the person, and one of the person's sessions (checked against `key`)."""
    store = workspace.open_store()
    person = store.local_person()
    brief = store.session_brief(person, session_id)
    if brief is None:
        raise LookupError(f"no session {session_id}")
    _check_key(brief, session_id, key)
    return store, person, brief


def _controller_at(
    workspace: Workspace, session_id: int, index: int, clock: Clock, key: str | None
) -> SessionController:
    from unknot.domain.engine import Start, new_session

    store, person, brief = _session(workspace, session_id, key)
    timeline = _timeline(store, brief.plan_id, brief.paced)
    if not 0 <= index < len(timeline):
        raise ValueError(f"index: step {index} is outside this session's 0-{len(timeline) - 1}")
    controller = SessionController(
        store=store,
        person_id=person,
        session_id=session_id,
        plan=store.load_plan(brief.plan_id),
        state=new_session(
            timeline,
            resume_at=index,
            start_pain=_start_pain(store, person, session_id, brief.started_at),
            emergency_number=workspace.emergency(),
        ),
        clock=clock,
        catalog=exercises(workspace),
        emergency_number=workspace.emergency(),
    )
    controller.send(Start())
    return controller


def session_payload(workspace: Workspace, setup: Setup, row_id: int) -> dict[str, Any]:
    """What the browser player needs: the steps, where to start, the exercise cards."""
    from dataclasses import asdict

    from unknot.domain.engine import symptom_rules
    from unknot.domain.pain import limits, pain_limit
    from unknot.domain.timeline import build_timeline

    row = next(r for r in setup.store.sessions(setup.person_id) if r.id == row_id)
    plan = setup.store.load_plan(row.plan_id)
    catalog = exercises(workspace)
    timeline = build_timeline(plan, paced=row.paced)
    cards = {
        i.exercise_id: catalog[i.exercise_id].public()
        for i in plan.items
        if i.exercise_id in catalog
    }
    return {
        "session_id": row.id,
        "session_key": row.key,
        "status": row.status,
        "next_step": row.next_step,
        "steps": [asdict(s) for s in timeline],
        "plan": plan.model_dump(mode="json"),
        "cards": {
            k: {
                f: v[f]
                for f in ("name", "purpose", "steps", "cues", "cautions", "targets", "has_figure")
            }
            for k, v in cards.items()
        },
        # The pain rule for this session, per area; areas not named use the unknown limit.
        "pain_limits": limits(_start_pain(setup.store, setup.person_id, row.id, row.started_at)),
        "pain_limit_unknown": pain_limit(None),
        "symptom_rules": symptom_rules(),
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


def save_step(
    workspace: Workspace,
    clock: Clock,
    session_id: int,
    index: int,
    started_at: float,
    ended_at: float,
    skipped: bool,
    key: str,
) -> bool:
    """A step the browser finished (times in epoch seconds); stored once per key. True if new."""
    from unknot.domain.engine import step_record, step_times_problem

    store = workspace.open_store()
    person = _known_person(store)
    brief = store.session_brief(person, session_id)
    if brief is None:
        _KNOWN_PERSON.pop(id(store), None)
        person = store.local_person()
        brief = store.session_brief(person, session_id)
    if brief is None:
        raise LookupError(f"no session {session_id}")
    # A step's key begins with its session's key: "KEY:INDEX" (issue 13).
    _check_key(brief, session_id, key.split(":", 1)[0] if brief.key is not None else None)
    timeline = _timeline(store, brief.plan_id, brief.paced)
    if not 0 <= index < len(timeline):
        raise ValueError(f"step index {index} is outside 0-{len(timeline) - 1}")
    wrong = step_times_problem(
        started_at,
        ended_at,
        session_started=brief.started_at.timestamp(),
        session_ended=brief.ended_at.timestamp() if brief.ended_at else None,
        now=clock.now(),
    )
    if wrong is not None:
        raise ValueError(wrong)
    # The browser does not report its pauses, so a hold it finished counts whole.
    record = step_record(
        timeline[index],
        started_at=started_at,
        ended_at=ended_at,
        skipped=skipped,
        active_s=math.inf,
    )
    return store.record_step(person, session_id, record, key)


def report_pain(
    workspace: Workspace,
    clock: Clock,
    session_id: int,
    index: int,
    area: str,
    score: int,
    symptoms: frozenset[str],
    key: str | None = None,
) -> dict[str, Any]:
    """Apply the engine's pain rules at this step; say what the player should do next."""
    from unknot.domain import engine

    controller = _controller_at(workspace, session_id, index, clock, key)
    effects = controller.send(engine.ReportPain(area, score, frozenset(symptoms)))  # type: ignore[arg-type]
    stop = next((e for e in effects if isinstance(e, engine.SafetyStop)), None)
    if stop is not None:
        return {
            "action": "stop",
            "tier": stop.tier,
            "message": stop.message,
            "emergency_number": workspace.emergency(),
        }
    if any(isinstance(e, engine.MarkAggravating) for e in effects):
        said = next(e.text for e in effects if isinstance(e, engine.Announce))
        return {
            "action": "next_exercise",
            "next_index": controller.state.index,
            "message": f"{said} Moving on to the next exercise.",
        }
    return {"action": "continue"}


def save_effort(
    workspace: Workspace,
    clock: Clock,
    session_id: int,
    item_index: int,
    reserve: int,
    key: str | None = None,
) -> None:
    store, person, brief = _session(workspace, session_id, key)
    plan = store.load_plan(brief.plan_id)
    if not 0 <= item_index < len(plan.items):
        raise ValueError(f"item index {item_index} is outside the plan")
    store.record_effort(
        person,
        session_id,
        item_index,
        plan.items[item_index].exercise_id,
        reserve,
        instant(clock.now()),
    )


def finish_session(
    workspace: Workspace, clock: Clock, session_id: int, finished: bool, key: str | None = None
) -> None:
    store, _person, _brief = _session(workspace, session_id, key)
    store.end_session(session_id, "finished" if finished else "stopped", instant(clock.now()))


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
