"""The session engine, on a fake clock: timing, controls, safety stops (issue 5)."""

from __future__ import annotations

import datetime as dt
import tracemalloc

import pytest

from unknot.domain import engine as e
from unknot.domain.plan import PlannedExercise, SessionPlan
from unknot.domain.timeline import build_timeline

T0 = 1000.0


def item(exercise_id: str, block: str = "strength", **dose: object) -> PlannedExercise:
    fields: dict[str, object] = {
        "exercise_id": exercise_id,
        "name": exercise_id.replace("-", " ").capitalize(),
        "block": block,
        "alternative": 0,
        "equipment": (),
        "position": "standing",
        "sets": 1,
        "reps": None,
        "hold_s": None,
        "work_s": None,
        "per_side": False,
        "directions": None,
        "direction_order": "blocks",
        "rep_s": 2.0,
        "rest_s": 30,
        "transition_s": 10,
        "duration_s": 0,
        "level": 0,
        "levels": 1,
        "reasons": ("test",),
    }
    fields.update(dose)
    return PlannedExercise.model_validate(fields)


def started(*items: PlannedExercise, paced: bool = True) -> e.EngineState:
    plan = SessionPlan(day=dt.date(2026, 11, 25), minutes=5, items=items, total_s=0)
    state, effects = e.step(e.new_session(build_timeline(plan, paced=paced)), e.Start(), T0)
    assert state.status == "running"
    assert e.ShowStep(0) in effects
    return state


def run(
    state: e.EngineState, until: float, every: float = 0.01
) -> tuple[e.EngineState, list[e.Effect]]:
    effects: list[e.Effect] = []
    now = T0
    while now < until:
        now += every
        state, new = e.step(state, e.TICK, now)
        effects.extend(new)
    return state, effects


def records(effects: list[e.Effect]) -> list[e.StepRecord]:
    return [f.record for f in effects if isinstance(f, e.RecordStep)]


def test_a_quiet_tick_returns_the_same_state_and_allocates_nothing() -> None:
    state = started(item("scapular-squeeze", reps=3, hold_s=5))
    same, effects = e.step(state, e.TICK, T0 + 1)
    assert same is state
    assert effects is e.NO_EFFECTS
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for offset in range(1000):
            e.step(state, e.TICK, T0 + 1 + offset / 1e4)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(
        stat.size_diff
        for stat in after.compare_to(before, "filename")
        if stat.traceback[0].filename == e.__file__
    )
    assert grown <= 0


def test_countdown_comes_from_the_clock_and_beeps_three_two_one() -> None:
    state = started(item("row", reps=5))  # get-ready 10 s, then 5 reps at 2 s
    assert e.remaining(state, T0 + 2.5) == pytest.approx(7.5)
    state, effects = run(state, T0 + 10.005)
    assert [f.count for f in effects if isinstance(f, e.Beep)] == [3, 2, 1]
    assert state.index == 1
    # The next step started exactly when the last one ended, not at the late tick.
    assert state.started_at == T0 + 10


def test_uneven_late_ticks_do_not_drift() -> None:
    state = started(item("pec-stretch", block="static", reps=3, hold_s=10, rep_s=3))
    now = T0
    ends: list[float] = []
    for gap in [0.7, 1.9, 0.05, 3.3, 0.4] * 30:
        now += gap
        state, effects = e.step(state, e.TICK, now)
        ends += [f.record.ended_at for f in effects if isinstance(f, e.RecordStep)]
    # get ready 10, then hold 10 / release 3, three times: ends at exact sums.
    assert ends[:4] == [T0 + 10, T0 + 20, T0 + 23, T0 + 33]
    assert state.status == "finished"


def test_pause_freezes_the_countdown_exactly() -> None:
    state = started(item("row", reps=5))
    state, _ = e.step(state, e.Pause(), T0 + 4)
    assert state.status == "paused"
    assert e.remaining(state, T0 + 4) == pytest.approx(6)
    assert e.remaining(state, T0 + 500) == pytest.approx(6)
    same, quiet = e.step(state, e.TICK, T0 + 500)
    assert same is state
    assert quiet == ()
    state, _ = e.step(state, e.Resume(), T0 + 600)
    assert e.remaining(state, T0 + 601) == pytest.approx(5)
    state, later = run_from(state, T0 + 600, T0 + 606.01)
    assert records(later)[0].ended_at == pytest.approx(T0 + 606)


def run_from(
    state: e.EngineState, start: float, until: float
) -> tuple[e.EngineState, list[e.Effect]]:
    effects: list[e.Effect] = []
    now = start
    while now < until:
        now += 0.01
        state, new = e.step(state, e.TICK, now)
        effects.extend(new)
    return state, effects


