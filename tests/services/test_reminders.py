"""Reminders (issue 22) on the shared server, on a real SQLite file and a real PostgreSQL
server, delivered to a real SMTP server: the reminder at the person's time with its log entry,
one nudge on a planned day without a session and none after a session or after "stop", quiet
hours and late reminders left unsent with the reason shown, a refused delivery shown and tried
again, and two dispatchers delivering each reminder once."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.answers import answers_for
from tests.mailbox import Mailbox, mailbox
from tests.signing import add_account
from tests.storage.conftest import database_url
from unknot.clock import FakeClock
from unknot.config import Settings
from unknot.domain.reminders import Channel, ReminderSettings
from unknot.services import errors
from unknot.services.actor import Actor
from unknot.services.application import Application
from unknot.services.reminders import (
    Dispatcher,
    ReminderDelivery,
    dispatcher_for,
    message_id,
    reminder_settings_from,
)

__all__ = ["database_url", "mailbox"]

LONDON = ZoneInfo("Europe/London")
# Monday 22 March 2027, 07:00 in London (GMT; summer time starts on the 28th).
START = dt.datetime(2027, 3, 22, 7, tzinfo=LONDON)
SCOLDING = re.compile(r"\b(missed|failed|forgot|should|streak|lazy|behind)\b", re.IGNORECASE)


class RefusingMailbox(Mailbox):
    """A mail server that can be told to refuse for a while (451: try again later)."""

    refusing = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing:
            return "451 4.3.0 Mailbox busy, try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=START.timestamp())


@pytest.fixture
def application(
    database_url: str,
    clock: FakeClock,
    mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Application]:
    monkeypatch.setenv("UNKNOT_DATABASE_URL", database_url)
    monkeypatch.setenv("UNKNOT_SERVER", "1")
    monkeypatch.setenv("UNKNOT_PUBLIC_URL", "https://unknot.example.org")
    monkeypatch.setenv("UNKNOT_SMTP_URL", mailbox.url)
    made = Application.from_settings(Settings(), clock)
    yield made
    made.close()


@pytest.fixture
def sam(application: Application) -> Actor:
    return person_with_a_plan(application)


def person_with_a_plan(application: Application) -> Actor:
    """Sam, screened, three sessions a week, with an account whose address is theirs."""
    accounts = application.accounts()
    made = accounts.create_first_administrator(
        "Riverside Physio", "admin@example.org", "correct horse battery"
    )
    row = add_account(accounts, made.organisation_id, "sam@example.org")
    assert row.person_id is not None
    you = application.acting_as(row.person_id)
    you.submit_screening(answers_for(), country="GB")
    profile = you.profile()
    you.save_profile(profile.model_copy(update={"minutes": 15, "sessions_per_week": 3}))
    return you


def planned(you: Actor) -> list[dt.date]:
    ahead = you.plan_ahead(you.profile(), day=START.date(), week=True)
    assert ahead.week is not None
    return [d.day for d in ahead.week.days if d.session is not None]


def at(day: dt.date, hour: int, minute: int = 0) -> float:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON).timestamp()


def move_to(clock: FakeClock, when: float) -> None:
    assert when >= clock.now(), "the clock only goes forward"
    clock.advance(when - clock.now())


def every_day(**changes: object) -> ReminderSettings:
    base = ReminderSettings(
        on=True,
        days=frozenset(range(1, 8)),
        time=dt.time(18, 0),
        time_zone="Europe/London",
        channels=frozenset({Channel.EMAIL}),
    )
    return base.model_copy(update=changes)


def dispatcher(application: Application) -> Dispatcher:
    return dispatcher_for(application, "https://unknot.example.org")


def test_a_reminder_goes_by_email_at_the_persons_time_and_is_logged(
    application: Application, sam: Actor, clock: FakeClock, mailbox: Mailbox
) -> None:
    overview = sam.save_reminder_settings(every_day())
    assert overview.coming[:2] == (
        "Monday 22 Mar 18:00 reminder by e-mail",
        "Tuesday 23 Mar 18:00 reminder by e-mail",
    )
    move_to(clock, at(START.date(), 17, 59))
    assert dispatcher(application).run_pass() == []
    assert mailbox.messages == []

    move_to(clock, at(START.date(), 18, 0))
    [sent] = dispatcher(application).run_pass()
    assert sent == ReminderDelivery(
        kind="reminder",
        channel=Channel.EMAIL,
        due_at=dt.datetime(2027, 3, 22, 18, tzinfo=LONDON),
        status="sent",
        words="Sent Monday 22 Mar 18:00 by e-mail (reminder)",
    )
    [mail] = mailbox.messages
    assert mail["To"] == "sam@example.org"
    assert mail["Subject"] == "Your unknot session is ready"
    assert mail["Message-ID"] == message_id(
        application, sam.person_id, "reminder:2027-03-22", "email"
    )
    text = Mailbox.text(mail)
    assert "https://unknot.example.org/today" in text
    assert re.search(r"\d+ exercises, about \d+ minutes", text)
    assert "pain" not in text.lower()
    # Sent once: the next pass finds nothing due.
    assert dispatcher(application).run_pass() == []
    assert len(mailbox.messages) == 1
    assert sam.reminder_overview().deliveries == (sent,)
    assert sam.reminder_overview().coming == ("Tuesday 23 Mar 18:00 reminder by e-mail",)


def test_one_nudge_on_a_planned_day_without_a_session_and_none_after_stop(
    application: Application, sam: Actor, clock: FakeClock, mailbox: Mailbox
) -> None:
    days = planned(sam)
    first, second, third = days[:3]
    sam.save_reminder_settings(every_day(nudge=True, nudge_at=dt.time(20, 0)))

    move_to(clock, at(first, 20, 1))
    sent = dispatcher(application).run_pass()
    assert [d.kind for d in sent] == ["reminder", "nudge"][-len(sent) :]
    nudges = [
        m for m in mailbox.messages if m["Subject"] == "Still time for a short unknot session"
    ]
    assert len(nudges) == 1
    text = Mailbox.text(nudges[0])
    assert not SCOLDING.search(text), text
    assert "https://unknot.example.org/reminders#nudge" in text
    assert dispatcher(application).run_pass() == []

    # On the next planned day the person exercises before the nudge: no nudge.
    move_to(clock, at(second, 19, 0))
    dispatcher(application).run_pass()
    sam.begin_session()
    move_to(clock, at(second, 20, 5))
    [skipped] = dispatcher(application).run_pass()
    assert skipped.kind == "nudge"
    assert skipped.status == "skipped"
    assert "you had already exercised that day" in skipped.words
    assert len([m for m in mailbox.messages if "Still time" in m["Subject"]]) == 1

    # After "stop", no nudge at all; reminders go on.
    sam.stop_nudges()
    move_to(clock, at(third, 17, 0))
    dispatcher(application).run_pass()
    move_to(clock, at(third, 18, 0))
    assert [(d.kind, d.status) for d in dispatcher(application).run_pass()] == [
        ("reminder", "sent")
    ]
    move_to(clock, at(third, 20, 30))
    assert dispatcher(application).run_pass() == []
    assert len([m for m in mailbox.messages if "Still time" in m["Subject"]]) == 1


def test_a_refused_delivery_is_shown_and_tried_again(
    database_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiosmtpd.controller import Controller

    from tests.web.serving import free_port

    box = RefusingMailbox()
    box.port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        monkeypatch.setenv("UNKNOT_DATABASE_URL", database_url)
        monkeypatch.setenv("UNKNOT_SERVER", "1")
        monkeypatch.setenv("UNKNOT_PUBLIC_URL", "https://unknot.example.org")
        monkeypatch.setenv("UNKNOT_SMTP_URL", box.url)
        application = Application.from_settings(Settings(), clock)
        you = person_with_a_plan(application)
        you.save_reminder_settings(every_day())
        box.refusing = True
        move_to(clock, at(START.date(), 18, 0))
        [failed] = dispatcher(application).run_pass()
        assert failed.status == "failed"
        assert failed.words.startswith("Could not send Monday 22 Mar 18:00 by e-mail: the mail")
        assert "Trying again in a few minutes." in failed.words
        assert you.reminder_overview().deliveries == (failed,)

        box.refusing = False
        clock.advance(4 * 60)
        assert dispatcher(application).run_pass() == []
        clock.advance(60)
        [sent] = dispatcher(application).run_pass()
        assert sent.words == "Sent Monday 22 Mar 18:05 by e-mail (reminder)"
        assert len(box.messages) == 1
        application.close()
    finally:
        controller.stop()


def test_nothing_is_sent_late_or_in_quiet_hours_and_the_log_says_why(
    application: Application, sam: Actor, clock: FakeClock, mailbox: Mailbox
) -> None:
    sam.save_reminder_settings(every_day(time=dt.time(21, 0), quiet_from=dt.time(22, 0)))
    # No worker ran from before 21:00 until 23:30: too late, and quiet hours by then.
    move_to(clock, at(START.date(), 23, 30))
    [skipped] = dispatcher(application).run_pass()
    assert skipped.status == "skipped"
    assert skipped.words == (
        "Not sent Monday 22 Mar 21:00: unknot was not running at 21:00 (reminder)"
    )
    move_to(clock, at(START.date() + dt.timedelta(days=1), 22, 30))
    [quiet] = dispatcher(application).run_pass()
    assert quiet.words == "Not sent Tuesday 23 Mar 21:00: it was quiet hours by then (reminder)"
    assert mailbox.messages == []


def test_reminders_follow_a_change_of_time_and_stop_when_switched_off(
    application: Application, sam: Actor, clock: FakeClock, mailbox: Mailbox
) -> None:
    sam.save_reminder_settings(every_day())
    assert sam.save_reminder_settings(every_day(time=dt.time(12, 30))).coming[0] == (
        "Monday 22 Mar 12:30 reminder by e-mail"
    )
    move_to(clock, at(START.date(), 18, 0))
    # The 18:00 reminder went with the change; the 12:30 one had no worker running at 12:30.
    assert [d.words for d in dispatcher(application).run_pass()] == [
        "Not sent Monday 22 Mar 12:30: unknot was not running at 12:30 (reminder)"
    ]
    sam.save_reminder_settings(every_day(on=False))
    assert sam.reminder_overview().coming == ()
    move_to(clock, at(START.date() + dt.timedelta(days=1), 12, 31))
    assert dispatcher(application).run_pass() == []
    assert mailbox.messages == []


def test_two_dispatchers_deliver_each_reminder_once(
    application: Application, sam: Actor, clock: FakeClock, mailbox: Mailbox
) -> None:
    accounts = application.accounts()
    people = [sam]
    organisation = accounts.records.organisations()[0][0]
    for n in range(5):
        row = add_account(accounts, organisation, f"person{n}@example.org")
        assert row.person_id is not None
        people.append(application.acting_as(row.person_id))
    for you in people:
        you.save_reminder_settings(every_day())
    move_to(clock, at(START.date(), 18, 0))
    done: list[ReminderDelivery] = []
    lock = threading.Lock()

    def work() -> None:
        found = dispatcher(application).run_pass()
        with lock:
            done.extend(found)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # Each reminder once, by one dispatcher or the other.
    assert sorted(d.status for d in done) == ["sent"] * 6
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        ["sam@example.org"] + [f"person{n}@example.org" for n in range(5)]
    )
    assert len({m["Message-ID"] for m in mailbox.messages}) == 6


def test_settings_that_cannot_be_used_are_named() -> None:
    current = ReminderSettings(on=True, channels=frozenset({Channel.EMAIL}))
    problems = {
        "time": {"time": "6pm"},
        "days": {"days": "mon,funday"},
        "zone": {"zone": "Mars/Olympus"},
        "quiet": {"quiet": "22:00"},
        "nudge_at": {"nudge_at": "25:00"},
        "channels": {"channels": ["pigeon"]},
    }
    for field, given in problems.items():
        with pytest.raises(errors.ReminderProblem) as raised:
            reminder_settings_from(current, **given)  # type: ignore[arg-type]
        assert raised.value.field == field, (field, str(raised.value))
    for zoned in ("18:00Z", "18:00+01:00", "18:00:30"):
        with pytest.raises(errors.ReminderProblem, match="is not a time"):
            reminder_settings_from(current, time=zoned)
    with pytest.raises(errors.ReminderProblem, match="is not a time"):
        reminder_settings_from(current, quiet="21:30+01:00-08:00")
    with pytest.raises(errors.ReminderProblem, match="inside your quiet hours"):
        reminder_settings_from(current, time="23:00")
    with pytest.raises(errors.ReminderProblem, match="later than 18:00"):
        reminder_settings_from(current, nudge=True, nudge_at="17:00")
    made = reminder_settings_from(current, days="Mon, wednesday,fri", quiet="22:30-07:00")
    assert made.days == {1, 3, 5}
    assert made.words() == "Monday, Wednesday and Friday"
    assert made.quiet(dt.time(23, 0))
    assert made.quiet(dt.time(6, 59))
    assert not made.quiet(dt.time(7, 0))


def test_reminders_and_desk_breaks_go_with_an_export_and_come_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    application = Application.from_settings(
        Settings(data_dir=tmp_path / "data", config_dir=tmp_path / "config"), clock
    )
    you = application.local()
    you.submit_screening(answers_for(), country="GB")
    settings = every_day(channels=frozenset({Channel.DESKTOP}), nudge=True)
    you.save_reminder_settings(settings)
    plan = you.break_plan()
    assert plan.routine is not None
    break_id = you.offer_break(plan.routine, "timer")
    # Put off from the notice, then opened after all: started, and its check-in kept.
    assert you.answer_break(break_id, "later")
    you.check_in_after_break(break_id, 3)
    assert you.desk_break(break_id).answer == "started"
    with pytest.raises(errors.NoSuchBreak):
        you.check_in_after_break(break_id + 1, 3)
    exported = you.export_data("json", tmp_path / "export.json")
    you.forget()
    assert you.reminder_overview().coming == ()

    you.import_data(exported)
    assert you.reminder_settings() == settings
    assert you.desk_break(break_id).pain_after == 3
    # What comes is made again from the settings at the next pass.
    dispatcher_for(application, "http://127.0.0.1:8000").schedule()
    assert you.reminder_overview().coming[0] == (
        "Monday 22 Mar 18:00 reminder as a desktop notification"
    )
    application.close()
