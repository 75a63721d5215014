"""The repository on SQLite and PostgreSQL: nothing lost, nothing doubled."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from unknot.domain.engine import StepRecord
from unknot.domain.plan import SessionPlan
from unknot.domain.profile import Profile
from unknot.domain.screening import QUESTIONS, ScreeningRecord, assess
from unknot.storage import tables as t
from unknot.storage.repository import Store

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
NO = {q.id: False for q in QUESTIONS if q.ask_if is None}


def a_plan() -> SessionPlan:
    return SessionPlan(day=NOW.date(), minutes=5, items=(), total_s=0)


def record(index: int, skipped: bool = False) -> StepRecord:
    start = NOW.timestamp() + index * 10
    return StepRecord(
        index=index,
        item_index=0,
        exercise_id="row",
        kind="work",
        set_number=1,
        side=None,
        direction=None,
        reps=8,
        hold_s=None,
        started_at=start,
        ended_at=start + 8,
        skipped=skipped,
    )


def new_session(store: Store) -> tuple[int, int]:
    person = store.local_person()
    plan_id = store.save_plan(person, a_plan(), NOW)
    return person, store.start_session(person, plan_id, NOW, steps_total=10, paced=True)


def test_one_local_person(store: Store) -> None:
    assert store.local_person() == store.local_person()


def test_profile_round_trip_and_update(store: Store) -> None:
    person = store.local_person()
    assert store.load_profile(person) is None
    profile = Profile(minutes=30, pain={"neck": 6}, equipment=frozenset({"dumbbell"}))
    store.save_profile(person, profile, NOW)
    assert store.load_profile(person) == profile
    changed = profile.model_copy(update={"minutes": 20})
    store.save_profile(person, changed, NOW)
    assert store.load_profile(person) == changed


def test_screening_latest_and_clearance(store: Store) -> None:
    person = store.local_person()
    assert store.latest_screening(person) is None
    assert store.record_clearance(person, [], NOW.date(), None, None) == 0
    urgent = assess({**NO, "chest_pain": True})
    first = store.add_screening(
        person, ScreeningRecord(taken_on=NOW.date(), result=urgent), NO, NOW
    )
    latest = store.latest_screening(person)
    assert latest is not None
    assert latest.result == urgent
    assert latest.id == first
    assert latest.cleared_on is None
    assert store.record_clearance(person, [first], NOW.date(), "Dr Rao, GP", "fine") == 1
    cleared = store.latest_screening(person)
    assert cleared is not None
    assert cleared.cleared_on == NOW.date()
    assert cleared.cleared


def test_a_screening_answered_by_mistake_is_set_aside_but_kept(store: Store) -> None:
    person = store.local_person()
    urgent = assess({**NO, "chest_pain": True})
    window = dt.timedelta(minutes=30)
    answers = {**NO, "chest_pain": True}
    taken = store.add_screening(
        person, ScreeningRecord(taken_on=NOW.date(), result=urgent), answers, NOW
    )
    late = NOW + dt.timedelta(minutes=31)
    assert store.withdraw_screening(person, taken, late, window) is None
    assert store.withdraw_screening(person, taken + 1, NOW, window) is None
    assert store.withdraw_screening(person, taken, NOW, window) == answers
    assert store.screenings(person) == []
    assert store.latest_screening(person) is None
    with store.engine.connect() as db:
        kept = db.execute(select(t.screenings.c.withdrawn_at)).scalar_one()
    assert kept == NOW


def test_steps_are_saved_once(store: Store) -> None:
    person, session = new_session(store)
    assert store.record_step(person, session, record(0))
    assert not store.record_step(person, session, record(0))
    assert not store.record_step(person, session, record(0), key=f"{session}:0")
    assert store.record_step(person, session, record(1, skipped=True), key="client-key-1")
    assert not store.record_step(person, session, record(2), key="client-key-1")
    rows = store.step_records(session)
    assert [(r["step_index"], r["skipped"]) for r in rows] == [(0, False), (1, True)]
    assert rows[0]["started_at"] == NOW
    assert rows[0]["ended_at"] == NOW + dt.timedelta(seconds=8)


def test_concurrent_duplicates_are_stored_once(store: Store) -> None:
    person, session = new_session(store)
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def send() -> None:
        barrier.wait()
        results.append(store.record_step(person, session, record(3), key="same-key"))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    assert len(store.step_records(session)) == 1


def test_active_session_and_resume_point(store: Store) -> None:
    person, session = new_session(store)
    for index in range(4):
        store.record_step(person, session, record(index))
    active = store.active_session(person)
    assert active is not None
    assert (active.id, active.steps_done, active.next_step) == (session, 4, 4)
    store.end_session(session, "finished", NOW + dt.timedelta(minutes=5))
    assert store.active_session(person) is None
    done = store.sessions(person)[-1]
    assert done.status == "finished"
    assert done.exercise_seconds == 32.0


def test_aggravation_and_effort(store: Store) -> None:
    person, session = new_session(store)
    store.mark_aggravating(person, "wall-angel", NOW)
    store.mark_aggravating(person, "wall-angel", NOW)
    assert store.aggravating(person) == frozenset({"wall-angel"})
    store.record_effort(person, session, 0, "row", 2, NOW)
    store.record_effort(person, session, 0, "row", 2, NOW)
    store.record_pain(person, session, 0, 0, "row", "neck", 3, [], NOW)


def test_the_plan_of_the_day_as_stored_text(store: Store) -> None:
    import json

    person = store.local_person()
    day = NOW.date()
    assert store.plan_of_the_day(person, day) is None
    plan = SessionPlan(day=day, minutes=10, items=(), total_s=600, notes=("a note",))
    first = store.save_plan(person, plan, NOW)
    found = store.plan_of_the_day_text(person, day)
    assert found is not None
    assert found[0] == first
    assert json.loads(found[1])["notes"] == ["a note"]
    assert store.plan_of_the_day(person, day) == (first, plan)
    # While its session is active it stays the day's plan; once ended, the day has none.
    session, started = store.start_or_find_session(person, first, NOW, 1, True, resume_since=None)
    assert started
    assert store.plan_of_the_day(person, day) == (first, plan)
    assert store.save_plan_of_the_day(person, plan, NOW) == (first, False)
    assert store.start_or_find_session(person, first, NOW, 1, True, NOW) == (session, False)
    store.end_session(session, "finished", NOW)
    assert store.plan_of_the_day(person, day) is None
    second, stored = store.save_plan_of_the_day(person, plan, NOW)
    assert stored
    assert second != first
    store.discard_unstarted_plans(person)
    assert store.plan_of_the_day(person, day) is None


def test_one_active_session_is_kept_by_the_database(store: Store) -> None:
    from sqlalchemy.exc import IntegrityError

    person, _session = new_session(store)
    plan = SessionPlan(day=NOW.date(), minutes=10, items=(), total_s=600)
    with pytest.raises(IntegrityError):
        store.start_session(person, store.save_plan(person, plan, NOW), NOW, 1, True)
    later = NOW + dt.timedelta(hours=13)
    _fresh, started = store.start_or_find_session(
        person, store.save_plan(person, plan, later), later, 1, True, later - dt.timedelta(hours=12)
    )
    assert started
    assert [s.status for s in store.sessions(person)] == ["abandoned", "active"]
    assert store.active_session(person) is not None


def test_readiness_inputs_give_the_screenings_and_the_pain_now(store: Store) -> None:
    from unknot.domain.progress import PainCheckIn

    person = store.local_person()
    day, moments = NOW.date(), ("before", "check")
    assert store.readiness_inputs(person, day, moments) == ([], {})
    store.save_profile(person, Profile.model_validate({"pain": {"neck": 4}}), NOW)
    assert store.readiness_inputs(person, day, moments)[1] == {"neck": 4}
    urgent = ScreeningRecord(taken_on=day, result=assess({**NO, "chest_pain": True}))
    kept = store.add_screening(person, urgent, NO, NOW)
    later = NOW + dt.timedelta(minutes=1)
    mistaken = store.add_screening(person, urgent, NO, later)
    store.withdraw_screening(person, mistaken, later, dt.timedelta(minutes=30))
    for moment, pain, at in (
        ("check", {"neck": 6}, NOW),
        ("before", {"neck": 7}, later),
        ("after", {"neck": 1}, later + dt.timedelta(minutes=5)),  # not "now": after a session
    ):
        store.add_checkin(person, PainCheckIn(day=day, moment=moment, pain=pain), at)
    yesterday = PainCheckIn(day=day - dt.timedelta(days=1), moment="check", pain={"neck": 2})
    store.add_checkin(person, yesterday, NOW - dt.timedelta(days=1))
    records, pain = store.readiness_inputs(person, day, moments)
    assert [r.id for r in records] == [kept]
    assert pain == {"neck": 7}


def test_the_local_person_is_made_once_when_another_process_makes_it_first(store: Store) -> None:
    """The race of issue 13, made certain: just before this process inserts "me", another
    connection (another server process) inserts and commits it."""
    from typing import Any

    from sqlalchemy import event, func, insert

    raced: list[bool] = []

    def other_process_first(
        _conn: Any, _cursor: Any, statement: str, *_args: Any, **_kw: Any
    ) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO PERSONS") and not raced:
            raced.append(True)
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
                db.execute(insert(t.persons).values(label="me", created_at=NOW))

    event.listen(store.engine, "before_cursor_execute", other_process_first)
    person = store.local_person()
    assert raced
    with store.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(t.persons)).scalar_one() == 1
    assert store.local_person() == person
