"""The clock protocol: a monotonic reading for timing and wall time for records (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest

from unknot.clock import AcceleratedClock, FakeClock, RunTime


def test_the_fake_clock_moves_both_readings_together() -> None:
    clock = FakeClock(start=1_000_000.0)
    clock.advance(12.5)
    assert (clock.now(), clock.monotonic()) == (1_000_012.5, 12.5)


def test_setting_the_wall_clock_moves_no_run_offset() -> None:
    clock = FakeClock(start=1_000_000.0)
    run = RunTime(clock)
    clock.advance(30)
    clock.time -= 3600  # someone sets the wall clock back an hour mid-session
    assert run.offset() == 30
    assert run.wall(run.offset()) == 1_000_030.0  # records keep the run's own time line


def test_the_accelerated_clock_runs_both_readings_faster_from_its_start() -> None:
    base = FakeClock(start=1_000_000.0)
    fast = AcceleratedClock(20, base)
    started_wall, started = fast.now(), fast.monotonic()
    base.advance(1.5)
    assert fast.now() - started_wall == 30.0
    assert fast.monotonic() - started == 30.0
    with pytest.raises(ValueError, match="positive"):
        AcceleratedClock(0)


def test_the_accelerated_clock_can_start_at_a_given_wall_time() -> None:
    base = FakeClock(start=1_000_000.0)
    fast = AcceleratedClock(400, base, start=5_000.0)
    assert fast.now() == 5_000.0
    base.advance(2)
    assert fast.now() == 5_800.0


def test_a_clock_start_setting_dates_what_the_application_records(
    monkeypatch: pytest.MonkeyPatch, private_folders: dict[str, object]
) -> None:
    from unknot.clock import today
    from unknot.config import Settings
    from unknot.services.application import Application

    monkeypatch.setenv("UNKNOT_CLOCK_START", "2026-06-10T10:00:00")
    application = Application.from_settings(Settings())
    assert today(application.clock) == dt.date(2026, 6, 10)
    assert application.clock.now() - dt.datetime(2026, 6, 10, 10).timestamp() < 60
