"""Reminders between sessions (issue 22): the person's settings and what was sent, and the
dispatcher that workers run.

The rules (what is due when, and whether it is still worth sending) are `domain.reminders`';
the claims are `storage.reminders`'. A dispatcher schedules each person's next two days once a
day, then claims due reminders one at a time and hands each to its channel: e-mail on the
shared server, a desktop notification in the local app. Every outcome is a delivery row the
person sees; a failure is retried a few times and shown, never dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, Literal, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from unknot.clock import instant

# CHANNEL_WORDS and WEEKDAYS are the pages' too.
from unknot.domain.reminders import (
    CHANNEL_WORDS as CHANNEL_WORDS,
)
from unknot.domain.reminders import (
    RETRIES,
    RETRY_AFTER,
    Channel,
    Kind,
    ReminderSettings,
    ReminderText,
    Send,
    decide,
    occurrences,
    reminder_text,
)
from unknot.domain.reminders import (
    WEEKDAYS as WEEKDAYS,
)
from unknot.services import errors
from unknot.services.calendars import Calendars

if TYPE_CHECKING:
    from unknot.services.application import Application
    from unknot.storage.reminders import ClaimedReminder, DeliveryRow, ReminderStore

log = logging.getLogger(__name__)

LEASE: Final = dt.timedelta(minutes=5)
"""How long a claim keeps other workers off a reminder: longer than a delivery takes (the mail
client gives up after 20 s), short enough that a crashed worker's reminder still goes on time."""


class DeliveryFailed(RuntimeError):
    """A channel could not deliver; the message says why, in words the person can act on."""


class Deliver(Protocol):
    """One channel's way of delivering a reminder."""

    def __call__(self, person_id: int, text: ReminderText, message_id: str) -> None:
        """Deliver it, or raise DeliveryFailed."""
        ...


Status = Literal["sending", "sent", "failed", "skipped"]


class ReminderDelivery(BaseModel):
    """One reminder as the person sees it in their log."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    channel: Channel
    due_at: dt.datetime
    """In the person's zone."""
    status: Status
    words: str
    """"Sent Tuesday 18:00 by e-mail", or what went wrong."""


class ReminderOverview(BaseModel):
    """The Reminders page: the settings, the channels this unknot can deliver on, what comes
    next and what was sent."""

    model_config = ConfigDict(frozen=True)

    settings: ReminderSettings
    channels: tuple[Channel, ...]
    coming: tuple[str, ...]
    deliveries: tuple[ReminderDelivery, ...]


def usable_channels(app: Application) -> tuple[Channel, ...]:
    """The channels this unknot can deliver on: e-mail on a shared server with a mail server,
    desktop notifications on the local app (its computer is the person's)."""
    if app.server_mode:
        return (Channel.EMAIL,) if app.mailer() is not None else ()
    return (Channel.DESKTOP,)


class Reminders(Calendars):
    """The reminder use cases of one person."""

    @property
    def _reminder_store(self) -> ReminderStore:
        from unknot.storage.reminders import ReminderStore

        return ReminderStore(self._store)

    def reminder_settings(self) -> ReminderSettings:
        person = self.existing_person()
        found = None if person is None else self._reminder_store.settings(person)
        if found is not None:
            return ReminderSettings.model_validate(found)
        return ReminderSettings(
            time_zone=self.session_time().time_zone,
            time=self.session_time().time,
            channels=frozenset(usable_channels(self.app)),
        )

    def save_reminder_settings(self, settings: ReminderSettings) -> ReminderOverview:
        """Keep them, and put the next two days' reminders in place at once."""
        self._reminder_store.save_settings(
            self.person_id, settings.model_dump(mode="json"), instant(self.clock.now())
        )
        schedule_person(self.app, self.person_id, settings)
        return self.reminder_overview()

    def stop_nudges(self) -> ReminderOverview:
        """No more nudges (reminders stay as they are)."""
        return self.save_reminder_settings(
            self.reminder_settings().model_copy(update={"nudge": False})
        )

    def reminder_overview(self) -> ReminderOverview:
        settings = self.reminder_settings()
        person = self.existing_person()
        store = self._reminder_store
        waiting = [] if person is None else store.waiting(person)
        done = [] if person is None else store.deliveries(person)
        zone = ZoneInfo(settings.time_zone)
        coming = tuple(
            f"{_when(row.due_at.astimezone(zone))} "
            f"{'nudge' if row.kind == 'nudge' else 'reminder'} "
            f"{CHANNEL_WORDS[Channel(row.channel)]}"
            for row in waiting
            if not any(d.occurrence == row.occurrence and d.channel == row.channel for d in done)
        )
        return ReminderOverview(
            settings=settings,
            channels=usable_channels(self.app),
            coming=coming,
            deliveries=tuple(_delivery(row, zone) for row in done),
        )


