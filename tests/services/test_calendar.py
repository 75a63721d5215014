"""The programme in the person's calendar (issue 22), read back with real parsers (icalendar,
recurring-ical-events): one event per planned session at the person's time in their zone,
across a daylight-saving change; stable UIDs whose SEQUENCE goes up only when an event
changes; nothing about pain; and the command line and page that make it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.answers import answers_for
from unknot.cli import app as cli
from unknot.clock import FakeClock
from unknot.config import Settings
from unknot.domain.calendar import SessionTime
from unknot.services.application import Application
from unknot.web.app import create_app

LONDON = ZoneInfo("Europe/London")
# A Monday a week before British Summer Time begins (Sunday 28 March 2027).
START = dt.datetime(2027, 3, 22, 9, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=START.timestamp())


@pytest.fixture
def application(tmp_path: Path, clock: FakeClock) -> Iterator[Application]:
    made = Application.from_settings(
        Settings(data_dir=tmp_path / "data", config_dir=tmp_path / "config"), clock
    )
    you = made.local()
    you.submit_screening(answers_for(), country="GB")
    profile = you.profile()
    you.save_profile(
        profile.model_copy(update={"minutes": 15, "sessions_per_week": 3, "pain": {"neck": 6}})
    )
    yield made
    made.close()


def planned_days(application: Application, weeks: int) -> list[dt.date]:
    you = application.local()
    days = []
    for week in range(weeks):
        ahead = you.plan_ahead(
            you.profile(), day=START.date() + dt.timedelta(weeks=week), week=True
        )
        assert ahead.week is not None
        days += [d.day for d in ahead.week.days if d.session is not None]
    return days


def events(ics: bytes, first: dt.date, last: dt.date) -> list[icalendar.Event]:
    """The occurrences a calendar app would show between the two days."""
    calendar = icalendar.Calendar.from_ical(ics)
    found: list[icalendar.Event] = recurring_ical_events.of(calendar).between(first, last)
    return found


def starts(event: icalendar.Event) -> dt.datetime:
    start = event.start
    assert isinstance(start, dt.datetime)
    return start


def test_each_planned_session_is_an_event_at_the_persons_time_across_summer_time(
    application: Application,
) -> None:
    you = application.local()
    you.save_session_time(SessionTime(time=dt.time(18, 30), time_zone="Europe/London"))
    ics = you.calendar(2, "http://127.0.0.1:8000/today")
    found = events(ics, START.date(), START.date() + dt.timedelta(weeks=2))
    days = planned_days(application, 2)
    assert [starts(e).date() for e in found] == days
    assert len(days) == 6
    for event in found:
        assert starts(event).astimezone(LONDON).time() == dt.time(18, 30)
        assert event.summary == "unknot session"
        assert event.url == "http://127.0.0.1:8000/today"
        assert event.end - event.start >= dt.timedelta(minutes=5)
        [alarm] = event.walk("VALARM")
        assert isinstance(alarm, icalendar.Alarm)
        assert alarm.TRIGGER == dt.timedelta(0)  # noqa: SIM300  (the event's own time)
    # Before the change 18:30 is 18:30 UTC; after it, 17:30 UTC.
    offsets = {starts(e).utcoffset() for e in found}
    assert offsets == {dt.timedelta(0), dt.timedelta(hours=1)}
    calendar = icalendar.Calendar.from_ical(ics)
    [zone] = calendar.timezones
    assert zone.tz_name == "Europe/London"
    text = ics.decode()
    # Calendars sync to third parties: no pain, no areas, no screening.
    for word in ("pain", "neck", "6/10", "screen", "warning"):
        assert word not in text.lower(), word


def test_uids_stay_and_sequence_goes_up_only_when_an_event_changes(
    application: Application, clock: FakeClock
) -> None:
    you = application.local()

    def published() -> dict[str, icalendar.Event]:
        found = events(you.calendar(2, "u"), START.date(), START.date() + dt.timedelta(weeks=2))
        return {e.uid: e for e in found}

    first = published()
    assert all(e.sequence == 0 for e in first.values())
    clock.advance(3600)
    again = published()
    assert set(again) == set(first)
    assert all(e.sequence == 0 for e in again.values())
    assert all(again[u].last_modified == first[u].last_modified for u in first)
    # The person moves their sessions to the morning: every event is updated, not added.
    you.save_session_time(SessionTime(time=dt.time(7, 15), time_zone="Europe/London"))
    clock.advance(3600)
    moved = published()
    assert set(moved) == set(first)
    assert all(e.sequence == 1 for e in moved.values())
    for uid, event in moved.items():
        before, after = first[uid].last_modified, event.last_modified
        assert before is not None
        assert after is not None
        assert after > before
    # UIDs name nobody: no person id, no e-mail, only the day and a keyed hash.
    assert all(u.endswith("@unknot") and u[:10].count("-") == 2 for u in moved)


def test_the_command_line_writes_the_file_and_refuses_bad_times_and_zones(
    application: Application, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNKNOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("UNKNOT_CONFIG_DIR", str(tmp_path / "config"))
    runner = CliRunner()
    out = tmp_path / "sessions.ics"
    made = runner.invoke(
        cli,
        [
            "calendar",
            "--weeks",
            "1",
            "--out",
            str(out),
            "--time",
            "07:45",
            "--zone",
            "Europe/Paris",
        ],
    )
    assert made.exit_code == 0, made.output
    assert out.stat().st_mode & 0o777 == 0o600
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    times = [starts(e) for e in calendar.events]
    assert times
    assert all(s.tzinfo is not None and s.time() == dt.time(7, 45) for s in times)
    for arguments, words in (
        (["--time", "7.45"], "--time: '7.45' is not a time"),
        (["--zone", "Mars/Olympus"], "is not a time zone name"),
        (["--weeks", "13"], "13"),
    ):
        refused = runner.invoke(cli, ["calendar", "--out", str(out), *arguments])
        assert refused.exit_code == 2, (arguments, refused.output)
        assert words in refused.output, (arguments, refused.output)
        assert "Traceback" not in refused.output


def test_the_calendar_page_saves_the_time_and_serves_the_file(application: Application) -> None:
    import re

    with TestClient(create_app(application), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/calendar")
        assert page.status_code == 200
        token = re.search(r'name="form_token" value="([0-9a-f]+)"', page.text)
        assert token
        bad = client.post(
            "/calendar", data={"form_token": token[1], "time": "18:00", "time_zone": "Nowhere"}
        )
        assert bad.status_code == 400
        assert "is not a time zone name" in bad.text
        assert 'value="Nowhere"' in bad.text  # what was typed stays, beside its message
        good = client.post(
            "/calendar",
            data={"form_token": token[1], "time": "19:05", "time_zone": "Europe/London"},
        )
        assert good.status_code == 200
        assert "Saved: sessions at 19:05, Europe/London" in good.text
        served = client.get("/calendar.ics?weeks=1")
        assert served.status_code == 200
        assert served.headers["content-type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(served.content)
        assert all(starts(e).astimezone(LONDON).time() == dt.time(19, 5) for e in calendar.events)
        assert client.get("/calendar.ics?weeks=0").status_code == 400
