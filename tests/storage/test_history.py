"""The history the planner reads: bounded to the latest sessions and each exercise's latest
outcome before them, it plans exactly as the whole history does (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.domain.programmes import programme_of
from tests.history_fixture import PHASES, years_of_sessions
from unknot.catalog.loader import validate_all
from unknot.domain.engine import RecordPain, SessionEnded, StepRecord
from unknot.domain.exercise import Exercise
from unknot.domain.history import RECENT_SESSIONS, History
from unknot.domain.plan import PlanImpossible, SessionPlan
from unknot.domain.planner import build_session, build_week
from unknot.domain.profile import Profile
from unknot.domain.progress import PainCheckIn, clinician_advice, step_downs_in_a_row
from unknot.domain.progression import session_signal
from unknot.domain.timeline import build_timeline
from unknot.storage.repository import SessionWrite, Store

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def catalog() -> dict[str, Exercise]:
    return {e.id: e for e in validate_all(None)}


def plan_or_reason(
    catalog: dict[str, Exercise], profile: Profile, history: History, day: dt.date, seed: int
) -> SessionPlan | str:
    try:
        return build_session(catalog, profile, history, day=day, seed=seed)
    except PlanImpossible as impossible:
        return str(impossible)


def test_a_bounded_history_plans_as_the_whole_history_does(
    store: Store, catalog: dict[str, Exercise]
) -> None:
    """240 sessions over about 20 months, in six phases of profiles; the last (mobility only)
    leaves every strengthening exercise last done months before the latest sessions. On
    PostgreSQL, whose reads are the same statements on another dialect, the same six phases in
    half as many sessions (its round trips made this the suite's slowest test)."""
    count, phase = (240, 40) if store.engine.dialect.name == "sqlite" else (120, 20)
    person = years_of_sessions(store, catalog, count, TODAY, phase_length=phase)
    whole = store.history(person, recent=None)
    bounded = store.history(person)
    assert len(whole.sessions) > count * 5 // 6
    assert bounded.sessions == whole.sessions[-RECENT_SESSIONS:]
    assert bounded.aggravating == whole.aggravating
    # The older outcomes the planner needs are there, once per exercise, none done since.
    recent = {o.exercise_id for s in bounded.sessions for o in s.exercises}
    earlier = [o.exercise_id for o in bounded.earlier]
    done_before = {o.exercise_id for s in whole.sessions[:-RECENT_SESSIONS] for o in s.exercises}
    assert "row" in earlier
    assert set(earlier) == done_before - recent
    assert len(earlier) == len(set(earlier))
    assert not recent & set(earlier)
    done = {o.exercise_id for s in whole.sessions for o in s.exercises}
    for exercise in catalog.values():
        for ids in ({exercise.id}, {exercise.id, exercise.easier, exercise.harder} - {None}, done):
            assert bounded.last_outcome(ids) == whole.last_outcome(ids)  # type: ignore[arg-type]
    assert session_signal(bounded) == session_signal(whole)
    assert step_downs_in_a_row(bounded) == step_downs_in_a_row(whole)
    checkins = store.checkins(person)
    assert clinician_advice(checkins, bounded, TODAY, None) == clinician_advice(
        checkins, whole, TODAY, None
    )
    for profile in (*PHASES, Profile(), Profile(minutes=60, pain={"neck": 8})):
        for day, seed in ((TODAY, 0), (TODAY + dt.timedelta(days=1), 3)):
            planned = plan_or_reason(catalog, profile, bounded, day, seed)
            assert planned == plan_or_reason(catalog, profile, whole, day, seed)
        week = build_week(catalog, profile, bounded, start=TODAY)
        assert week == build_week(catalog, profile, whole, start=TODAY)


def played(
    plan: SessionPlan, at: dt.datetime, hurt: tuple[str, int] | None = None
) -> list[SessionWrite]:
    """Every step of a plan done; with `hurt`, (exercise, score), a pain report in the neck
    during that exercise's first work step."""
    writes: list[SessionWrite] = []
    clock = at.timestamp()
    reported = False
    for step in build_timeline(plan):
        writes.append(
            StepRecord(
                step.index,
                step.item_index,
                step.exercise_id,
                step.kind,
                step.set_number,
                step.side,
                step.direction,
                step.reps,
                step.hold_s,
                clock,
                clock + 5,
                False,
            )
        )
        clock += 5
        if hurt and (step.exercise_id, step.kind) == (hurt[0], "work") and not reported:
            reported = True
            writes.append(
                RecordPain(step.index, step.item_index, hurt[0], "neck", hurt[1], frozenset())
            )
    return [*writes, SessionEnded(finished=True)]


def a_session(
    store: Store,
    person: int,
    plan: SessionPlan,
    at: dt.datetime,
    hurt: tuple[str, int] | None = None,
) -> int:
    plan_id = store.save_plan(person, plan, at)
    session = store.start_session(person, plan_id, at, len(build_timeline(plan)), True)
    store.apply_writes(person, session, [(w, at) for w in played(plan, at, hurt)])
    return session


def test_an_exercise_last_done_long_ago_keeps_its_outcome(
    store: Store, catalog: dict[str, Exercise]
) -> None:
    """The row, done once and then left out for more sessions than a bounded history keeps:
    its outcome (stopped for pain at 8/10 against a start of 3) still steps it down."""
    person = store.local_person()
    start = dt.datetime(2026, 6, 1, 18, tzinfo=dt.UTC)
    band = PHASES[0]
    store.add_checkin(
        person, PainCheckIn(day=start.date(), moment="before", pain={"neck": 3}), start
    )
    programme = programme_of(catalog, ["chin-tuck", "row"], minutes=band.minutes, day=start.date())
    first = build_session(catalog, band, day=start.date(), programme=programme)
    assert "row" in {i.exercise_id for i in first.items}
    a_session(store, person, first, start, hurt=("row", 8))
    mobility = Profile(minutes=10, restrictions=frozenset({"mobility_only"}))
    for number in range(1, RECENT_SESSIONS + 3):
        at = start + dt.timedelta(days=2 * number)
        a_session(store, person, build_session(catalog, mobility, day=at.date()), at)
    # A session begun and never played is no session of the history.
    store.start_session(person, store.save_plan(person, first, start), start, 1, True)
    whole, bounded = store.history(person, recent=None), store.history(person)
    assert len(whole.sessions) == RECENT_SESSIONS + 3
    assert bounded.sessions == whole.sessions[-RECENT_SESSIONS:]
    row = bounded.last_outcome({"row"})
    assert row is not None
    assert row == whole.last_outcome({"row"})
    assert row.stopped_for_pain
    assert row.pain_during == 8
    again = build_session(catalog, band, bounded, day=TODAY, programme=programme)
    assert again == build_session(catalog, band, whole, day=TODAY, programme=programme)
    # It hurt at its easiest dose, so the new programme leaves it out.
    assert "row" not in {i.exercise_id for i in again.items}


def test_a_short_history_is_read_whole(store: Store, catalog: dict[str, Exercise]) -> None:
    person = store.local_person()
    at = dt.datetime(2026, 6, 1, 18, tzinfo=dt.UTC)
    a_session(store, person, build_session(catalog, Profile(), day=at.date()), at)
    history = store.history(person)
    assert history == store.history(person, recent=None)
    assert len(history.sessions) == 1
    assert history.earlier == ()
    assert store.history(person, recent=1).earlier == ()
