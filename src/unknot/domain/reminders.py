"""Reminders between sessions (issue 22): when each is due, and whether it is still worth
sending when a worker gets to it.

Pure: the person's reminder settings, the planned days and the sessions logged, in; the
occurrences due and each one's decision, out. A reminder is due at the person's time on the
days they chose (or the planned days); a nudge at a later time on a planned day with no session
logged by then, at most one a day. Nothing is sent in quiet hours or long after it was due, and
nothing in a reminder scolds: a missed day is not a failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Final, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from unknot.domain.calendar import known_zone

LATE_LIMIT: Final = dt.timedelta(hours=2)
"""A reminder more than this late (unknot was not running at its time) is not sent: one at
18:00 is of no use at midnight."""

RETRIES: Final = 3
"""Attempts at a delivery the channel refused (the mail server was down) before it is left
failed."""
RETRY_AFTER: Final = dt.timedelta(minutes=5)


class Channel(StrEnum):
    """How a reminder reaches the person."""

    EMAIL = "email"
    """The shared server's mail, to the account's address."""
    DESKTOP = "desktop"
    """A notification on the computer the local app runs on."""


CHANNEL_WORDS: Final = {Channel.EMAIL: "by e-mail", Channel.DESKTOP: "as a desktop notification"}

WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ReminderSettings(BaseModel):
    """What the person asked for. Days are ISO weekdays (1 = Monday); none chosen means the
    days the plan sets."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: bool = False
    days: frozenset[int] = frozenset()
    time: dt.time = dt.time(18, 0)
    time_zone: str = "UTC"
    quiet_from: dt.time = dt.time(21, 30)
    quiet_until: dt.time = dt.time(8, 0)
    channels: frozenset[Channel] = frozenset()
    nudge: bool = False
    """A second, gentle message on a planned day with no session logged by `nudge_at`."""
    nudge_at: dt.time = dt.time(20, 0)

    _known_zone = field_validator("time_zone")(lambda cls, value: known_zone(value))

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: frozenset[int]) -> frozenset[int]:
        wrong = sorted(day for day in value if not 1 <= day <= 7)
        if wrong:
            raise ValueError(f"{wrong[0]} is not a weekday; give 1 (Monday) to 7 (Sunday)")
        return value

    @model_validator(mode="after")
    def _outside_quiet_hours(self) -> ReminderSettings:
        if self.on and not self.channels:
            raise ValueError(
                "choose how reminders reach you (by e-mail, or as desktop notifications)"
            )
        if self.quiet_from == self.quiet_until:
            raise ValueError(
                "quiet hours start and end at the same time; give them an end, such as "
                "21:30 to 08:00"
            )
        for name, at in (("reminder", self.time), ("nudge", self.nudge_at)):
            if name == "nudge" and not self.nudge:
                continue
            if self.quiet(at):
                raise ValueError(
                    f"the {name} time {at:%H:%M} is inside your quiet hours "
                    f"({self.quiet_from:%H:%M} to {self.quiet_until:%H:%M}); choose another "
                    "time or change the quiet hours"
                )
        if self.nudge and self.nudge_at <= self.time:
            raise ValueError(
                f"the nudge comes after the reminder: give a nudge time later than "
                f"{self.time:%H:%M}"
            )
        return self

    def quiet(self, at: dt.time) -> bool:
        """Whether a local time is inside the quiet hours (which may cross midnight)."""
        start, end = self.quiet_from, self.quiet_until
        if start < end:
            return start <= at < end
        return at >= start or at < end

    def reminder_day(self, day: dt.date, planned: bool) -> bool:
        return day.isoweekday() in self.days if self.days else planned

    def words(self) -> str:
        """The days in words: "Monday, Wednesday and Friday" or "the days your plan sets"."""
        if not self.days:
            return "the days your plan sets"
        names = [WEEKDAYS[day - 1] for day in sorted(self.days)]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


Kind = Literal["reminder", "nudge"]


