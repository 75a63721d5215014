"""The programme in the person's calendar (issue 22): one event per planned session, each with
an identity that stays the same while its day does, and a version that goes up when what it
says changes (the plan changes with progression, so a rule with exceptions would not do).

Pure: the planned weeks, the person's session time and zone, and what was published before,
in; the events, and the versions to keep, out. Calendars sync to third parties, so an event says
"unknot session" and how many exercises, never pain or conditions.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, field_validator

from unknot.domain.plan import WeekPlan


class SessionTime(BaseModel):
    """When the person means to exercise on a planned day, in their own time zone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time: dt.time = dt.time(18, 0)
    time_zone: str = "UTC"

    _known_zone = field_validator("time_zone")(lambda cls, value: known_zone(value))


class Published(BaseModel):
    """What an event said when last published, and its version then."""

    model_config = ConfigDict(frozen=True)

    content: str
    sequence: int
    modified_at: dt.datetime


class CalendarSession(BaseModel):
    """One planned session as a calendar event."""

    model_config = ConfigDict(frozen=True)

    uid: str
    day: dt.date
    starts_at: dt.datetime
    """In the person's zone (an aware datetime)."""
    minutes: int
    exercises: int
    sequence: int
    modified_at: dt.datetime

    @property
    def summary(self) -> str:
        return "unknot session"

    @property
    def content(self) -> str:
        """What the event says, as compared with what was published before."""
        return f"{self.starts_at.isoformat()}|{self.minutes}|{self.exercises}"


@functools.cache
def zone_names() -> frozenset[str]:
    """IANA's zone names, read once: the reminder dispatcher checks every person's settings on
    each pass, and `available_timezones()` walks the zone files each time it is called."""
    return frozenset(available_timezones())


def known_zone(value: str) -> str:
    """`value` if it names a time zone (IANA's names); else ValueError saying what to give."""
    if value not in zone_names():
        raise ValueError(
            f"{value!r} is not a time zone name; use one such as Europe/London or America/New_York"
        )
    return value


def event_uid(person_key: str, day: dt.date) -> str:
    """The same for the same person and day, whatever the plan says; names nobody."""
    digest = hashlib.sha256(f"{person_key}\n{day.isoformat()}".encode()).hexdigest()[:24]
    return f"{day.isoformat()}-{digest}@unknot"


def calendar_sessions(
    weeks: list[WeekPlan],
    when: SessionTime,
    person_key: str,
    published: Mapping[dt.date, Published],
    now: dt.datetime,
) -> list[CalendarSession]:
    """The planned sessions as events: a day published before keeps its version while it says
    the same, and goes up one, modified now, when it changes."""
    zone = ZoneInfo(when.time_zone)
    events = []
    for week in weeks:
        for planned in week.days:
            if planned.session is None:
                continue
            plan = planned.session
            starts = dt.datetime.combine(planned.day, when.time, tzinfo=zone)
            minutes = max(1, round(plan.total_s / 60))
            event = CalendarSession(
                uid=event_uid(person_key, planned.day),
                day=planned.day,
                starts_at=starts,
                minutes=minutes,
                exercises=len(plan.items),
                sequence=0,
                modified_at=now,
            )
            before = published.get(planned.day)
            if before is not None:
                same = before.content == event.content
                event = event.model_copy(
                    update={
                        "sequence": before.sequence if same else before.sequence + 1,
                        "modified_at": before.modified_at if same else now,
                    }
                )
            events.append(event)
    return events
