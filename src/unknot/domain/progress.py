"""Progress: pain check-ins, meaningful change, "persists or worsens", function and adherence.

Sources (shared/notes/clinical.md, "Measuring change" and "Pain during and after exercise"):
- Numeric Pain Rating Scale 0-10; day-to-day ratings wobble by about a point and the minimal
  detectable change is about 2 (Cleland, Childs, Whitman 2008). unknot's rule: improved = down
  at least 2 points and at least 30 % from baseline (Farrar et al. 2001); no verdict when the
  baseline is below 3.
- Patient-Specific Functional Scale (Stratford et al. 1995; neck: Westaway et al. 1998): 3-5
  activities rated 0 (unable) to 10 (as before); meaningful change: 2 on the mean or 3 on one.
- Persists: no meaningful improvement after about 4 weeks (NICE CKS neck pain). Worsens: the
  weekly average 2 or more points above baseline. Either one: see a clinician.
- Next-morning rule and two step-downs in a row → see-soon advice (unknot's rule set).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from typing import Annotated, Final, Literal

from pydantic import Field

from unknot.domain.exercise import Strict
from unknot.domain.history import History
from unknot.domain.pain import SEVERE_PAIN, is_severe, too_much
from unknot.domain.progression import NEXT_MORNING_RISE
from unknot.domain.vocabulary import Concern, Moment, WeekStart

Verdict = Literal["improved", "no_change", "worse", "no_verdict", "too_early"]
PainScore = Annotated[int, Field(ge=0, le=10)]

MEANINGFUL_DROP: Final = 2
MEANINGFUL_SHARE: Final = 0.30
LOWEST_BASELINE: Final = 3
WORSE_RISE: Final = 2
PERSISTS_AFTER: Final = dt.timedelta(days=28)
WINDOW: Final = dt.timedelta(days=7)
# A verdict compares the first week of readings (the baseline) with the last: before two weeks
# the two overlap, and "no meaningful change" on the first day would be no finding at all.
TOO_EARLY: Final = 2 * WINDOW
PSFS_MEAN_CHANGE: Final = 2
PSFS_ONE_ACTIVITY_CHANGE: Final = 3


# A check-in's note: the same limit wherever a note is typed (issue 13).
NOTE_MAX_CHARS: Final = 500


class PainCheckIn(Strict):
    """Pain per area at one moment: before or after a session, the next morning, or any time."""

    day: dt.date
    moment: Moment
    pain: dict[str, PainScore]
    session_id: int | None = None
    note: Annotated[str, Field(max_length=NOTE_MAX_CHARS)] | None = None


# A check-in belongs to a session by the session's id or, when it names none, by day: "before"
# on the session's day, "morning" on the day after. "after" check-ins always name their session.
DAYS_AFTER_SESSION: Final[dict[str, int]] = {"before": 0, "morning": 1}


def session_checkin(
    checkins: Sequence[PainCheckIn], session_id: int, day: dt.date, moment: Moment
) -> PainCheckIn | None:
    """The latest check-in of this moment that belongs to the session (by its id, or for one
    naming no session, by day: see DAYS_AFTER_SESSION)."""
    offset = DAYS_AFTER_SESSION.get(moment)
    found = [
        c
        for c in checkins
        if c.moment == moment
        and (
            c.session_id == session_id
            or (
                offset is not None
                and c.session_id is None
                and c.day == day + dt.timedelta(days=offset)
            )
        )
    ]
    return found[-1] if found else None


def session_pain(
    checkins: Sequence[PainCheckIn], session_id: int, day: dt.date, moment: Moment
) -> int | None:
    """Worst pain in the latest check-in of this moment that belongs to the session."""
    found = session_checkin(checkins, session_id, day, moment)
    return None if found is None else max(found.pain.values(), default=0)


class AreaChange(Strict):
    """One area's baseline, current level, change and verdict."""

    area: str
    baseline: float
    current: float
    change: float
    verdict: Verdict


def _mean(values: Sequence[int]) -> float:
    return round(statistics.fmean(values), 2)