def _when(at: dt.datetime) -> str:
    return f"{WEEKDAYS[at.weekday()]} {at:%d %b %H:%M}".replace(" 0", " ", 1)


def _delivery(row: DeliveryRow, zone: ZoneInfo) -> ReminderDelivery:
    channel = Channel(row.channel)
    by = CHANNEL_WORDS[channel]
    what = "nudge" if row.kind == "nudge" else "reminder"
    status: Status = row.status  # type: ignore[assignment]
    due = row.due_at.astimezone(zone)
    if status == "sent" and row.sent_at is not None:
        words = f"Sent {_when(row.sent_at.astimezone(zone))} {by}"
    elif status == "skipped":
        words = f"Not sent {_when(due)}: {row.detail}"
    elif status == "failed":
        again = "" if row.attempts >= RETRIES else " Trying again in a few minutes."
        words = f"Could not send {_when(due)} {by}: {row.detail}.{again}"
    else:
        words = f"Sending {_when(due)} {by}"
    return ReminderDelivery(
        kind="nudge" if row.kind == "nudge" else "reminder",
        channel=channel,
        due_at=due,
        status=status,
        words=f"{words} ({what})",
    )


# Scheduling --------------------------------------------------------------------------------


def schedule_person(app: Application, person_id: int, settings: ReminderSettings) -> None:
    """The person's reminders for today and tomorrow (in their zone) as rows to claim."""
    from unknot.storage.reminders import DueRow, ReminderStore

    now = instant(app.clock.now())
    today = now.astimezone(ZoneInfo(settings.time_zone)).date()
    days = [today, today + dt.timedelta(days=1)]
    planned = _planned_days(app, person_id, today) if settings.on else None
    due = [] if planned is None else occurrences(settings, days, planned, usable_channels(app))
    ReminderStore(app._store).schedule(
        person_id,
        [DueRow(o.key, o.channel.value, o.kind, o.day, o.due_at) for o in due],
        days[-1],
        now,
    )


def _planned_days(app: Application, person_id: int, start: dt.date) -> frozenset[dt.date] | None:
    """The days with a planned session in the week from `start`; None when sessions are held
    back (a warning sign: then nothing reminds the person to exercise)."""
    actor = app.acting_as(person_id)
    try:
        ahead = actor.plan_ahead(actor.profile(), day=start, week=True)
    except errors.PlanImpossible:
        return frozenset()
    if ahead.held_back is not None or ahead.week is None:
        return None
    return frozenset(day.day for day in ahead.week.days if day.session is not None)


