"""Desk breaks (issue 22): the person's break routine and the record of their breaks, and the
companion that offers them on the desktop.

The rules of when to offer are `domain.breaks.step_breaks`; the companion only reads the idle
source and the clock, shows what the rules decide and records the answers.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final, Protocol

from pydantic import BaseModel, ConfigDict

from unknot.clock import Clock, instant, today
from unknot.domain.breaks import (
    Answer,
    BreakRoutine,
    BreakState,
    BreakTaken,
    Offer,
    Reading,
    answer_break,
    break_routine,
    step_breaks,
)
from unknot.domain.breaks import (
    BreakRules as BreakRules,  # the command line's too
)
from unknot.services import errors
from unknot.services.calendars import Calendars

if TYPE_CHECKING:
    from unknot.idle import IdleSource
    from unknot.services.application import Application
    from unknot.storage.breaks import BreakStore

log = logging.getLogger(__name__)

BUTTONS: Final[tuple[tuple[str, Answer], ...]] = (
    ("Start", "started"),
    ("Later", "later"),
    ("Skip", "skipped"),
)


class BreakPlan(BaseModel):
    """The routine a break would have now, or why there is none."""

    model_config = ConfigDict(frozen=True)

    routine: BreakRoutine | None
    reason: str | None = None


class DeskBreak(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    at: dt.datetime
    answer: Answer | None
    routine: BreakRoutine | None
    pain_after: int | None


class DeskBreakSummary(BaseModel):
    """Breaks beside sessions on the Progress page."""

    model_config = ConfigDict(frozen=True)

    started: int = 0
    later: int = 0
    skipped: int = 0
    away: int = 0
    """Times away from the desk long enough to count as a break."""
    pain_after: tuple[int, ...] = ()
    """Check-ins after started routines, oldest first."""

    @property
    def any(self) -> bool:
        return bool(self.started or self.later or self.skipped or self.away)


class Breaks(Calendars):
    """The desk-break use cases of one person."""

    @property
    def _break_store(self) -> BreakStore:
        from unknot.storage.breaks import BreakStore

        return BreakStore(self._store)

    def break_plan(self) -> BreakPlan:
        """One to three minutes of the person's own planned exercises that fit a desk."""
        profile = self.profile()
        try:
            ahead = self.plan_ahead(profile, day=today(self.clock))
        except errors.PlanImpossible as error:
            return BreakPlan(routine=None, reason=str(error))
        if ahead.held_back is not None:
            return BreakPlan(routine=None, reason=ahead.held_back)
        assert ahead.session is not None
        routine = break_routine(ahead.session.items, self.exercises(), profile)
        if routine is None:
            return BreakPlan(
                routine=None,
                reason="None of your planned exercises can be done at a desk (seated or "
                "standing, with a chair, a wall, a doorway or a band).",
            )
        return BreakPlan(routine=routine)

    def offer_break(self, routine: BreakRoutine, idle_source: str) -> int:
        return self._break_store.add(
            self.person_id,
            "offer",
            instant(self.clock.now()),
            idle_source,
            routine=routine.model_dump(mode="json"),
        )

    def away_from_desk(self, away_s: float, idle_source: str) -> int:
        return self._break_store.add(
            self.person_id, "away", instant(self.clock.now()), idle_source, away_s=round(away_s)
        )

    def answer_break(self, break_id: int, answer: Answer) -> bool:
        return self._break_store.answer(self.person_id, break_id, answer, instant(self.clock.now()))

    def desk_break(self, break_id: int) -> DeskBreak:
        """One offered break, for its page. Raises NoSuchBreak."""
        row = self._break_store.one(self.person_id, break_id)
        if row is None or row.kind != "offer":
            raise errors.NoSuchBreak(f"no desk break {break_id}")
        answer: Answer | None = (
            row.answer if row.answer in ("started", "later", "skipped") else None  # type: ignore[assignment]
        )
        return DeskBreak(
            id=row.id,
            at=row.at,
            answer=answer,
            routine=None if row.routine is None else BreakRoutine.model_validate(row.routine),
            pain_after=row.pain_after,
        )

    def start_break(self, break_id: int) -> DeskBreak:
        """The person opened the routine (from the notice, or its page): started."""
        self.desk_break(break_id)
        self.answer_break(break_id, "started")
        return self.desk_break(break_id)

    def check_in_after_break(self, break_id: int, pain: int) -> DeskBreak:
        """Worst neck or upper-back pain now, 0-10, after a started routine. Raises
        NoSuchBreak when it cannot be kept."""
        if not 0 <= pain <= 10:
            raise errors.NoSuchBreak("give pain as a whole number from 0 to 10")
        self.start_break(break_id)
        if not self._break_store.check_in(self.person_id, break_id, pain):
            raise errors.NoSuchBreak(f"no desk break {break_id} to check in after")
        return self.desk_break(break_id)

    def desk_breaks_since(self, since: dt.datetime) -> DeskBreakSummary:
        person = self.existing_person()
        if person is None:
            return DeskBreakSummary()
        rows = self._break_store.since(person, since)
        answers = [row.answer for row in rows if row.kind == "offer"]
        return DeskBreakSummary(
            started=answers.count("started"),
            later=answers.count("later"),
            skipped=answers.count("skipped"),
            away=sum(1 for row in rows if row.kind == "away"),
            pain_after=tuple(row.pain_after for row in rows if row.pain_after is not None),
        )


