"""Progress use cases: check-ins, activity ratings, the progress report, advice, past sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from unknot.clock import instant, today
from unknot.domain import progress
from unknot.domain.progress import (
    Adherence,
    Advice,
    AreaChange,
    FunctionChange,
    FunctionRating,
    PainCheckIn,
)
from unknot.domain.vocabulary import WEEK_STARTS, Moment, WeekStart
from unknot.services.acting import Acting
from unknot.services.errors import RatingsProblem
from unknot.services.planning import Planning, TodayPlan
from unknot.services.screening import Situation
from unknot.services.summary import SessionSummary, Summaries
from unknot.storage.repository import SessionRow


def _midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in UTC, as sessions' start times are compared with a day's."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _local_day(moment: dt.datetime) -> dt.date:
    """The day a stored (UTC) time falls on in this computer's time zone, as `today` is."""
    return moment.astimezone().date()


def _since(day: dt.date) -> dt.datetime:
    """A UTC time before every session whose local day is `day` or later (time zones are at
    most 14 hours from UTC)."""
    return _midnight(day - dt.timedelta(days=1))


# Past sessions are shown this many at a time: a page costs the same after years of sessions.
HISTORY_PAGE = 50
# Advice dismissed with a recorded choice stays quiet this long, then returns if it still applies.
DISMISSAL_LASTS = dt.timedelta(days=28)


class CalendarDay(BaseModel):
    day: dt.date
    done: bool
    """A session was finished that day."""
    future: bool
    before_start: bool = False
    """A day before the person's first day: nothing was planned then."""


class WeeklyMean(BaseModel):
    week: dt.date
    mean: float


class PainPoint(BaseModel):
    day: dt.date
    pain: int


class BeforeAfter(BaseModel):
    """A session's worst pain before it and after it."""

    session_id: int
    day: dt.date
    before: int
    after: int


class ProgressReport(BaseModel):
    """Everything the progress views show."""

    today: dt.date
    week_start: WeekStart
    """The day the person's weeks start on (`Progress.week_start`)."""
    week_start_chosen: bool
    """The person chose it; else it is where they are's usual one."""
    first_day: dt.date
    """The person's first day: their first week starts then, and nothing is planned before."""
    calendar: list[list[CalendarDay]]
    """Calendar weeks, starting on `week_start`, oldest first (the weeks of `adherence`)."""
    areas: list[AreaChange]
    weekly_pain: dict[str, list[WeeklyMean]]
    pain_points: dict[str, list[PainPoint]]
    before_after: list[BeforeAfter]
    function: FunctionChange | None
    adherence: Adherence
    advice: list[Advice]


class CheckInSaved(BaseModel):
    saved: bool = True
    rescreen: str | None
    """Why a new screening is due (pain much worse than when screened), or None."""


class PastSession(BaseModel):
    """One past session: when, how far it got, time spent."""

    id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    status: str
    steps_done: int
    steps_total: int
    completion: float
    """Share of the steps recorded, 0 to 1."""
    minutes: float
    exercise_minutes: float
    """Time in the exercises themselves (holds and work, not rests)."""


@dataclass(frozen=True)
class Today:
    """What the today page shows: the plan (or why sessions wait), advice, and whether to ask
    how the morning after went."""

    situation: Situation
    plan: TodayPlan | None
    advice: list[Advice]
    ask_morning: bool
    """A session happened before today and there is no morning check-in today yet."""
    figured: dict[str, frozenset[int]]
    """Per exercise with a figure to show, the versions drawn: an item shows its figure when
    its planned `alternative` is one of them."""
    done: SessionSummary | None = None
    """Today's session, when it has ended: the page says "done for today"."""


def _streak_reaches(rows: list[SessionRow], first: dt.date) -> bool:
    """Whether finished sessions run day after day from the last day back to `first`."""
    days = {_local_day(r.started_at) for r in rows if r.status == "finished"}
    latest = max(days, default=None)
    if latest is None or latest <= first:
        return False
    cursor = latest
    while cursor in days:
        cursor -= dt.timedelta(days=1)
    return cursor < first


