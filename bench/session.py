"""Issue 5: engine speed, saving a step, and countdown drift on the real clock."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time

from bench.measure import report
from unknot.catalog.loader import validate_all
from unknot.domain import engine
from unknot.domain.planner import build_session
from unknot.domain.profile import Profile
from unknot.domain.timeline import Step, build_timeline
from unknot.storage.database import make_engine
from unknot.storage.migrate import upgrade
from unknot.storage.repository import Store

DAY = dt.date(2026, 11, 25)


def simulate(timeline: tuple[Step, ...], tick_s: float) -> tuple[float, int]:
    """Run a whole session on ticks; wall seconds taken and ticks sent."""
    state, _ = engine.step(engine.new_session(timeline), engine.Start(), 0.0)
    now = 0.0
    ticks = 0
    start = time.perf_counter()
    while state.status == "running":
        now += tick_s
        state, _ = engine.step(state, engine.TICK, now)
        ticks += 1
    return time.perf_counter() - start, ticks


def drift(hold_s: float = 60.0, tick_s: float = 0.01) -> float:
    """Milliseconds between a real-clock hold's recorded end and its exact length."""
    plan = build_session({e.id: e for e in validate_all(None)}, Profile(minutes=5), day=DAY)
    one = plan.items[0].model_copy(update={"transition_s": int(hold_s)})
    timeline = build_timeline(plan.model_copy(update={"items": (one,)}))
    state, _ = engine.step(engine.new_session(timeline), engine.Start(), time.monotonic())
    begun = state.started_at
    while True:
        time.sleep(tick_s)
        state, effects = engine.step(state, engine.TICK, time.monotonic())
        for effect in effects:
            if isinstance(effect, engine.RecordStep) and effect.record.index == 0:
                seen = time.monotonic()
                return (seen - begun - hold_s) * 1000


def run() -> list[str]:
    catalog = {e.id: e for e in validate_all(None)}
    profile = Profile(
        minutes=30,
        pain={"neck": 5},
        equipment=frozenset({"chair", "wall", "doorway", "resistance_band", "anchor_point"}),
    )
    plan = build_session(catalog, profile, day=DAY)
    timeline = build_timeline(plan)
    runs = [simulate(timeline, 0.01) for _ in range(7)]
    lines = [
        report(
            f"30-minute session at 10 ms ticks ({runs[0][1]:,} ticks)",
            [seconds for seconds, _ in runs],
            target_ms=200,
        )
    ]
    with tempfile.TemporaryDirectory() as folder:
        db = make_engine(f"sqlite:///{os.path.join(folder, 'bench.db')}")
        upgrade(db)
        store = Store(db)
        person = store.local_person()
        at = dt.datetime.now(dt.UTC)
        plan_id = store.save_plan(person, plan, at)
        session = store.start_session(person, plan_id, at, len(timeline), True)
        samples = []
        for index in range(500):
            record = engine.StepRecord(
                index=index,
                item_index=0,
                exercise_id="row",
                kind="work",
                set_number=1,
                side=None,
                direction=None,
                reps=8,
                hold_s=None,
                started_at=time.time(),
                ended_at=time.time(),
                skipped=False,
            )
            start = time.perf_counter()
            store.record_step(person, session, record)
            samples.append(time.perf_counter() - start)
        db.dispose()
    lines.append(report("save one completed step (SQLite, WAL)", samples, target_ms=5))
    if os.environ.get("UNKNOT_BENCH_QUICK"):
        lines.append("drift of a real-clock 60 s hold: skipped (UNKNOT_BENCH_QUICK)")
    else:
        measured = [drift() for _ in range(1)]
        lines.append(
            f"drift of a real-clock 60 s hold, 10 ms ticks: {statistics.median(measured):+.1f} ms "
            "(target within 20 ms)"
        )
    return lines
