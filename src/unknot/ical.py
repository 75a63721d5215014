"""The planned sessions as iCalendar (RFC 5545), written with the `icalendar` library (issue
22): one VEVENT per session with its stable UID, SEQUENCE and LAST-MODIFIED, a VTIMEZONE for
the person's zone, a link that opens the player, and an alarm at the session's time.

The alarm is a best-effort extra and says so: some calendar services ignore alarms in feeds
they subscribe to, so it never counts as a delivered reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from unknot.domain.calendar import CalendarSession

PRODUCT = "-//unknot//programme calendar//EN"


def render_calendar(
    sessions: Sequence[CalendarSession], player_url: str, now: dt.datetime
) -> bytes:
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "unknot")
    for session in sessions:
        event = Event()
        event.add("uid", session.uid)
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", session.starts_at)
        event.add("duration", dt.timedelta(minutes=session.minutes))
        event.add("summary", session.summary)
        count = f"{session.exercises} exercise{'s' * (session.exercises != 1)}"
        event.add(
            "description",
            f"{count}, about {session.minutes} minutes. Open it in unknot: {player_url}\n\n"
            "The reminder on this event is a best-effort extra: some calendar services ignore "
            "reminders in calendars they subscribe to.",
        )
        event.add("url", player_url)
        event.add("sequence", session.sequence)
        event.add("last-modified", session.modified_at.astimezone(dt.UTC))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"unknot session: {count}")
        alarm.add("trigger", dt.timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    if sessions:
        # Only the years the events fall in: the whole zone history would be most of the file.
        first = min(s.day for s in sessions)
        last = max(s.day for s in sessions)
        calendar.add_missing_timezones(
            first_date=dt.date(first.year - 1, 1, 1), last_date=dt.date(last.year + 2, 1, 1)
        )
    return bytes(calendar.to_ical())