class Progress(Summaries, Planning, Acting):
    """Pain and function over time, adherence, and the advice they give."""

    def record_checkin(
        self, moment: Moment, pain: Mapping[str, int], note: str | None = None
    ) -> CheckInSaved:
        """Save a pain check-in; says why a new screening is due when pain is much worse."""
        store = self._store
        person = self.person_id
        day = today(self.clock)
        session_id = None
        if moment == "after":
            session_id = store.latest_session_id(person)
        if moment == "morning":
            session_id = store.latest_session_id(person, started_before=_midnight(day))
        checkin = PainCheckIn(
            day=day, moment=moment, pain=dict(pain), session_id=session_id, note=note
        )
        store.add_checkin(person, checkin, instant(self.clock.now()))
        screening = store.latest_screening(person)
        if screening is None or moment == "morning":
            return CheckInSaved(rescreen=None)
        return CheckInSaved(rescreen=progress.much_worse(screening.pain, dict(pain)))

    def record_function(self, ratings: Mapping[str, int]) -> None:
        """Rate the person's own activities, 0 (unable) to 10 (as before); 3-5 the first time."""
        store = self._store
        known = {r.activity for r in store.function_ratings(self.person_id)}
        if not known and not 3 <= len(ratings) <= 5:
            raise RatingsProblem(
                "name 3 to 5 activities you find hard because of your neck or back the first "
                "time, e.g. --activity 'reading in bed=4'"
            )
        day = today(self.clock)
        for activity, score in ratings.items():
            store.add_function_rating(
                self.person_id,
                FunctionRating(day=day, activity=activity, score=score),
                instant(self.clock.now()),
            )

    def activity_names(self) -> list[str]:
        """The activities the person rates, in alphabetical order."""
        return sorted({r.activity for r in self._store.function_ratings(self.person_id)})

    def week_start(self) -> WeekStart:
        """The day the person's weeks start on: as they chose, else as is usual where they are
        (the country they chose, else this computer's locale), else Monday."""
        return self._calendar()[0]

    def _calendar(self) -> tuple[WeekStart, bool, dt.date | None]:
        """The week start, whether the person chose it, and the day they began: the earlier of
        the day they were first stored and of their first screening."""
        import os

        from unknot.domain.screening import country_of

        chosen, country, created, screened = self._store.calendar_of(self.person_id)
        began = [d for d in (screened, None if created is None else _local_day(created)) if d]
        created_on = min(began, default=None)
        if chosen in WEEK_STARTS:
            return ("sunday" if chosen == "sunday" else "monday"), True, created_on
        where = country or country_of(os.environ.get("LC_ALL") or os.environ.get("LANG"))
        return progress.week_start_for(where), False, created_on

    def choose_week_start(self, week_start: str) -> None:
        """Keep the day the person's weeks start on: "monday" or "sunday"."""
        if week_start not in WEEK_STARTS:
            raise ValueError(f"week_start: one of {', '.join(WEEK_STARTS)}")
        self._store.set_week_start(self.person_id, week_start)

    def _first_day(self, day: dt.date, created_on: dt.date | None) -> dt.date:
        """The person's first day: when they were first stored or screened, or their first
        session or check-in if earlier (an import keeps them all); never after today."""
        began = self._store.started_on(self.person_id)
        return min(d for d in (day, created_on, began) if d is not None)

    def progress_report(self, weeks: int = 8) -> ProgressReport:
        """Everything the progress views show for the last `weeks` calendar weeks (none before
        the person's first day), with totals and baselines from the whole record; what it
        reads is bounded by what it shows."""
        store = self._store
        person = self.person_id
        day = today(self.clock)
        week_start, chosen, created_on = self._calendar()
        first_day = self._first_day(day, created_on)
        starts = progress.calendar_weeks(day, weeks, week_start, first_day)
        shown_from = max(starts[0], first_day)
        checkins = self._counted_checkins(day, shown_from)
        rows = store.sessions(person, since=_since(shown_from))
        streak_from = shown_from
        while _streak_reaches(rows, streak_from):
            # A run of days with a session back to the first day read: read further back.
            streak_from -= dt.timedelta(days=7 * weeks)
            rows = store.sessions(person, since=_since(streak_from))
        profile = store.load_profile(person)
        planned = profile.sessions_per_week if profile else 3
        finished = [
            (
                _local_day(r.started_at),
                ((r.ended_at or r.started_at) - r.started_at).total_seconds() / 60,
            )
            for r in rows
            if r.status == "finished"
        ]
        advice = self._advice(day, checkins)
        first = min((c.day for c in checkins), default=day)
        rows = [r for r in rows if _local_day(r.started_at) >= shown_from]
        areas = progress.area_changes(checkins, day)
        before_after = []
        for row in rows:
            started_on = _local_day(row.started_at)
            before = progress.session_pain(checkins, row.id, started_on, "before")
            after = progress.session_pain(checkins, row.id, started_on, "after")
            if before is not None and after is not None:
                before_after.append(
                    BeforeAfter(session_id=row.id, day=started_on, before=before, after=after)
                )
        done_days = {d for d, _ in finished}
        calendar = []
        for start in starts:
            days = [start + dt.timedelta(days=d) for d in range(7)]
            calendar.append(
                [
                    CalendarDay(
                        day=d, done=d in done_days, future=d > day, before_start=d < first_day
                    )
                    for d in days
                ]
            )
        return ProgressReport(
            today=day,
            week_start=week_start,
            week_start_chosen=chosen,
            first_day=first_day,
            calendar=calendar,
            areas=areas,
            weekly_pain={
                a.area: [
                    WeeklyMean(week=w, mean=m)
                    for w, m in progress.weekly_means(checkins, a.area, first)
                    if w + progress.WINDOW > shown_from
                ]
                for a in areas
            },
            pain_points={
                a.area: [
                    PainPoint(day=c.day, pain=c.pain[a.area])
                    for c in checkins
                    if a.area in c.pain
                    and c.moment in progress.LEVEL_MOMENTS
                    and c.day >= shown_from
                ]
                for a in areas
            },
            before_after=before_after,
            function=progress.function_change(store.function_ratings(person)),
            adherence=progress.adherence(
                finished,
                planned,
                day,
                weeks,
                totals=store.finished_totals(person),
                partly=[
                    _local_day(r.started_at)
                    for r in rows
                    if r.status in ("stopped", "abandoned") and r.steps_done > 0
                ],
                total_partly=store.stopped_part_way(person),
                week_start=week_start,
                first_day=first_day,
            ),
            advice=advice,
        )

    def _counted_checkins(self, day: dt.date, shown_from: dt.date | None) -> list[PainCheckIn]:
        """The check-ins the progress rules read (`progress.days_that_count`), and those of the
        days a report shows from `shown_from`."""
        from unknot.domain.vocabulary import PAIN_AREAS

        store = self._store
        first_day, readings = store.reading_days(self.person_id, PAIN_AREAS, progress.LEVEL_MOMENTS)
        spans = progress.days_that_count(day, first_day, readings, shown_from)
        return store.checkins_in(self.person_id, spans)

    def _advice(self, day: dt.date, checkins: list[PainCheckIn]) -> list[Advice]:
        """See-a-clinician advice that applies today and was not dismissed in the last 4 weeks."""
        store = self._store
        person = self.person_id

        def advice_from(read: list[PainCheckIn]) -> list[Advice]:
            return progress.clinician_advice(
                read,
                store.history(person, earlier=False),  # the step-downs read the latest only
                day,
                store.started_on(person),
                store.function_ratings(person),
            )

        advice = advice_from(checkins)
        if any(a.numbers.get("days", 0) > progress.RECENT_DAYS for a in advice):
            # Severe days in a row for longer than the days read: count them on every one.
            advice = advice_from(store.checkins(person))
        dismissed = store.dismissals(person)
        return [
            a
            for a in advice
            if a.concern not in dismissed or day - dismissed[a.concern] >= DISMISSAL_LASTS
        ]

    def current_advice(self) -> list[Advice]:
        """Only the advice part of the progress report (the today page shows it)."""
        day = today(self.clock)
        return self._advice(day, self._counted_checkins(day, None))

    def today(self) -> Today:
        """The today page: today's plan or why sessions wait, the advice, and whether to ask
        how the morning after the last session went."""
        now = self.situation()
        plan = self.today_plan(now) if now.held_back is None else None
        day = today(self.clock)
        store = self._store
        yesterday = store.latest_session_id(self.person_id, started_before=_midnight(day))
        ask_morning = yesterday is not None and not any(
            c.moment == "morning" for c in store.checkins(self.person_id, day)
        )
        return Today(
            now,
            plan,
            self.current_advice(),
            ask_morning,
            self.drawn_versions(),
            self.ended_today(now),
        )

    def dismiss_advice(self, concern: str, choice: str) -> None:
        """The person has read the advice and records what they chose to do."""
        self._store.dismiss_advice(
            self.person_id, concern, choice, today(self.clock), instant(self.clock.now())
        )

    def session_history(
        self, limit: int = HISTORY_PAGE, before: int | None = None
    ) -> list[PastSession]:
        """Past sessions, newest first, with completion and time spent: the `limit` latest, or
        those older than session `before` (the next page)."""
        rows = self._store.sessions(self.person_id, limit=limit, before=before)
        return [
            PastSession(
                id=row.id,
                started_at=row.started_at,
                ended_at=row.ended_at,
                status=row.status,
                steps_done=row.steps_done,
                steps_total=row.steps_total,
                completion=round(row.steps_done / row.steps_total, 3) if row.steps_total else 0.0,
                minutes=round(
                    ((row.ended_at or row.started_at) - row.started_at).total_seconds() / 60, 1
                ),
                exercise_minutes=round(row.exercise_seconds / 60, 1),
            )
            for row in reversed(rows)
        ]

    def chart_svgs(self, report: ProgressReport) -> dict[str, str]:
        """The three progress charts as SVG documents, by file stem."""
        from unknot import charts

        series = {
            area: [(p.day, float(p.pain)) for p in points]
            for area, points in report.pain_points.items()
        }
        return {
            "pain-over-time": charts.pain_over_time(series),
            "before-after": charts.before_after(
                [(r.day, r.before, r.after) for r in report.before_after]
            ),
            "weekly-adherence": charts.weekly_adherence(
                [(w.start, w.done, w.planned) for w in report.adherence.weeks]
            ),
        }

    def write_charts(self, report: ProgressReport, folder: Path) -> list[Path]:
        """Each chart as SVG and PNG in `folder`."""
        import cairosvg

        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for stem, svg in self.chart_svgs(report).items():
            svg_path = folder / f"{stem}.svg"
            svg_path.write_text(svg, encoding="utf-8")
            png_path = folder / f"{stem}.png"
            cairosvg.svg2png(bytestring=svg.encode("utf-8"), write_to=str(png_path), scale=2)
            written += [svg_path, png_path]
        return written
