"""The browser's session module against the Python engine (issue 15).

Traces of the engine are made here, at every run (Hypothesis over event sequences, and named
scenarios for pause, back within 2 s, pain above the limit, every symptom tier, late ticks),
written to a file, and replayed with `node --test` against `static/js/session.js`: any
difference in an event's effects or the state after it fails. Nothing is committed, so the
traces cannot go stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import examples, require
from tests.domain.test_engine import item
from unknot.catalog.loader import validate_all
from unknot.domain import engine as e
from unknot.domain.exercise import Exercise
from unknot.domain.plan import SessionPlan
from unknot.domain.planner import build_session
from unknot.domain.profile import Profile
from unknot.domain.timeline import Step, build_timeline
from unknot.domain.vocabulary import PAIN_AREAS

ROOT = Path(__file__).resolve().parents[2]
REPLAY = ROOT / "tests" / "js" / "conformance.test.mjs"
DAY = dt.date(2026, 12, 1)
Timeline = tuple[Step, ...]


def as_data(value: Any) -> Any:
    """An engine value as the JSON the browser's module produces."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, float) and value == float("inf"):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [as_data(v) for v in value]
    return value


def effect_data(effect: e.Effect) -> dict[str, Any]:
    kind = re.sub(r"(?<!^)(?=[A-Z])", "_", type(effect).__name__).lower()
    return {"kind": kind, **as_data(effect)}


def event_data(event: e.Event) -> dict[str, Any]:
    if isinstance(event, e.ReportPain):
        return {"kind": "pain", **as_data(event)}
    if isinstance(event, e.ReportEffort):
        return {"kind": "effort", **as_data(event)}
    return {"kind": next(k for k, v in e.BARE_EVENTS.items() if v == event)}


def trace(
    name: str, state: e.EngineState, events: Iterable[tuple[e.Event, float]]
) -> dict[str, Any]:
    """What the engine does with these events, event by event."""
    recorded = []
    steps = [dataclasses.asdict(s) for s in e.player_steps(state)]
    rules, resume_at = dataclasses.asdict(e.session_rules(state)), state.index
    for event, at in events:
        state, effects = e.step(state, event, at)
        recorded.append(
            {
                "event": event_data(event),
                "at": at,
                "effects": [effect_data(x) for x in effects],
                "state": {
                    "index": state.index,
                    "status": state.status,
                    "wake_at": as_data(state.wake_at),
                },
            }
        )
    return {
        "name": name,
        "steps": steps,
        "rules": rules,
        "resume_at": resume_at,
        "events": recorded,
    }


# A short session with every kind of step: a hold on each side, strength sets with rests (the
# effort question), a one-second step (no beeps) and a self-paced one.
SMALL = SessionPlan(
    day=DAY,
    minutes=5,
    items=(
        item("upper-trapezius-stretch", "static", hold_s=8, per_side=True, transition_s=5),
        item("row", "strength", sets=2, reps=2, rest_s=3, transition_s=2),
        item("chin-tuck", "strength", reps=3, hold_s=1, rest_s=1, transition_s=1),
    ),
    total_s=0,
)


def timelines(catalog: dict[str, Exercise]) -> list[Timeline]:
    plans = [SMALL]
    for minutes in (10, 20):
        profile = Profile(minutes=minutes)
        plans.append(build_session(catalog, profile, None, day=DAY))
    return [build_timeline(plan, paced=paced) for plan in plans for paced in (True, False)]


GAPS = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 1.5, 1.99, 2.0, 2.5, 3.0, 5.0, 30.0, 95.0]),
    st.floats(min_value=0, max_value=150, allow_nan=False, allow_infinity=False),
)
SYMPTOM_SETS = st.one_of(
    st.just(frozenset[e.Symptom]()),
    st.frozensets(st.sampled_from(e.SYMPTOMS), min_size=1, max_size=3),
)
EVENTS: st.SearchStrategy[e.Event] = st.one_of(
    st.sampled_from(list(e.BARE_EVENTS.values())),
    st.sampled_from([e.TICK, e.Done(), e.Skip(), e.Pause(), e.Resume(), e.Back()]),
    st.builds(
        e.ReportPain,
        st.sampled_from(PAIN_AREAS),
        st.integers(0, 10),
        st.one_of(st.just(frozenset[e.Symptom]()), SYMPTOM_SETS),
    ),
    st.builds(
        e.ReportEffort,
        st.sampled_from([0, 1, 3]),
        st.one_of(st.none(), st.integers(0, 8)),
    ),
)


@st.composite
def scenarios(
    draw: st.DrawFn, lines: list[Timeline]
) -> tuple[e.EngineState, list[tuple[e.Event, float]]]:
    timeline = draw(st.sampled_from(lines))
    start_pain: dict[str, int] = draw(
        st.dictionaries(st.sampled_from(list(PAIN_AREAS)), st.integers(0, 10), max_size=2)
    )
    state = e.new_session(
        timeline,
        draw(st.integers(0, len(timeline) - 1) | st.just(0)),
        start_pain=start_pain,
        emergency_number=draw(st.sampled_from(["112", "999", "911"])),
    )
    events: list[tuple[e.Event, float]] = [(e.Start(), draw(st.floats(0, 5)))]
    now = events[0][1]
    for event in draw(st.lists(EVENTS, max_size=40)):
        now += draw(GAPS)
        events.append((event, now))
    # Late: one tick after a long silence ends several steps at once.
    events.append((e.TICK, now + draw(st.sampled_from([0.0, 61.0, 400.0]))))
    return state, events


