"""The progress rules read only the days that decide them (`progress.days_that_count`), and
decide as they do on every check-in ever stored (issue 16: cost stays flat as history grows)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.history_fixture import years_of_sessions
from unknot.catalog.loader import validate_all
from unknot.clock import FakeClock, today
from unknot.domain import progress
from unknot.domain.progress import PainCheckIn
from unknot.services.actor import Actor
from unknot.services.application import Application


@pytest.fixture(scope="module")
def long_record(tmp_path_factory: pytest.TempPathFactory) -> tuple[Application, int]:
    """About a year of sessions and check-ins, ending on the fake clock's day."""
    folder = tmp_path_factory.mktemp("long")
    monkey = pytest.MonkeyPatch()
    monkey.setenv("UNKNOT_DATA_DIR", str(folder / "data"))
    monkey.setenv("UNKNOT_CONFIG_DIR", str(folder / "config"))
    application = Application.from_environment(FakeClock())
    catalog = {e.id: e for e in validate_all(None)}
    person = years_of_sessions(application._store, catalog, 150, today(application.clock))
    monkey.undo()
    return application, person


def whole_advice(you: Actor, checkins: list[PainCheckIn]) -> list[progress.Advice]:
    store = you._store
    return progress.clinician_advice(
        checkins,
        store.history(you.person_id),
        you.today_date(),
        store.started_on(you.person_id),
        store.function_ratings(you.person_id),
    )


def test_advice_and_areas_are_those_of_every_check_in(long_record: tuple[Application, int]) -> None:
    application, person = long_record
    you = application.acting_as(person)
    every = you._store.checkins(person)
    report = you.progress_report(8)
    assert len(every) > 300
    assert report.areas == progress.area_changes(every, you.today_date())
    assert report.advice == whole_advice(you, every)
    assert you.current_advice() == report.advice


def test_a_later_day_with_new_readings_still_decides_alike(
    long_record: tuple[Application, int],
) -> None:
    """Severe days in a row, a worse week and a new area: each rule sees what it would see."""
    application, person = long_record
    clock = application.clock
    assert isinstance(clock, FakeClock)
    you = application.acting_as(person)
    for _ in range(4):
        clock.advance(86_400)
        you.record_checkin("check", {"neck": 9, "mid_back": 6})
    every = you._store.checkins(person)
    advice = you.current_advice()
    assert {a.concern for a in advice} >= {"severe_days", "worsens"}
    assert advice == whole_advice(you, every)
    assert you.progress_report(4).areas == progress.area_changes(every, you.today_date())


def test_the_report_shows_its_weeks_with_totals_of_the_whole_record(
    long_record: tuple[Application, int],
) -> None:
    application, person = long_record
    you = application.acting_as(person)
    report = you.progress_report(8)
    shown_from = report.calendar[0][0].day
    assert all(
        p.day >= shown_from - dt.timedelta(days=6) for ps in report.pain_points.values() for p in ps
    )
    assert all(b.day >= shown_from - dt.timedelta(days=6) for b in report.before_after)
    finished = [s for s in you._store.sessions(person) if s.status == "finished"]
    assert report.adherence.total_sessions == len(finished) > 80