class Dispatcher:
    """Schedules and delivers reminders for everyone on this unknot, one claim at a time;
    several dispatchers (worker processes) can run side by side."""

    def __init__(
        self,
        app: Application,
        channels: Mapping[Channel, Deliver],
        base_url: str,
        worker: str,
    ) -> None:
        self.app = app
        self.channels = channels
        self.base_url = base_url.rstrip("/") + "/"
        self.worker = worker

    def schedule(self) -> int:
        """Put in place the reminders of everyone not yet scheduled through their own
        tomorrow; how many people that was."""
        from unknot.storage.reminders import ReminderStore

        store = ReminderStore(self.app._store)
        now = instant(self.app.clock.now())
        count = 0
        for person, data, through in store.scheduled():
            try:
                settings = ReminderSettings.model_validate(data)
                tomorrow = now.astimezone(ZoneInfo(settings.time_zone)).date() + dt.timedelta(
                    days=1
                )
                if through is None or through < tomorrow:
                    schedule_person(self.app, person, settings)
                    count += 1
            except Exception:
                # One person's settings or plan must not stop everyone else's reminders.
                log.exception("reminders of person %s could not be scheduled", person)
        return count

    def deliver_next(self) -> ReminderDelivery | None:
        """Claim the next reminder due and deliver (or skip) it; None when nothing is due."""
        from unknot.storage.reminders import ReminderStore

        store = ReminderStore(self.app._store)
        now = instant(self.app.clock.now())
        claimed = store.claim(now, LEASE, self.worker, lambda *key: message_id(self.app, *key))
        if claimed is None:
            return None
        data = store.settings(claimed.person_id)
        settings = ReminderSettings.model_validate(data) if data is not None else ReminderSettings()
        channel = Channel(claimed.channel)
        kind: Kind = "nudge" if claimed.kind == "nudge" else "reminder"
        logged = self._session_logged(claimed.person_id, claimed.day, settings)
        decision = decide(kind, claimed.day, channel, claimed.due_at, settings, now, logged)
        deliver = self.channels.get(channel)
        if not isinstance(decision, Send):
            store.finish(claimed, "skipped", decision.reason, now)
        elif deliver is None:
            store.finish(claimed, "failed", "this unknot has no way to send that now", now)
        else:
            self._deliver(store, claimed, kind, deliver)
        return self._outcome(store, claimed, settings)

    def run_pass(self) -> list[ReminderDelivery]:
        """Schedule, then deliver everything due."""
        self.schedule()
        done: list[ReminderDelivery] = []
        while (delivered := self.deliver_next()) is not None:
            done.append(delivered)
        return done

    def run(self, stop: threading.Event, poll_s: float) -> None:
        """Passes every `poll_s` seconds until `stop` is set. A pass that fails (the database
        is away for a moment) is logged and the next one tries again: reminders are not worth
        a crashed server."""
        while not stop.is_set():
            try:
                self.run_pass()
            except Exception:
                log.exception("reminders: this pass failed; the next one tries again")
            stop.wait(poll_s)

    def _deliver(
        self, store: ReminderStore, claimed: ClaimedReminder, kind: Kind, deliver: Deliver
    ) -> None:
        text = self._text(claimed, kind)
        if text is None:
            store.finish(claimed, "skipped", "no session could be planned that day", self._now())
            return
        try:
            deliver(claimed.person_id, text, claimed.message_id)
        except DeliveryFailed as error:
            retry = claimed.attempts < RETRIES
            log.warning("reminder %s not delivered: %s", claimed.occurrence, error)
            store.finish(
                claimed,
                "failed",
                str(error),
                self._now(),
                retry_at=self._now() + RETRY_AFTER if retry else None,
            )
            return
        store.finish(claimed, "sent", None, self._now())

    def _text(self, claimed: ClaimedReminder, kind: Kind) -> ReminderText | None:
        actor = self.app.acting_as(claimed.person_id)
        try:
            ahead = actor.plan_ahead(actor.profile(), day=claimed.day)
        except errors.PlanImpossible:
            return None
        if ahead.session is None:
            return None
        session = ahead.session
        stop = f"{self.base_url}reminders#nudge" if kind == "nudge" else None
        return reminder_text(
            kind,
            len(session.items),
            max(1, round(session.total_s / 60)),
            f"{self.base_url}today",
            stop,
        )

    def _session_logged(self, person_id: int, day: dt.date, settings: ReminderSettings) -> bool:
        zone = ZoneInfo(settings.time_zone)
        start = dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        sessions = self.app._store.sessions(person_id, since=start)
        return any(row.started_at < end for row in sessions)

    def _outcome(
        self, store: ReminderStore, claimed: ClaimedReminder, settings: ReminderSettings
    ) -> ReminderDelivery:
        for row in store.deliveries(claimed.person_id, limit=50):
            if row.occurrence == claimed.occurrence and row.channel == claimed.channel:
                return _delivery(row, ZoneInfo(settings.time_zone))
        raise AssertionError("a claimed reminder always has a delivery row")

    def _now(self) -> dt.datetime:
        return instant(self.app.clock.now())


