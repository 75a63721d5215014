"""The programme in the person's calendar (issue 22): the time they mean to exercise, and the
planned weeks as an iCalendar file."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Final

from unknot.clock import instant, today
from unknot.domain.calendar import Published, SessionTime, calendar_sessions
from unknot.services import errors
from unknot.services.planning import Planning

if TYPE_CHECKING:
    from unknot.domain.plan import WeekPlan
    from unknot.services.application import Application
    from unknot.storage.calendar import CalendarStore

LONGEST_WEEKS: Final = 12


class Calendars(Planning):
    """The calendar use cases of one person."""

    @property
    def _calendar_store(self) -> CalendarStore:
        from unknot.storage.calendar import CalendarStore

        return CalendarStore(self._store)

    def session_time(self) -> SessionTime:
        """When the person means to exercise (18:00 in this computer's zone until they say)."""
        person = self.existing_person()
        found = None if person is None else self._calendar_store.session_time(person)
        if found is not None:
            return SessionTime.model_validate(found)
        return SessionTime(time_zone=local_zone())

    def save_session_time(self, when: SessionTime) -> None:
        self._calendar_store.save_session_time(
            self.person_id, when.model_dump(mode="json"), instant(self.clock.now())
        )

    def calendar(self, weeks: int, player_url: str) -> bytes:
        """The planned sessions of the next `weeks` weeks as iCalendar. Raises PlanImpossible
        (or a held-back plan's words) when nothing can be planned."""
        from unknot.ical import render_calendar

        if not 1 <= weeks <= LONGEST_WEEKS:
            raise errors.PlanImpossible(f"Ask for 1 to {LONGEST_WEEKS} weeks.")
        now = instant(self.clock.now())
        planned = self._planned_weeks(weeks)
        store = self._calendar_store
        person = self.person_id
        published = {
            day: Published(content=content, sequence=sequence, modified_at=modified)
            for day, content, sequence, modified in store.published(person)
        }
        events = calendar_sessions(planned, self.session_time(), self._person_key(), published, now)
        store.publish(person, [(e.day, e.content, e.sequence, e.modified_at) for e in events])
        return render_calendar(events, player_url, now)

    # A feed a calendar service subscribes to (the shared server) ------------------------------

    def new_calendar_feed(self) -> str:
        """A new unguessable token for this person's feed (any earlier one stops working):
        shown once, stored hashed."""
        token = secrets.token_urlsafe(32)
        self._calendar_store.new_feed(self.person_id, _feed_hash(token), instant(self.clock.now()))
        return token

    def revoke_calendar_feed(self) -> bool:
        return self._calendar_store.revoke_feeds(self.person_id, instant(self.clock.now())) > 0

    def calendar_feed_since(self) -> dt.datetime | None:
        person = self.existing_person()
        return None if person is None else self._calendar_store.feed_since(person)

    def _planned_weeks(self, weeks: int) -> list[WeekPlan]:
        start = today(self.clock)
        profile = self.profile()
        found = []
        for week in range(weeks):
            ahead = self.plan_ahead(profile, day=start + dt.timedelta(weeks=week), week=True)
            if ahead.held_back is not None:
                raise errors.PlanImpossible(ahead.held_back)
            assert ahead.week is not None
            found.append(ahead.week)
        return found

    def _person_key(self) -> str:
        """A key for this person's event UIDs that names nobody: the installation's secret
        with the person's id, hashed."""
        return hmac.new(
            self.app.secret(), f"calendar {self.person_id}".encode(), hashlib.sha256
        ).hexdigest()


FEED_WEEKS: Final = 6


def _feed_hash(token: str) -> str:
    return hashlib.sha256(f"calendar feed {token}".encode()).hexdigest()


def feed_calendar(app: Application, token: str, player_url: str) -> bytes | None:
    """The calendar a feed's token names, as a calendar service fetches it (nobody signs in
    there); None for an unknown or revoked token."""
    from unknot.storage.calendar import CalendarStore

    if not token or len(token) > 100:
        return None
    person = CalendarStore(app._store).feed_person(_feed_hash(token))
    if person is None:
        return None
    try:
        return app.acting_as(person).calendar(FEED_WEEKS, player_url)
    except errors.PlanImpossible:
        # Sessions held back (a warning sign): an empty calendar, not an error page.
        from unknot.ical import render_calendar

        return render_calendar([], player_url, instant(app.clock.now()))


def session_time_from(time: str | None, zone: str | None, current: SessionTime) -> SessionTime:
    """`current` with the time (HH:MM) and zone given. Raises SessionTimeProblem naming the
    one that cannot be used."""
    from pydantic import ValidationError

    try:
        at = current.time if time is None else dt.time.fromisoformat(time.strip())
    except ValueError:
        raise errors.SessionTimeProblem(
            f"{time!r} is not a time: give one as HH:MM, such as 18:30.", "time"
        ) from None
    try:
        return SessionTime(time=at, time_zone=current.time_zone if zone is None else zone.strip())
    except ValidationError as error:
        message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise errors.SessionTimeProblem(f"{message}.", "zone") from None


def local_zone() -> str:
    """This computer's time zone name (the link /etc/localtime makes), else UTC."""
    import os
    from pathlib import Path
    from zoneinfo import available_timezones

    named = os.environ.get("TZ", "").lstrip(":")
    if named in available_timezones():
        return named
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return "UTC"
    _, found, zone = target.partition("zoneinfo/")
    return zone if found and zone in available_timezones() else "UTC"
