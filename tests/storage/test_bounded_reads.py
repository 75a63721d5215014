"""Reads bounded by what a request shows: a page of sessions, one session, the latest one, the
day a record begins, recent check-ins (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.storage.test_repository import a_plan, record
from unknot.domain.progress import PainCheckIn
from unknot.storage.repository import Store

START = dt.datetime(2026, 11, 1, 18, tzinfo=dt.UTC)


def sessions_on_days(store: Store, days: int) -> tuple[int, list[int]]:
    """One finished session a day from START, each with two steps recorded."""
    person = store.local_person()
    ids = []
    for number in range(days):
        at = START + dt.timedelta(days=number)
        session = store.start_session(person, store.save_plan(person, a_plan(), at), at, 4, True)
        for index in (0, 1):
            store.record_step(person, session, record(index))
        store.end_session(session, "finished", at + dt.timedelta(minutes=20))
        ids.append(session)
    return person, ids


def test_a_page_of_sessions_and_the_next_one(store: Store) -> None:
    person, ids = sessions_on_days(store, 7)
    every = store.sessions(person)
    assert [s.id for s in every] == ids
    latest = store.sessions(person, limit=3)
    assert latest == every[-3:]
    older = store.sessions(person, limit=3, before=latest[0].id)
    assert older == every[-6:-3]
    assert store.sessions(person, before=ids[1]) == every[:1]
    assert store.sessions(person, limit=3, before=ids[0]) == []
    assert all(s.steps_done == 2 and s.next_step == 2 for s in every)


def test_one_session_and_the_latest_one(store: Store) -> None:
    person, ids = sessions_on_days(store, 3)
    assert store.session(person, ids[1]) == store.sessions(person)[1]
    assert store.session(person, 999) is None
    assert store.session(person + 1, ids[1]) is None
    assert store.latest_session_id(person) == ids[-1]
    day_two = dt.datetime.combine(START.date() + dt.timedelta(days=2), dt.time(), dt.UTC)
    assert store.latest_session_id(person, started_before=day_two) == ids[1]
    assert store.latest_session_id(person, started_before=START) is None
    assert store.latest_session_id(person + 1) is None


def test_the_day_a_record_begins_and_recent_checkins(store: Store) -> None:
    person = store.local_person()
    assert store.started_on(person) is None
    checkin = PainCheckIn(day=START.date(), moment="check", pain={"neck": 4})
    store.add_checkin(person, checkin, START)
    assert store.started_on(person) == START.date()
    earlier = START - dt.timedelta(days=3)
    store.start_session(person, store.save_plan(person, a_plan(), earlier), earlier, 1, True)
    assert store.started_on(person) == earlier.date()
    later = checkin.model_copy(update={"day": START.date() + dt.timedelta(days=5)})
    store.add_checkin(person, later, START + dt.timedelta(days=5))
    assert store.checkins(person, since=START.date() + dt.timedelta(days=1)) == [later]
    assert store.checkins(person, since=START.date()) == [checkin, later]


def test_sessions_since_and_the_finished_totals(store: Store) -> None:
    person, ids = sessions_on_days(store, 4)
    since = START + dt.timedelta(days=2)
    assert [s.id for s in store.sessions(person, since=since)] == ids[2:]
    assert [s.id for s in store.sessions(person, since=since, limit=1)] == ids[3:]
    # Times with microseconds, a stopped session and an active one, which count for nothing.
    odd = START + dt.timedelta(days=9, microseconds=250_001)
    extra = store.start_session(person, store.save_plan(person, a_plan(), odd), odd, 4, True)
    store.end_session(extra, "finished", odd + dt.timedelta(minutes=7, microseconds=999_999))
    stopped = store.start_session(person, store.save_plan(person, a_plan(), odd), odd, 4, True)
    store.end_session(stopped, "stopped", odd + dt.timedelta(minutes=3))
    store.start_session(person, store.save_plan(person, a_plan(), odd), odd, 4, True)
    finished = [s for s in store.sessions(person) if s.status == "finished"]
    minutes = sum(
        ((s.ended_at or s.started_at) - s.started_at).total_seconds() / 60 for s in finished
    )
    count, total = store.finished_totals(person)
    assert count == len(finished) == 5
    assert total == pytest.approx(minutes, abs=1e-9)
    assert store.finished_totals(person + 1) == (0, 0.0)