class Notify(Protocol):
    def __call__(
        self,
        title: str,
        message: str,
        buttons: Sequence[tuple[str, Callable[[], None]]] = (),
        on_dismissed: Callable[[], None] | None = None,
    ) -> None: ...


class BreakCompanion:
    """Reads the idle source on the clock, shows the offers the rules make with Start, Later
    and Skip, and records what happens. The notice's buttons answer on another thread; their
    answers wait in a queue for the next reading."""

    def __init__(
        self,
        app: Application,
        idle: IdleSource,
        notify: Notify,
        open_url: Callable[[str], object],
        base_url: str,
        rules: BreakRules,
        say: Callable[[str], object] = lambda _line: None,
    ) -> None:
        self.say = say
        """Where the companion says what it did, a line at a time (the terminal it runs in)."""
        self.app = app
        self.idle = idle
        self.notify = notify
        self.open_url = open_url
        self.base_url = base_url.rstrip("/")
        self.rules = rules
        self.state = BreakState()
        self.answers: queue.Queue[tuple[int, Answer]] = queue.Queue()
        self.offered: int | None = None

    @property
    def clock(self) -> Clock:
        return self.app.clock

    def tick(self) -> None:
        """One reading, and whatever it and the answers waiting call for."""
        you = self.app.local()
        while not self.answers.empty():
            break_id, answer = self.answers.get_nowait()
            if break_id != self.offered:
                continue
            you.answer_break(break_id, answer)
            self.state = answer_break(self.state, answer, self.rules)
            self.offered = None
            self.say(f"Break {break_id}: {answer}.")
            if answer == "started":
                self.open_url(f"{self.base_url}/breaks/{break_id}")
        idle_s, locked = self.idle.read()
        reading = Reading(
            monotonic=self.clock.monotonic(), wall=self.clock.now(), idle_s=idle_s, locked=locked
        )
        self.state, effects = step_breaks(self.state, reading, self.rules)
        for effect in effects:
            if isinstance(effect, BreakTaken):
                you.away_from_desk(effect.away_s, self.idle.name)
                self.offered = None
                self.say(f"Away from the desk for {effect.away_s / 60:.0f} minutes: a break.")
            elif isinstance(effect, Offer):
                self._offer()

    def _offer(self) -> None:
        you = self.app.local()
        plan = you.break_plan()
        if plan.routine is None:
            self.say(f"No desk break routine now: {plan.reason}")
            self.state = answer_break(self.state, "skipped", self.rules)
            return
        routine = plan.routine
        break_id = you.offer_break(routine, self.idle.name)

        def answering(answer: Answer) -> Callable[[], None]:
            return lambda: self.answers.put((break_id, answer))

        self.offered = break_id
        try:
            self.notify(
                f"Time for a {routine.minutes}-minute neck break",
                f"{routine.words()}. Seated or standing, at your desk.",
                [(title, answering(answer)) for title, answer in BUTTONS],
                # Closed or expired unanswered: asked again after the shorter span.
                on_dismissed=answering("later"),
            )
        except Exception as error:
            self.say(f"The desk break could not be shown: {error}")
            self.state = answer_break(self.state, "later", self.rules)
            self.offered = None
            return
        self.say(f"Break {break_id} offered: {routine.words()}.")

    def run(self, stop: threading.Event, poll_s: float) -> None:
        """Readings every `poll_s` seconds until `stop` is set."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("desk breaks: this reading failed; the next one tries again")
            stop.wait(poll_s)


def companion_for(
    app: Application, rules: BreakRules, base_url: str, say: Callable[[str], object]
) -> tuple[BreakCompanion, Callable[[], None]]:
    """The companion on this desktop (its idle source the first that answers, its notices the
    desktop's), and what closes its notices when it stops."""
    import webbrowser

    from unknot.idle import find_idle_source
    from unknot.notices import DesktopNotices

    notices = DesktopNotices()
    made = BreakCompanion(
        app, find_idle_source(), notices.show, webbrowser.open, base_url, rules, say=say
    )
    return made, notices.close