def verdict(baseline: float, current: float) -> Verdict:
    """The meaningful-change rule for one area (Farrar 2001; Cleland 2008)."""
    if baseline < LOWEST_BASELINE:
        return "no_verdict"
    drop = baseline - current
    if drop >= MEANINGFUL_DROP and drop >= MEANINGFUL_SHARE * baseline:
        return "improved"
    if current - baseline >= WORSE_RISE:
        return "worse"
    return "no_change"


# Pain levels over time come from readings taken at comparable moments: before a session or at
# any time. After-session readings show the session's own effect (the before/after chart), and
# morning answers compare with the day before; neither is a level.
LEVEL_MOMENTS: Final[frozenset[str]] = frozenset({"before", "check"})


def _readings(checkins: Sequence[PainCheckIn], area: str) -> list[tuple[dt.date, int]]:
    return sorted(
        (c.day, c.pain[area]) for c in checkins if area in c.pain and c.moment in LEVEL_MOMENTS
    )


def area_changes(checkins: Sequence[PainCheckIn], today: dt.date) -> list[AreaChange]:
    """Per area: baseline = mean of the first week of readings; current = mean of the last week."""
    areas = sorted({a for c in checkins for a in c.pain})
    changes = []
    for area in areas:
        readings = _readings(checkins, area)
        if not readings:
            continue
        first = readings[0][0]
        baseline = _mean([v for d, v in readings if d < first + WINDOW])
        recent = [v for d, v in readings if d > today - WINDOW]
        current = _mean(recent) if recent else _mean([readings[-1][1]])
        changes.append(
            AreaChange(
                area=area,
                baseline=baseline,
                current=current,
                change=round(current - baseline, 2),
                verdict="too_early" if today - first < TOO_EARLY else verdict(baseline, current),
            )
        )
    return changes