def message_id(app: Application, person_id: int, occurrence: str, channel: str) -> str:
    """The same for every attempt at one delivery, so that a mail client shows a repeat (after
    a worker died between the server's acceptance and its record of it) as one message;
    it names nobody."""
    from urllib.parse import urlsplit

    digest = hmac.new(
        app.secret(), f"reminder {person_id} {occurrence} {channel}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    host = urlsplit((app.public_urls or ("http://localhost",))[0]).hostname or "localhost"
    return f"<reminder.{digest}@{host}>"


def email_channel(app: Application) -> Deliver:
    """Reminders by e-mail through the configured mail server, to the account's address."""
    from unknot.mail import MailNotSent
    from unknot.storage.reminders import ReminderStore

    mailer = app.mailer()
    if mailer is None:
        raise errors.SettingsProblem(
            "E-mail reminders need a mail server: set UNKNOT_SMTP_URL, e.g. "
            "smtp+starttls://user:password@mail.example.org:587"
        )

    def deliver(person_id: int, text: ReminderText, message_id: str) -> None:
        address = ReminderStore(app._store).address(person_id)
        if not address:
            raise DeliveryFailed("your account has no e-mail address")
        try:
            mailer.send(mailer.message(address, text.subject, text.body, message_id=message_id))
        except MailNotSent as error:
            raise DeliveryFailed(str(error)) from None

    return deliver


def desktop_channel(
    notify: Callable[[str, str, Sequence[tuple[str, Callable[[], None]]]], None],
    open_url: Callable[[str], object],
    player_url: str,
) -> Deliver:
    """Reminders as desktop notifications with a Start button that opens the player."""

    def deliver(person_id: int, text: ReminderText, message_id: str) -> None:
        # A notification shows a few lines: the body's first paragraph, without the links.
        first = text.body.split("\n\n", 1)[0]

        def start() -> None:
            open_url(player_url)

        notify(text.subject, first, [("Start", start)])

    return deliver


def dispatcher_for(app: Application, base_url: str) -> Dispatcher:
    """The dispatcher of this unknot's mode: e-mail on the shared server, desktop notifications
    on the local app (whose Start opens the player in the browser). Raises SettingsProblem when
    the shared server has no mail server."""
    import os
    import socket
    import webbrowser

    channels: dict[Channel, Deliver] = {}
    if app.server_mode:
        channels[Channel.EMAIL] = email_channel(app)
    else:
        from unknot.notices import DesktopNotices, NoticeNotShown

        notices = DesktopNotices()

        def notify(
            title: str, message: str, buttons: Sequence[tuple[str, Callable[[], None]]]
        ) -> None:
            try:
                notices.show(title, message, buttons)
            except NoticeNotShown as error:
                raise DeliveryFailed(str(error)) from None

        player = base_url.rstrip("/") + "/today"
        channels[Channel.DESKTOP] = desktop_channel(notify, webbrowser.open, player)
    return Dispatcher(app, channels, base_url, f"{socket.gethostname()}:{os.getpid()}")


DAY_NAMES: Final = {name[:3].lower(): number for number, name in enumerate(WEEKDAYS, start=1)}


def reminder_settings_from(
    current: ReminderSettings,
    *,
    on: bool | None = None,
    time: str | None = None,
    days: str | None = None,
    zone: str | None = None,
    quiet: str | None = None,
    nudge: bool | None = None,
    nudge_at: str | None = None,
    channels: Sequence[str] | None = None,
) -> ReminderSettings:
    """`current` with what was given, as typed in a form or on the command line: times as
    HH:MM, days as "planned" or names such as "mon,wed,fri", quiet hours as "21:30-08:00".
    Raises ReminderProblem naming the one that cannot be used."""
    from pydantic import ValidationError

    update: dict[str, object] = {}
    if on is not None:
        update["on"] = on
    if nudge is not None:
        update["nudge"] = nudge
    if time is not None:
        update["time"] = _time(time, "time")
    if nudge_at is not None:
        update["nudge_at"] = _time(nudge_at, "nudge_at")
    if days is not None:
        update["days"] = _days(days)
    if quiet is not None:
        start, dash, end = quiet.strip().partition("-")
        if not dash:
            raise errors.ReminderProblem(
                f"{quiet!r} is not a span of quiet hours: give it as 21:30-08:00.", "quiet"
            )
        update["quiet_from"], update["quiet_until"] = _time(start, "quiet"), _time(end, "quiet")
    if zone is not None:
        update["time_zone"] = zone.strip()
    if channels is not None:
        known = {channel.value for channel in Channel}
        wrong = [name for name in channels if name not in known]
        if wrong:
            raise errors.ReminderProblem(
                f"{wrong[0]!r} is not a channel: choose from {', '.join(sorted(known))}.",
                "channels",
            )
        update["channels"] = frozenset(Channel(name) for name in channels)
    try:
        return ReminderSettings.model_validate(current.model_dump() | update)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        field = {"time_zone": "zone", "quiet_from": "quiet", "quiet_until": "quiet"}.get(
            field, field
        )
        raise errors.ReminderProblem(f"{message[:1].upper()}{message[1:]}.", field) from None


def _time(text: str, field: str) -> dt.time:
    try:
        found = dt.time.fromisoformat(text.strip())
    except ValueError:
        found = None
    if found is None or found.tzinfo is not None or found.second or found.microsecond:
        raise errors.ReminderProblem(
            f"{text!r} is not a time: give one as HH:MM, such as 18:30.", field
        ) from None
    return found


def _days(text: str) -> frozenset[int]:
    words = [word.strip().lower() for word in text.replace(" ", ",").split(",") if word.strip()]
    if words in ([], ["planned"]):
        return frozenset()
    found = set()
    for word in words:
        number = DAY_NAMES.get(word[:3])
        if number is None or not WEEKDAYS[number - 1].lower().startswith(word):
            raise errors.ReminderProblem(
                f"{word!r} is not a day: give names such as mon,wed,fri, or 'planned' for the "
                "days your plan sets.",
                "days",
            )
        found.add(number)
    return frozenset(found)
