"""Issue 16: every request a person makes, on a real server, at 0, 100 and 1,000 past sessions.

A person who exercises three times a week has about 500 sessions after three years; each request
should cost at most twice what it costs on an empty history. The database is filled before the
server starts, straight through the tables (about 50 steps, a run and its events per session),
then each request is timed by its median over one server process.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update

from bench.web import Served, call
from unknot.catalog.loader import validate_all
from unknot.domain.planner import build_session
from unknot.domain.profile import Profile
from unknot.domain.screening import ScreeningRecord, ScreeningResult
from unknot.domain.timeline import build_timeline
from unknot.storage import tables as t
from unknot.storage.database import make_engine
from unknot.storage.migrate import upgrade
from unknot.storage.repository import Store

SIZES = (0, 100, 1000)
STEPS_PER_SESSION = 50
RUNS = 15
PROFILE = Profile(
    minutes=20,
    pain={"neck": 4},
    equipment=frozenset({"chair", "wall", "doorway", "resistance_band", "anchor_point"}),
)


def _past_starts(count: int, now: dt.datetime) -> list[dt.datetime]:
    """Three sessions a week back from yesterday, oldest first, at 18:00 UTC."""
    starts: list[dt.datetime] = []
    day = now.date() - dt.timedelta(days=1)
    while len(starts) < count:
        if day.weekday() in (0, 2, 4):
            starts.append(dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC))
        day -= dt.timedelta(days=1)
    return starts[::-1]


def populate(database: Path, sessions: int) -> None:
    """A screened person with a profile and `sessions` finished sessions of real plans: their
    steps, check-ins before, after and the next morning, effort answers, a run and its events,
    and now and then a pain report."""
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    store = Store(engine)
    person = store.local_person()
    now = dt.datetime.now(dt.UTC)
    store.save_profile(person, PROFILE, now)
    clear = ScreeningResult(tier="clear", restrictions=frozenset(), flagged=())
    record = ScreeningRecord(taken_on=now.date(), result=clear, pain={"neck": 4})
    store.add_screening(person, record, {}, now)
    catalog = {e.id: e for e in validate_all(None)}
    with engine.begin() as db:
        for number, started in enumerate(_past_starts(sessions, now)):
            plan = build_session(catalog, PROFILE, day=started.date(), seed=number)
            _one_session(db, person, plan, started, number)
    engine.dispose()


def _one_session(db: Any, person: int, plan: Any, started: dt.datetime, number: int) -> None:
    """The rows of one past session (see `populate`)."""
    timeline = build_timeline(plan)[:STEPS_PER_SESSION]
    plan_id = db.execute(
        t.plans.insert().values(
            person_id=person, day=plan.day, created_at=started, data=plan.model_dump(mode="json")
        )
    ).inserted_primary_key[0]
    ended = started + dt.timedelta(minutes=20)
    session = db.execute(
        t.sessions.insert().values(
            person_id=person,
            plan_id=plan_id,
            started_at=started,
            ended_at=ended,
            status="finished",
            paced=True,
            steps_total=len(timeline),
            session_key=f"key{number}",
        )
    ).inserted_primary_key[0]
    at = started
    steps = []
    for step in timeline:
        length = dt.timedelta(seconds=step.duration_s or 10)
        steps.append(
            {
                "person_id": person,
                "session_id": session,
                "step_index": step.index,
                "item_index": step.item_index,
                "exercise_id": step.exercise_id,
                "kind": step.kind,
                "set_number": step.set_number,
                "side": step.side,
                "direction": step.direction,
                "reps": step.reps,
                "hold_s": step.hold_s,
                "started_at": at,
                "ended_at": at + length,
                "skipped": step.index % 17 == 5,
                "idempotency_key": f"{session}:{step.index}",
                "paused_s": 0.0,
            }
        )
        at += length
    db.execute(t.session_steps.insert(), steps)
    run = db.execute(
        t.session_runs.insert().values(
            person_id=person,
            session_id=session,
            started_at=started,
            resume_at=0,
            start_pain={"neck": 4},
            applied=len(steps),
        )
    ).inserted_primary_key[0]
    events = [
        {
            "person_id": person,
            "run_id": run,
            "seq": seq,
            "kind": "start" if seq == 0 else "done",
            "offset_s": float(seq * 10),
            "data": {},
            "received_at": started,
        }
        for seq in range(len(steps))
    ]
    db.execute(t.session_events.insert(), events)
    pain = 3 + number % 3
    checkins = [
        {"moment": "before", "day": started.date(), "pain": {"neck": pain}, "session_id": None},
        {
            "moment": "after",
            "day": started.date(),
            "pain": {"neck": pain - 1},
            "session_id": session,
        },
        {
            "moment": "morning",
            "day": started.date() + dt.timedelta(days=1),
            "pain": {"neck": pain},
            "session_id": session,
        },
    ]
    db.execute(
        t.checkins.insert(),
        [{"person_id": person, "taken_at": started, "note": None, **c} for c in checkins],
    )
    strength = [i for i, item in enumerate(plan.items) if item.block == "strength"]
    if strength:
        db.execute(
            t.efforts.insert(),
            [
                {
                    "person_id": person,
                    "session_id": session,
                    "item_index": i,
                    "exercise_id": plan.items[i].exercise_id,
                    "reps_in_reserve": 1 + (number + i) % 3,
                    "recorded_at": ended,
                }
                for i in strength
            ],
        )
    if number % 10 == 3 and len(plan.items) > 2:
        db.execute(
            t.pain_reports.insert().values(
                person_id=person,
                session_id=session,
                step_index=0,
                item_index=2,
                exercise_id=plan.items[2].exercise_id,
                area="neck",
                score=4,
                symptoms=[],
                reported_at=started,
            )
        )


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()


# A request to time: what to send, and what to do untimed before each (or None).
Timed = tuple[Callable[[], object], Callable[[], object] | None]
# Each request kind, and how many times it is timed (after two untimed ones).
KINDS = (
    ("GET /api/v1/plan/today (first of the day)", 10),
    ("GET /api/v1/plan/today (stored)", 30),
    ("POST /api/v1/sessions (start: plan and start)", 10),
    ("POST /api/v1/sessions (resume)", 15),
    ("POST /api/v1/sessions/{id}/runs", RUNS),
    ("POST /api/v1/sessions/{id}/events (stored)", 30),
    ("POST /api/v1/sessions/{id}/events (duplicate)", 30),
    ("POST /api/v1/checkins", 15),
    ("GET /api/v1/progress", 7),
    ("GET /api/v1/history", 7),
    ("GET /today", 7),
    ("GET /progress", 7),
    ("GET /history", 7),
)


class Bench:
    """The requests of one size of history, against one server over one database."""

    def __init__(self, served: Served, database: Path) -> None:
        self.url = served.url
        self.engine = make_engine(f"sqlite:///{database}")
        self.store = Store(self.engine)
        self.person = self.store.local_person()
        with self.engine.connect() as db:
            self.keep = int(db.execute(select(func.max(t.sessions.c.id))).scalar() or 0)
        self.session: dict[str, Any] = {}
        self.run_id = 0

    def post(self, path: str, body: Any) -> Any:
        return call(self.url + path, body)

    def fresh_start(self) -> None:
        """No active session, and none of those the timed requests made: every start plans
        against the same history."""
        with self.engine.begin() as db:
            made = select(t.sessions.c.plan_id).where(t.sessions.c.id > self.keep)
            db.execute(delete(t.plans).where(t.plans.c.id.in_(made)))
            db.execute(delete(t.sessions).where(t.sessions.c.id > self.keep))
            db.execute(
                update(t.sessions)
                .where(t.sessions.c.status == "active")
                .values(status="abandoned", ended_at=dt.datetime.now(dt.UTC))
            )

    def timed(self, name: str) -> Timed:
        """The request `name` (one of KINDS), with anything it needs made first: kinds are
        asked in their order (a resume needs the session started, events a run)."""
        if name.startswith("GET /api/v1/plan/today"):
            discard = partial(self.store.discard_unstarted_plans, self.person)
            return partial(_get, self.url + "/api/v1/plan/today"), (
                discard if "first" in name else None
            )
        if name.startswith("POST /api/v1/sessions ("):
            if "resume" in name:
                self.session = self.post("/api/v1/sessions", {})
                return partial(self.post, "/api/v1/sessions", {}), None
            return partial(self.post, "/api/v1/sessions", {}), self.fresh_start
        where = f"/api/v1/sessions/{self.session.get('session_id')}"
        key = self.session.get("session_key")
        if name.endswith("/runs"):
            return partial(self.post, where + "/runs", {"resume_at": 0, "session_key": key}), None
        if "/events" in name:
            if not self.run_id:
                self.run_id = self.post(where + "/runs", {"resume_at": 0, "session_key": key})[
                    "run_id"
                ]
            return self._events(where, key, stored="stored" in name), None
        if name == "POST /api/v1/checkins":
            body = {"moment": "after", "pain": {"neck": 3}}
            return partial(self.post, "/api/v1/checkins", body), None
        return partial(_get, self.url + name.removeprefix("GET ")), None

    def _events(self, where: str, key: str | None, stored: bool) -> Callable[[], object]:
        """Events of one run, numbered 0, 1, 2...: start, then skip, pause and resume in turn.
        Stored: each new (replayed, its skipped step written); else each sent again."""
        numbers = iter(range(10_000))
        kinds = ("skip", "pause", "resume")

        def send() -> None:
            number = next(numbers)
            event = {
                "run_id": self.run_id,
                "seq": number,
                "kind": "start" if number == 0 else kinds[number % 3],
                "at": number * 0.5,
                "session_key": key,
            }
            answer = self.post(where + "/events", event)
            assert answer["stored"] == stored, answer

        return send


def measure(benches: dict[int, Bench]) -> dict[str, dict[int, float]]:
    """Each kind's median (ms) per size. The servers take turns, one request each, so a load
    that comes and goes on the machine weighs on every size alike."""
    times: dict[str, dict[int, float]] = {}
    for name, runs in KINDS:
        requests = {size: bench.timed(name) for size, bench in benches.items()}
        samples: dict[int, list[float]] = {size: [] for size in benches}
        for index in range(runs + 2):
            for size, (action, before) in requests.items():
                if before is not None:
                    before()
                start = time.perf_counter()
                action()
                if index >= 2:
                    samples[size].append(time.perf_counter() - start)
        times[name] = {size: statistics.median(s) * 1000 for size, s in samples.items()}
    return times


def run() -> list[str]:
    with tempfile.TemporaryDirectory() as home:
        benches: dict[int, Bench] = {}
        served: list[Served] = []
        try:
            for size in SIZES:
                folder = Path(home) / str(size)
                populate(folder / "d" / "unknot.db", size)
                served.append(Served(folder, 1))
                benches[size] = Bench(served[-1], folder / "d" / "unknot.db")
            times = measure(benches)
        finally:
            for server in served:
                server.stop()
            for bench in benches.values():
                bench.engine.dispose()
    header = f"{'request':<50}" + "".join(f"{f'{s} sessions':>14}" for s in SIZES)
    lines = [header + f"{'1000/0':>9}"]
    for name, by_size in times.items():
        cells = "".join(f"{by_size[s]:>11.1f} ms" for s in SIZES)
        ratio = by_size[SIZES[-1]] / by_size[SIZES[0]]
        flag = "" if ratio <= 2 else "  OVER 2x"
        lines.append(f"{name:<50}{cells}{ratio:>8.2f}x{flag}")
    steps = SIZES[-1] * STEPS_PER_SESSION
    lines.append(f"(largest history: {SIZES[-1]:,} sessions, {steps:,} steps, as many events)")
    lines.append("(1 worker each; the three servers answer in turn, one request at a time)")
    return lines