def weekly_means(
    checkins: Sequence[PainCheckIn], area: str, start: dt.date
) -> list[tuple[dt.date, float]]:
    """Mean pain per 7-day week from `start`, for weeks with readings."""
    weeks: dict[int, list[int]] = {}
    for day, value in _readings(checkins, area):
        weeks.setdefault((day - start).days // 7, []).append(value)
    return [(start + dt.timedelta(weeks=w), _mean(v)) for w, v in sorted(weeks.items())]


# Three days in a row at severe pain (`pain.SEVERE_PAIN`): see a clinician within a few days
# (issue 14).
SEVERE_DAYS_IN_A_ROW: Final = 3


# The check-ins of the last this many days decide the current level and severe days in a row;
# with each area's first week and the week of its latest reading, they are all the progress
# rules read. Severe days in a row longer than this are counted on every check-in instead.
RECENT_DAYS: Final = 28


def days_that_count(
    today: dt.date,
    first_day: dt.date | None,
    readings: Mapping[str, tuple[dt.date, dt.date]],
    shown_from: dt.date | None = None,
) -> list[tuple[dt.date, dt.date]]:
    """The spans of days, [start, end), whose check-ins decide `clinician_advice` and the
    report's areas, so that a store reads those and not years of check-ins.

    `first_day`: the person's first check-in (weeks are counted from it); `readings`: each
    area's first and latest level reading; `shown_from`: the first day a report shows. Spans:
    the first day, each area's first week (its baseline), the week (counted from `first_day`)
    its latest reading falls in, the recent days, and the weeks shown, whole weeks from the
    week `shown_from` falls in.
    """
    if first_day is None:
        return []
    day = dt.timedelta(days=1)

    def week_of(when: dt.date) -> dt.date:
        return first_day + dt.timedelta(weeks=max(0, (when - first_day).days // 7))

    spans = [(first_day, first_day + day), (today - dt.timedelta(days=RECENT_DAYS), today + day)]
    for first, latest in readings.values():
        spans.append((first, first + WINDOW))
        spans.append((week_of(latest), week_of(latest) + WINDOW))
    if shown_from is not None:
        spans.append((week_of(shown_from), today + day))
    return spans


class Advice(Strict):
    """A reason to see a clinician, with the numbers behind it."""

    concern: Concern
    message: str
    numbers: dict[str, float]


def score_words(score: float) -> str:
    """A mean score as a sentence says it: one decimal at most (6.67 is "6.7", 4.0 is "4");
    the advice's `numbers` keep the exact value."""
    return f"{round(score, 1):g}"


def clinician_advice(
    checkins: Sequence[PainCheckIn],
    history: History,
    today: dt.date,
    started: dt.date | None,
    ratings: Sequence[FunctionRating] = (),
) -> list[Advice]:
    """The rules that say "see a clinician": pain persists or worsens in an area, two
    step-downs in a row, function falls, three severe days in a row."""
    advice: list[Advice] = []
    changes = area_changes(checkins, today)
    judged = [c for c in changes if c.verdict not in ("no_verdict", "too_early")]
    first = min((c.day for c in checkins), default=None)
    for change in changes:
        weeks = weekly_means(checkins, change.area, first or today)
        if weeks and weeks[-1][1] - change.baseline >= WORSE_RISE:
            advice.append(
                Advice(
                    concern="worsens",
                    message=(
                        f"Your {change.area.replace('_', ' ')} pain has gone up: this week's "
                        f"average is {score_words(weeks[-1][1])}/10 against "
                        f"{score_words(change.baseline)}/10 at the start. Please see a doctor "
                        "or physiotherapist."
                    ),
                    numbers={"baseline": change.baseline, "week_average": weeks[-1][1]},
                )
            )
    begun = started or first
    # Judged per area: a neck that got better does not hide an upper back that did not (issue 14).
    stuck = [c for c in judged if c.verdict != "improved"]
    if begun is not None and today - begun >= PERSISTS_AFTER and stuck:
        worst = max(stuck, key=lambda c: c.baseline)
        weeks_in = (today - begun).days / 7
        advice.append(
            Advice(
                concern="persists",
                message=(
                    f"After {int(weeks_in)} weeks your pain has not improved meaningfully "
                    f"({worst.area.replace('_', ' ')}: {score_words(worst.baseline)} → "
                    f"{score_words(worst.current)}/10; "
                    "improvement means 2 points and 30 % less). Please see a doctor or "
                    "physiotherapist."
                ),
                numbers={"weeks": weeks_in, "baseline": worst.baseline, "current": worst.current},
            )
        )
    if step_downs_in_a_row(history) >= 2:
        advice.append(
            Advice(
                concern="step_downs",
                message=(
                    "Your last two sessions each had to be made easier because of pain. Please "
                    "see a doctor or physiotherapist within the next few days."
                ),
                numbers={"step_downs": float(step_downs_in_a_row(history))},
            )
        )
    falls = function_falls(ratings)
    if falls is not None:
        advice.append(falls)
    severe = severe_days(checkins, today)
    if severe >= SEVERE_DAYS_IN_A_ROW:
        advice.append(
            Advice(
                concern="severe_days",
                message=(
                    f"Your pain has been {SEVERE_PAIN}/10 or more on {severe} days in a row. "
                    "Please see a doctor or physiotherapist within the next few days; sooner if "
                    "something new appears."
                ),
                numbers={"days": float(severe)},
            )
        )
    return advice


def severe_days(checkins: Sequence[PainCheckIn], today: dt.date) -> int:
    """Days in a row, up to today (or yesterday, today's reading may still come), on which a
    pain reading reached the severe level."""
    severe = {
        c.day
        for c in checkins
        if c.moment in LEVEL_MOMENTS and is_severe(max(c.pain.values(), default=0))
    }
    cursor = today if today in severe else today - dt.timedelta(days=1)
    count = 0
    while cursor in severe:
        count += 1
        cursor -= dt.timedelta(days=1)
    return count


def function_falls(ratings: Sequence[FunctionRating]) -> Advice | None:
    """A fall of 3 or more in one PSFS activity, or 2 on the mean: see a clinician (the PSFS's
    meaningful change, Stratford 1995, read the other way)."""
    change = function_change(ratings)
    if change is None:
        return None
    worst = min(change.per_activity, key=lambda a: change.per_activity[a])
    fall = -change.per_activity[worst]
    if fall < PSFS_ONE_ACTIVITY_CHANGE and -change.change < PSFS_MEAN_CHANGE:
        return None
    return Advice(
        concern="function_falls",
        message=(
            f"You can do less than when you started: {worst} is {fall:g} points lower out of "
            f"10 (all your activities: {change.change:+g} on average). Please see a doctor or "
            "physiotherapist within the next few days."
        ),
        numbers={"mean_change": change.change, "worst_activity_fall": fall},
    )


def step_downs_in_a_row(history: History) -> int:
    """How many of the latest sessions, in a row, called for a step down."""
    count = 0
    for session in reversed(history.sessions):
        flare = (
            session.pain_before is not None
            and session.pain_next_morning is not None
            and session.pain_next_morning >= session.pain_before + NEXT_MORNING_RISE
        )
        if flare or (
            session.pain_during is not None and too_much(session.pain_during, session.pain_before)
        ):
            count += 1
        else:
            break
    return count


def much_worse(baseline: dict[str, int], now: dict[str, int]) -> str | None:
    """Pain 2+ points above the screened baseline, or in a new area: time to screen again."""
    for area, score in now.items():
        before = baseline.get(area)
        if before is None and score > 0:
            return f"new pain in your {area.replace('_', ' ')}"
        if before is not None and score >= before + WORSE_RISE:
            return f"your {area.replace('_', ' ')} pain is {score}/10, {score - before} above"
    return None


class FunctionRating(Strict):
    """One Patient-Specific Functional Scale rating: an activity, 0 (unable) to 10 (as before)."""

    day: dt.date
    activity: str
    score: PainScore


class FunctionChange(Strict):
    baseline_mean: float
    current_mean: float
    change: float
    meaningful: bool
    per_activity: dict[str, float]


def function_change(ratings: Sequence[FunctionRating]) -> FunctionChange | None:
    """PSFS: first and latest rating per activity; meaningful at 2 on the mean or 3 on one."""
    activities = sorted({r.activity for r in ratings})
    if not activities:
        return None
    firsts: dict[str, int] = {}
    lasts: dict[str, int] = {}
    for rating in sorted(ratings, key=lambda r: r.day):
        firsts.setdefault(rating.activity, rating.score)
        lasts[rating.activity] = rating.score
    per_activity = {a: float(lasts[a] - firsts[a]) for a in activities}
    baseline = _mean([firsts[a] for a in activities])
    current = _mean([lasts[a] for a in activities])
    return FunctionChange(
        baseline_mean=baseline,
        current_mean=current,
        change=round(current - baseline, 2),
        meaningful=current - baseline >= PSFS_MEAN_CHANGE
        or any(v >= PSFS_ONE_ACTIVITY_CHANGE for v in per_activity.values()),
        per_activity=per_activity,
    )


WEEKDAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

# Where the calendar week starts on Sunday: CLDR's supplemental week data (firstDay "sun"),
# https://github.com/unicode-org/cldr/blob/main/common/supplemental/supplementalData.xml.
# Everywhere else the week starts on Monday (ISO 8601); unknot offers no Saturday start, and the
# few countries whose calendar starts on Saturday get Monday until the person says otherwise.
SUNDAY_FIRST: Final = frozenset(
    """
    AG AS BD BR BS BT BW BZ CA CN CO DM DO ET GT GU HK HN ID IL IN JM JP KE KH KR LA MH
    MM MO MT MX MZ NI NP PA PE PH PK PR PT PY SA SG SV TH TT TW UM US VE VI WS YE ZA ZW
    """.split()  # noqa: SIM905 (a table to read, not a list to scan)
)


def week_start_for(country: str | None) -> WeekStart:
    """The week's first day where the person is: Sunday in Sunday-first countries, else Monday."""
    return "sunday" if country is not None and country.upper() in SUNDAY_FIRST else "monday"


def week_days(week_start: WeekStart) -> tuple[str, ...]:
    """The names of the week's days, in the person's order."""
    return WEEKDAY_NAMES[6:] + WEEKDAY_NAMES[:6] if week_start == "sunday" else WEEKDAY_NAMES


def week_of(day: dt.date, week_start: WeekStart) -> dt.date:
    """The first day of the calendar week `day` falls in."""
    back = (day.weekday() + 1) % 7 if week_start == "sunday" else day.weekday()
    return day - dt.timedelta(days=back)


def calendar_weeks(
    today: dt.date, weeks: int, week_start: WeekStart, first_day: dt.date | None = None
) -> list[dt.date]:
    """The first days of the last `weeks` calendar weeks up to the one holding `today`, oldest
    first; none before the week of `first_day` (the person's first day): nothing is shown, or
    planned, before the person began."""
    current = week_of(today, week_start)
    starts = [current - dt.timedelta(weeks=n) for n in reversed(range(weeks))]
    if first_day is None:
        return starts
    first_week = week_of(min(first_day, today), week_start)
    return [s for s in starts if s >= first_week]


def prorated(planned_per_week: int, days: int) -> int:
    """The sessions planned for a week of which only `days` count (the person's first week,
    which begins on their first day): the weekly number in proportion to the days left, rounded
    half up, so 3 a week over 5 days of 7 is 2 (2.14), over 4 days 2 (1.71) and over 1 day 0
    (0.43). Nobody is short of plan for days before they began."""
    return int(planned_per_week * min(days, 7) / 7 + 0.5)


class WeekAdherence(Strict):
    start: dt.date
    """The week's first day; for the person's first week, their first day (a partial week)."""
    planned: int
    """Sessions planned: the weekly number, prorated in a partial first week (`prorated`)."""
    done: int
    minutes: float
    partly: int = 0
    """Sessions begun this week and stopped part-way (counted apart from those done)."""
    days: int = 7
    """Days of the week that count: fewer in the person's first week."""


class Adherence(Strict):
    weeks: tuple[WeekAdherence, ...]
    streak_weeks: int
    """Calendar weeks in a row meeting the planned number, up to the latest one; the current
    week counts once it is met and, until then, does not break the run."""
    streak_days: int
    """Days in a row, up to today, with a finished session (today may still be to come)."""
    total_sessions: int
    total_minutes: float
    total_partly: int = 0
    """Sessions stopped part-way, in the whole record."""


def adherence(
    sessions: Sequence[tuple[dt.date, float]],
    planned_per_week: int,
    today: dt.date,
    weeks: int,
    totals: tuple[int, float] | None = None,
    partly: Sequence[dt.date] = (),
    total_partly: int | None = None,
    week_start: WeekStart = "monday",
    first_day: dt.date | None = None,
) -> Adherence:
    """Sessions done against planned per calendar week (`week_start` first; the last `weeks`
    weeks up to the one holding today, none before the week of `first_day`), streaks, minutes.

    `sessions`: (day, minutes) of each finished session, at least those of the weeks shown;
    `totals`: every finished session's count and minutes, when `sessions` holds only some.
    `partly`: the day of each session stopped part-way (at least those of the weeks shown);
    `total_partly`: how many in the whole record, when `partly` holds only some.
    `first_day`: the person's first day; their first week starts then, its plan prorated.
    """
    rows = []
    for week in calendar_weeks(today, weeks, week_start, first_day):
        end = week + dt.timedelta(days=7)
        start = week if first_day is None else max(week, first_day)
        inside = [m for d, m in sessions if start <= d < end]
        rows.append(
            WeekAdherence(
                start=start,
                planned=prorated(planned_per_week, (end - start).days),
                done=len(inside),
                minutes=round(sum(inside), 1),
                partly=sum(1 for d in partly if start <= d < end),
                days=(end - start).days,
            )
        )
    streak_weeks = 0
    for number, row in enumerate(reversed(rows)):
        if row.done >= row.planned:
            streak_weeks += 1
        elif number > 0:  # this week may still be met: it does not break the run
            break
    days = {d for d, _ in sessions}
    streak_days = 0
    cursor = today if today in days else today - dt.timedelta(days=1)
    while cursor in days:
        streak_days += 1
        cursor -= dt.timedelta(days=1)
    return Adherence(
        weeks=tuple(rows),
        streak_weeks=streak_weeks,
        streak_days=streak_days,
        total_sessions=len(sessions) if totals is None else totals[0],
        total_minutes=round(sum(m for _, m in sessions) if totals is None else totals[1], 1),
        total_partly=len(partly) if total_partly is None else total_partly,
    )