class Occurrence(BaseModel):
    """One reminder due: its key names it among the person's (the kind and the local day)."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    day: dt.date
    channel: Channel
    due_at: dt.datetime
    """UTC."""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.day.isoformat()}"


def local_due(day: dt.date, at: dt.time, zone: str) -> dt.datetime:
    """`at` on `day` in the zone, as UTC; a time a spring change skips is read as after it."""
    local = dt.datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    # A wall time that does not exist (02:30 on the spring change) normalises forward.
    return local.astimezone(dt.UTC)


def occurrences(
    settings: ReminderSettings,
    days: Iterable[dt.date],
    planned: frozenset[dt.date],
    channels: Iterable[Channel],
) -> list[Occurrence]:
    """What is due on these local days, on the channels this unknot can deliver. A nudge goes
    by the first channel only: at most one a day, however many channels there are."""
    if not settings.on:
        return []
    usable = [channel for channel in channels if channel in settings.channels]
    found: list[Occurrence] = []
    for day in days:
        if settings.reminder_day(day, day in planned):
            due = local_due(day, settings.time, settings.time_zone)
            found += [Occurrence(kind="reminder", day=day, channel=c, due_at=due) for c in usable]
        if settings.nudge and day in planned and usable:
            due = local_due(day, settings.nudge_at, settings.time_zone)
            found.append(Occurrence(kind="nudge", day=day, channel=usable[0], due_at=due))
    return found


class Send(BaseModel):
    model_config = ConfigDict(frozen=True)

    decision: Literal["send"] = "send"


class Skip(BaseModel):
    """Not sent, and why, in the person's words."""

    model_config = ConfigDict(frozen=True)

    decision: Literal["skip"] = "skip"
    reason: str


def decide(
    kind: Kind,
    day: dt.date,
    channel: Channel,
    due_at: dt.datetime,
    settings: ReminderSettings,
    now: dt.datetime,
    session_logged: bool,
) -> Send | Skip:
    """Whether a claimed occurrence is still to be sent, now, under the settings as they are
    now (the person may have changed them since it was scheduled)."""
    if not settings.on or channel not in settings.channels:
        return Skip(reason="reminders were switched off for this channel")
    if kind == "nudge" and not settings.nudge:
        return Skip(reason="you stopped the evening nudges")
    if session_logged:
        return Skip(reason="you had already exercised that day")
    if now - due_at > LATE_LIMIT:
        return Skip(reason=f"unknot was not running at {_local(due_at, settings):%H:%M}")
    if settings.quiet(_local(now, settings).time()):
        return Skip(reason="it was quiet hours by then")
    return Send()


def _local(at: dt.datetime, settings: ReminderSettings) -> dt.datetime:
    return at.astimezone(ZoneInfo(settings.time_zone))


class ReminderText(BaseModel):
    """What one reminder says. Links and times, never pain or conditions: mail and
    notifications pass through other companies' servers."""

    model_config = ConfigDict(frozen=True)

    subject: str
    body: str


def reminder_text(
    kind: Kind, exercises: int, minutes: int, player_url: str, stop_url: str | None
) -> ReminderText:
    """Encouraging, never scolding: a nudge says there is still time, and that a day off is
    fine."""
    session = f"{exercises} exercises, about {minutes} minutes"
    if kind == "reminder":
        body = (
            f"Your neck and upper-back session is ready: {session}.\n\n"
            f"Start it here: {player_url}\n"
        )
        return ReminderText(subject="Your unknot session is ready", body=body)
    body = (
        f"There is still time for today's session if you would like it: {session}. "
        "A few minutes of it helps too.\n\n"
        f"Start it here: {player_url}\n\n"
        "If today is a rest day after all, that is fine: your plan carries on from where "
        "you are.\n"
    )
    if stop_url is not None:
        body += f"\nNo more evening nudges: {stop_url}\n"
    return ReminderText(subject="Still time for a short unknot session", body=body)
