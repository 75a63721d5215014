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


def _median_ms(
    action: Callable[[], object], runs: int, before: Callable[[], object] | None = None
) -> float:
    """The median of `runs` timed calls of `action` (after two untimed ones), each after an
    untimed `before`."""
    samples = []
    for index in range(runs + 2):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        if index >= 2:
            samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


class Bench:
    """The requests of one size of history, against one server over one database."""

    def __init__(self, served: Served, database: Path) -> None:
        self.url = served.url
        self.engine = make_engine(f"sqlite:///{database}")
        self.store = Store(self.engine)
        self.person = self.store.local_person()

    def post(self, path: str, body: Any) -> Any:
        return call(self.url + path, body)

    def drop_new_sessions(self, keep: int) -> None:
        """Delete the sessions (and their plans) the timed requests made past the first `keep`,
        so every start plans against the same history."""
        with self.engine.begin() as db:
            made = select(t.sessions.c.plan_id).where(t.sessions.c.id > keep)
            db.execute(delete(t.plans).where(t.plans.c.id.in_(made)))
            db.execute(delete(t.sessions).where(t.sessions.c.id > keep))

    def end_active(self) -> None:
        with self.engine.begin() as db:
            db.execute(
                update(t.sessions)
                .where(t.sessions.c.status == "active")
                .values(status="abandoned", ended_at=dt.datetime.now(dt.UTC))
            )

    def measure(self) -> dict[str, float]:
        times: dict[str, float] = {}
        with self.engine.connect() as db:
            keep = int(db.execute(select(func.max(t.sessions.c.id))).scalar() or 0)
        times["GET /api/v1/plan/today (first of the day)"] = _median_ms(
            lambda: _get(self.url + "/api/v1/plan/today"),
            10,
            before=lambda: self.store.discard_unstarted_plans(self.person),
        )
        times["GET /api/v1/plan/today (stored)"] = _median_ms(
            lambda: _get(self.url + "/api/v1/plan/today"), 30
        )

        def fresh_start() -> None:
            self.end_active()
            self.drop_new_sessions(keep)

        times["POST /api/v1/sessions (start: plan and start)"] = _median_ms(
            lambda: self.post("/api/v1/sessions", {}), 10, before=fresh_start
        )
        session = self.post("/api/v1/sessions", {})
        times["POST /api/v1/sessions (resume)"] = _median_ms(
            lambda: self.post("/api/v1/sessions", {}), 15
        )
        sid, skey = session["session_id"], session["session_key"]
        body = {"resume_at": 0, "session_key": skey}
        times["POST /api/v1/sessions/{id}/runs"] = _median_ms(
            lambda: self.post(f"/api/v1/sessions/{sid}/runs", body), RUNS
        )
        times.update(self._events(sid, skey))
        times["POST /api/v1/checkins"] = _median_ms(
            lambda: self.post("/api/v1/checkins", {"moment": "after", "pain": {"neck": 3}}), 15
        )
        for path in ("/api/v1/progress", "/api/v1/history", "/today", "/progress", "/history"):
            times[f"GET {path}"] = _median_ms(partial(_get, self.url + path), 7)
        self.engine.dispose()
        return times

    def _events(self, sid: int, skey: str) -> dict[str, float]:
        """Events of a new run: each stored (a new number, replayed, its writes stored), then
        each sent again (stored already: the duplicate path)."""
        run = self.post(f"/api/v1/sessions/{sid}/runs", {"resume_at": 0, "session_key": skey})
        seq = iter(range(10_000))
        kinds = ("skip", "pause", "resume")

        def event(number: int) -> dict[str, Any]:
            kind = "start" if number == 0 else kinds[number % 3]
            return {
                "run_id": run["run_id"],
                "seq": number,
                "kind": kind,
                "at": number * 0.5,
                "session_key": skey,
            }

        def stored() -> None:
            answer = self.post(f"/api/v1/sessions/{sid}/events", event(next(seq)))
            assert answer["stored"], answer

        again = iter(range(10_000))

        def duplicate() -> None:
            answer = self.post(f"/api/v1/sessions/{sid}/events", event(next(again)))
            assert not answer["stored"], answer

        return {
            "POST /api/v1/sessions/{id}/events (stored)": _median_ms(stored, 30),
            "POST /api/v1/sessions/{id}/events (duplicate)": _median_ms(duplicate, 30),
        }


def measure_size(sessions: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        database = Path(home) / "d" / "unknot.db"
        populate(database, sessions)
        served = Served(Path(home), 1)
        try:
            return Bench(served, database).measure()
        finally:
            served.stop()


def run() -> list[str]:
    by_size = {size: measure_size(size) for size in SIZES}
    names = list(by_size[SIZES[0]])
    header = f"{'request':<50}" + "".join(f"{f'{s} sessions':>14}" for s in SIZES)
    lines = [header + f"{'1000/0':>9}"]
    for name in names:
        cells = "".join(f"{by_size[s][name]:>11.1f} ms" for s in SIZES)
        ratio = by_size[SIZES[-1]][name] / by_size[SIZES[0]][name]
        flag = "" if ratio <= 2 else "  OVER 2x"
        lines.append(f"{name:<50}{cells}{ratio:>8.2f}x{flag}")
    steps = SIZES[-1] * STEPS_PER_SESSION
    lines.append(f"(largest history: {SIZES[-1]:,} sessions, {steps:,} steps, as many events)")
    return lines