def named(lines: list[Timeline]) -> list[dict[str, Any]]:
    """The cases the issue names, each once, on the small session."""
    small = lines[0]
    fresh = e.new_session(small, start_pain={"neck": 3}, emergency_number="999")
    # The small session: get ready for 5 s, then a hold of 8 s from 5.0.
    cases: list[dict[str, Any]] = [
        trace(
            "pause in a hold, then done: 3 s held of 8",
            fresh,
            [
                (e.Start(), 0.0),
                (e.TICK, 5.0),
                (e.Pause(), 7.0),
                (e.Resume(), 12.0),
                (e.Done(), 13.0),
            ],
        ),
        trace("back within 2 s", fresh, [(e.Start(), 0.0), (e.Done(), 1.0), (e.Back(), 2.5)]),
        trace("back at 2 s", fresh, [(e.Start(), 0.0), (e.Done(), 1.0), (e.Back(), 3.0)]),
        trace(
            "back while paused",
            fresh,
            [(e.Start(), 0.0), (e.Done(), 1.0), (e.Pause(), 1.5), (e.Back(), 9.0)],
        ),
        trace(
            "pain above the limit",
            fresh,
            [(e.Start(), 0.0), (e.TICK, 5.0), (e.ReportPain("neck", 6, frozenset()), 6.0)],
        ),
        trace(
            "pain at the limit",
            fresh,
            [(e.Start(), 0.0), (e.TICK, 5.0), (e.ReportPain("neck", 5, frozenset()), 6.0)],
        ),
        trace("late ticks", fresh, [(e.Start(), 0.0), (e.TICK, 37.2), (e.TICK, 1000.0)]),
        trace(
            "effort answers after the session",
            fresh,
            [
                (e.Start(), 0.0),
                (e.TICK, 2000.0),
                (e.ReportEffort(1, None), 2001.0),
                (e.ReportEffort(3, 1), 2002.0),
                (e.ReportEffort(0, 0), 2003.0),
            ],
        ),
    ]
    tiers: dict[str, frozenset[e.Symptom]] = {}
    for rule in e.SYMPTOM_TABLE:
        tiers.setdefault(rule.tier, frozenset({rule.symptom}))
    for one, others, tier in e.SYMPTOM_COMBINATIONS:
        tiers[f"{tier} by combination"] = frozenset({one, min(others)})
    for label, symptoms in tiers.items():
        cases.append(
            trace(
                f"symptoms: {label}",
                fresh,
                [(e.Start(), 0.0), (e.Pause(), 1.0), (e.ReportPain("neck", 2, symptoms), 4.0)],
            )
        )
    assert {"emergency", "same_day", "soon"} <= set(tiers)
    return cases


def test_the_browser_session_module_does_what_the_engine_does(tmp_path: Path) -> None:
    node = require("node", "the browser's session module is replayed with node --test")
    lines = timelines({exercise.id: exercise for exercise in validate_all(None)})
    traces = named(lines)

    @settings(
        max_examples=examples(300),
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(scenarios(lines))
    def collect(scenario: tuple[e.EngineState, list[tuple[e.Event, float]]]) -> None:
        state, events = scenario
        traces.append(trace(f"generated {len(traces)}", state, events))

    collect()
    kinds = {effect["kind"] for t in traces for ev in t["events"] for effect in ev["effects"]}
    assert kinds == {
        "announce", "beep", "show_step", "record_step", "ask_effort", "record_effort",
        "record_pain", "mark_aggravating", "safety_stop", "ask_pain", "session_ended",
    }  # fmt: skip
    file = tmp_path / "traces.json"
    file.write_text(json.dumps(traces))
    done = subprocess.run(
        [node, "--test", "--test-reporter=tap", str(REPLAY)],
        env={"UNKNOT_TRACES": str(file), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    failures = "\n".join(
        line
        for line in done.stdout.splitlines()
        if "not ok" in line or "expected" in line or "actual" in line
    )
    assert done.returncode == 0, failures[-6000:] or done.stderr[-3000:]
    assert f"# pass {len(traces)}" in done.stdout, done.stdout[-1000:]


def test_no_rule_text_is_typed_in_the_browser_modules() -> None:
    """The JS reads the rules from the session payload (issue 15): none of the engine's texts,
    stop advice or symptom words may be written into a static module."""
    texts = [
        *e.TEXTS.values(),
        *e.STOP_ADVICE.values(),
        *e.SYMPTOM_WORDS.values(),
        e.STOP_MESSAGE,
    ]
    pieces = {text.split("{")[0].strip() for text in texts} - {""}
    folder = ROOT / "src" / "unknot" / "web" / "static"
    modules = [*sorted(folder.glob("js/*.js")), folder / "sw.js"]
    assert len(modules) >= 7
    typed = {
        (module.name, piece)
        for module in modules
        for piece in pieces
        if piece in module.read_text(encoding="utf-8")
    }
    assert typed == set()