def test_skip_back_and_done() -> None:
    state = started(item("row", reps=5), paced=False)
    state, skipped = e.step(state, e.Skip(), T0 + 3)
    assert records(list(skipped))[0].skipped
    assert state.index == 1
    assert state.current is not None
    assert state.current.duration_s is None  # self-paced reps wait for done
    same, _ = e.step(state, e.TICK, T0 + 9999)
    assert same.index == 1
    state, _ = e.step(state, e.Back(), T0 + 3.5)  # just begun: back to the previous step
    assert state.index == 0
    state, _ = e.step(state, e.Skip(), T0 + 4)
    state, effects = e.step(state, e.Done(), T0 + 30)
    done = records(list(effects))[0]
    assert (done.kind, done.reps, done.skipped) == ("work", 5, False)
    assert e.AskEffort(0, "row") in effects
    assert e.SessionEnded(finished=True) in effects
    assert e.AskPain() in effects
    assert state.status == "finished"


def test_effort_is_recorded_for_the_last_strength_exercise() -> None:
    state = started(item("row", reps=5), item("butterfly", block="static", hold_s=10))
    state, _ = run(state, T0 + 21)
    _, effects = e.step(state, e.ReportEffort(2), T0 + 21)
    assert effects == (e.RecordEffort(0, "row", 2),)


def test_pain_above_five_ends_only_that_exercise() -> None:
    state = started(
        item("row", sets=2, reps=5, rest_s=30), item("butterfly", block="static", hold_s=10)
    )
    state, _ = run(state, T0 + 12)
    _, mild = e.step(state, e.ReportPain("neck", 4), T0 + 12)
    assert isinstance(mild[0], e.RecordPain)
    assert mild[1:] == (
        e.Announce("Noted: 4 out of 10 in your neck. Go on gently; above 5 this exercise stops."),
    )
    state, effects = e.step(state, e.ReportPain("neck", 7), T0 + 12)
    assert e.MarkAggravating("row") in effects
    assert state.status == "running"
    assert state.current is not None
    assert state.current.exercise_id == "butterfly"


@pytest.mark.parametrize(
    ("symptoms", "tier"),
    [
        # Emergency (issue 14's symptom table).
        ({"chest_pain"}, "emergency"),
        ({"sudden_headache"}, "emergency"),
        ({"speech_or_face"}, "emergency"),
        ({"visual_change"}, "emergency"),
        ({"numbness_both_arms_or_legs"}, "emergency"),
        ({"breathlessness"}, "emergency"),
        ({"one_side_weakness"}, "emergency"),
        ({"sudden_neck_pain"}, "emergency"),
        ({"fainted"}, "emergency"),
        # Same day, and the combinations.
        ({"nearly_fainted"}, "same_day"),
        ({"nearly_fainted", "palpitations"}, "emergency"),
        ({"nearly_fainted", "chest_pain"}, "emergency"),
        ({"nearly_fainted", "breathlessness"}, "emergency"),
        ({"palpitations", "dizziness"}, "same_day"),
        # Soon.
        ({"palpitations"}, "soon"),
        ({"dizziness"}, "soon"),
        ({"numbness_one_arm"}, "soon"),
        ({"spreading_arm_symptoms"}, "soon"),
        ({"lhermitte"}, "soon"),
        ({"dizziness", "numbness_both_arms_or_legs"}, "emergency"),
    ],
)
def test_symptoms_end_the_session_whatever_the_pain(symptoms: set[e.Symptom], tier: str) -> None:
    state = started(item("row", reps=5))
    state, effects = e.step(state, e.ReportPain("neck", 1, frozenset(symptoms)), T0 + 3)
    stop = next(f for f in effects if isinstance(f, e.SafetyStop))
    assert stop.tier == tier
    assert state.status == "stopped"
    assert e.SessionEnded(finished=False) in effects
    result = e.symptom_result(frozenset(symptoms))
    assert result.tier == tier
    if tier == "emergency":
        assert "Call 112 now" in stop.message
        assert "keep your neck still" in stop.message
    if tier == "same_day":
        assert "see a doctor today" in stop.message
    # What follows for the next sessions: waiting for a clinician, and the movement rules.
    assert "mobility_only" in result.restrictions
    if symptoms & {"numbness_one_arm", "spreading_arm_symptoms"}:
        assert {"no_neck_circling", "no_arm_nerve_provocation"} <= result.restrictions
    if "lhermitte" in symptoms:
        assert "no_end_range_neck_flexion" in result.restrictions


def test_the_stop_message_names_the_persons_emergency_number() -> None:
    plan = SessionPlan(
        day=dt.date(2026, 11, 25), minutes=5, items=(item("row", reps=5),), total_s=0
    )
    state = e.new_session(build_timeline(plan), emergency_number="999")
    state, _ = e.step(state, e.Start(), T0)
    _, effects = e.step(state, e.ReportPain("neck", 1, frozenset({"chest_pain"})), T0 + 1)
    stop = next(f for f in effects if isinstance(f, e.SafetyStop))
    assert stop.message == (
        "Stop now: chest pain or pressure. Sit or lie down and keep your neck still. Call 999 "
        "now, or have someone call for you. Do not exercise."
    )


@pytest.mark.parametrize(
    ("start", "stops_above"),
    [(None, 5), (0, 5), (3, 5), (4, 6), (5, 7), (6, 7), (8, 7), (10, 7)],
)
def test_pain_above_the_persons_own_limit_ends_the_exercise(
    start: int | None, stops_above: int
) -> None:
    """Issue 14: at an absolute 5/10, someone who starts at 6 could do no exercise at all.
    The limit is clamp(start + 2, 5, 7) for the area reported."""
    plan = SessionPlan(
        day=dt.date(2026, 11, 25),
        minutes=5,
        items=(item("row", reps=5), item("shrug", reps=5)),
        total_s=0,
    )
    state = e.new_session(build_timeline(plan), start_pain={} if start is None else {"neck": start})
    state, _ = e.step(state, e.Start(), T0)
    same, effects = e.step(state, e.ReportPain("neck", stops_above), T0 + 1)
    assert same.index == state.index
    assert not any(isinstance(f, e.MarkAggravating) for f in effects)
    moved, effects = e.step(state, e.ReportPain("neck", stops_above + 1), T0 + 1)
    assert moved.timeline[moved.index].exercise_id == "shrug"
    assert e.MarkAggravating("row") in effects
    assert e.Announce(f"Stopping Row: pain above {stops_above} out of 10 is too much today.") in (
        effects
    )
    # Another area's start does not lift this one's limit.
    other, _ = e.step(state, e.ReportPain("upper_back", 6), T0 + 1)
    assert (other.index != state.index) == (6 > 5)


def test_stop_and_events_after_the_end() -> None:
    state = started(item("row", reps=5))
    state, effects = e.step(state, e.Stop(), T0 + 1)
    assert state.status == "stopped"
    assert e.SessionEnded(finished=False) in effects
    assert e.step(state, e.Skip(), T0 + 2) == (state, ())


def test_resume_starts_at_the_given_step() -> None:
    plan = SessionPlan(
        day=dt.date(2026, 11, 25), minutes=5, items=(item("row", reps=5),), total_s=0
    )
    timeline = build_timeline(plan)
    state, effects = e.step(e.new_session(timeline, resume_at=1), e.Start(), T0)
    assert state.index == 1
    assert effects[0] == e.ShowStep(1)


def test_a_thirty_minute_session_ends_on_time() -> None:
    items = tuple(item(f"row-{n}", sets=3, reps=10, rest_s=45) for n in range(10))
    state = started(*items)
    total = sum(s.duration_s or 0 for s in state.timeline)
    state, effects = run(state, T0 + total + 0.02, every=0.01)
    assert state.status == "finished"
    assert records(effects)[-1].ended_at == pytest.approx(T0 + total)


def test_a_paused_hold_counts_only_the_seconds_held() -> None:
    """Issue 15: the browser's holds counted whole; the engine counts pauses out."""
    state = started(item("upper-trapezius-stretch", "static", hold_s=20, transition_s=5))
    state, _ = e.step(state, e.TICK, T0 + 5)  # the hold begins
    assert state.timeline[state.index].kind == "hold"
    state, _ = e.step(state, e.Pause(), T0 + 9)
    state, _ = e.step(state, e.Resume(), T0 + 39)
    state, effects = e.step(state, e.Done(), T0 + 41)
    record = next(x.record for x in effects if isinstance(x, e.RecordStep))
    assert (record.hold_s, record.paused_s) == (6.0, 30.0)


def test_an_event_comes_after_what_was_due_before_it() -> None:
    """A late tick must not let Done end the step after the one on screen."""
    state = started(item("row", reps=2, sets=1, transition_s=5))
    state, effects = e.step(state, e.Done(), T0 + 6)  # the 5 s get-ready ended at T0 + 5
    records = [x.record for x in effects if isinstance(x, e.RecordStep)]
    assert [(r.kind, r.ended_at, r.skipped) for r in records] == [
        ("get_ready", T0 + 5, False),
        ("work", T0 + 6, False),
    ]


def test_an_effort_answer_is_kept_only_for_a_question_asked() -> None:
    state = started(item("row", reps=2, sets=1, transition_s=1), item("shrug", reps=2))
    state, effects = e.step(state, e.ReportEffort(2, 0), T0 + 0.5)
    assert effects == ()
    state, effects = e.step(state, e.TICK, T0 + 30)
    assert e.AskEffort(0, "row") in effects
    _, effects = e.step(state, e.ReportEffort(2, 0), T0 + 31)
    assert effects == (e.RecordEffort(0, "row", 2),)
    _, effects = e.step(state, e.ReportEffort(2, 5), T0 + 31)
    assert effects == ()


def test_a_replay_never_goes_back_in_time() -> None:
    timeline = started(item("row", reps=2, transition_s=5)).timeline
    fresh = e.new_session(timeline)
    _, produced = e.replay(fresh, [(e.Start(), 0.0), (e.Done(), 3.0), (e.Skip(), 1.0)])
    assert [at for at, _ in produced] == [0.0, 3.0, 3.0]
