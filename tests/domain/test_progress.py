"""Progress rules: meaningful change, persists or worsens, function and adherence (issue 6)."""

from __future__ import annotations

import datetime as dt

import pytest

from unknot.domain.history import History, SessionOutcome
from unknot.domain.progress import (
    FunctionRating,
    PainCheckIn,
    adherence,
    area_changes,
    calendar_weeks,
    clinician_advice,
    function_change,
    much_worse,
    prorated,
    severe_days,
    step_downs_in_a_row,
    verdict,
    week_days,
    week_of,
    week_start_for,
    weekly_means,
)

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("baseline", "current", "expected"),
    [
        (6, 4, "improved"),  # 2 points and 33 %
        (8, 6, "no_change"),  # 2 points but only 25 %
        (5, 3.5, "no_change"),  # 30 % but only 1.5 points
        (3, 1, "improved"),
        (2.9, 0, "no_verdict"),  # below 3 at the start
        (4, 6, "worse"),
        (4, 5.5, "no_change"),
    ],
)
def test_meaningful_change(baseline: float, current: float, expected: str) -> None:
    assert verdict(baseline, current) == expected


def series(values: list[int], area: str = "neck", every: int = 2) -> list[PainCheckIn]:
    start = TODAY - dt.timedelta(days=every * (len(values) - 1))
    return [
        PainCheckIn(day=start + dt.timedelta(days=every * n), moment="before", pain={area: v})
        for n, v in enumerate(values)
    ]


def test_baseline_is_the_first_week_and_current_the_last() -> None:
    checkins = series([6, 6, 7, 5, 5, 4, 4, 3, 3, 3, 3, 2])
    [change] = area_changes(checkins, TODAY)
    assert change.baseline == pytest.approx(6.0)  # days 0, 2, 4, 6: 6, 6, 7, 5
    assert change.current == pytest.approx(2.75)  # days 16-22: 3, 3, 3, 2
    assert change.verdict == "improved"


def test_morning_and_after_session_answers_are_not_levels() -> None:
    checkins = [
        *series([5, 5]),
        PainCheckIn(day=TODAY, moment="morning", pain={"neck": 9}),
        PainCheckIn(day=TODAY, moment="after", pain={"neck": 1}),
    ]
    [change] = area_changes(checkins, TODAY)
    assert change.current == 5


def test_weekly_means() -> None:
    weeks = weekly_means(series([2, 4, 6, 8], every=4), "neck", TODAY - dt.timedelta(days=12))
    assert weeks == [(TODAY - dt.timedelta(days=12), 3.0), (TODAY - dt.timedelta(days=5), 7.0)]


def test_persists_after_four_weeks_without_meaningful_improvement() -> None:
    flat = series([5] * 15)  # 28 days
    advice = clinician_advice(flat, History(), TODAY, None)
    assert [a.concern for a in advice] == ["persists"]
    assert "4 weeks" in advice[0].message
    early = series([5] * 10)
    assert clinician_advice(early, History(), TODAY, None) == []
    better = series([6] * 8 + [3] * 7)
    assert clinician_advice(better, History(), TODAY, None) == []


def test_worsens_when_the_weekly_average_rises_two_points() -> None:
    rising = series([3, 3, 3, 4, 5, 5, 6])
    concerns = [a.concern for a in clinician_advice(rising, History(), TODAY, None)]
    assert concerns == ["worsens"]


def test_two_step_downs_in_a_row_advise_seeing_someone() -> None:
    flare = SessionOutcome(day=TODAY, pain_before=3, pain_next_morning=5)
    calm = SessionOutcome(day=TODAY, pain_before=3, pain_next_morning=3, pain_during=2)
    hurt = SessionOutcome(day=TODAY, pain_during=7)
    assert step_downs_in_a_row(History(sessions=(calm, flare, hurt))) == 2
    assert step_downs_in_a_row(History(sessions=(flare, calm))) == 0
    advice = clinician_advice([], History(sessions=(flare, hurt)), TODAY, None)
    assert [a.concern for a in advice] == ["step_downs"]


def test_much_worse_triggers_screening() -> None:
    assert much_worse({"neck": 4}, {"neck": 5}) is None
    assert much_worse({"neck": 4}, {"neck": 6}) == "your neck pain is 6/10, 2 above"
    assert much_worse({"neck": 4}, {"neck": 4, "lower_back": 2}) == "new pain in your lower back"


def test_function_change() -> None:
    day = TODAY - dt.timedelta(days=30)
    ratings = [
        FunctionRating(day=day, activity=a, score=s)
        for a, s in (("reading", 3), ("driving", 4), ("sleeping", 5))
    ] + [
        FunctionRating(day=TODAY, activity=a, score=s)
        for a, s in (("reading", 6), ("driving", 5), ("sleeping", 5))
    ]
    change = function_change(ratings)
    assert change is not None
    assert change.change == pytest.approx(4 / 3, abs=0.01)
    assert change.meaningful  # 3 points on one activity
    assert function_change([]) is None


def test_adherence_weeks_and_streaks() -> None:
    # TODAY is Wednesday 25 November 2026: its Monday-first week began on Monday 23.
    days = [TODAY - dt.timedelta(days=n) for n in (0, 1, 2, 8, 10, 12, 20)]
    result = adherence([(d, 15.0) for d in days], 3, TODAY, weeks=3)
    assert [w.start for w in result.weeks] == [dt.date(2026, 11, d) for d in (9, 16, 23)]
    assert [w.done for w in result.weeks] == [2, 1, 3]  # 13 and 15; 17; 23, 24 and 25
    assert result.streak_weeks == 1
    assert result.streak_days == 3
    assert result.total_minutes == 105  # totals are of every session given


def test_weeks_start_on_monday_or_sunday() -> None:
    """Issue 17: weeks are calendar weeks in the person's convention, not 7 days back from
    today (rows began on Wednesdays under a Monday-to-Sunday calendar)."""
    sunday = dt.date(2026, 11, 22)
    sessions = [(sunday, 15.0), (TODAY, 15.0)]
    monday_first = adherence(sessions, 3, TODAY, weeks=2, week_start="monday")
    assert [w.start for w in monday_first.weeks] == [dt.date(2026, 11, 16), dt.date(2026, 11, 23)]
    assert [w.start.weekday() for w in monday_first.weeks] == [0, 0]
    assert [w.done for w in monday_first.weeks] == [1, 1]  # Sunday ends the week before
    sunday_first = adherence(sessions, 3, TODAY, weeks=2, week_start="sunday")
    assert [w.start for w in sunday_first.weeks] == [dt.date(2026, 11, 15), sunday]
    assert [w.done for w in sunday_first.weeks] == [0, 2]  # Sunday begins this week
    assert week_of(TODAY, "monday") == dt.date(2026, 11, 23)
    assert week_of(TODAY, "sunday") == sunday
    assert week_of(sunday, "sunday") == sunday
    assert week_of(sunday, "monday") == dt.date(2026, 11, 16)
    assert week_days("sunday")[0] == "Sunday"
    assert week_days("monday")[-1] == "Sunday"


def test_the_week_start_follows_where_the_person_is() -> None:
    assert week_start_for("US") == "sunday"
    assert week_start_for("GB") == "monday"
    assert week_start_for("DE") == "monday"
    assert week_start_for(None) == "monday"


def test_nothing_is_planned_before_the_first_day() -> None:
    """Issue 17: eight weeks of "0 of 3 planned" showed before the person signed up."""
    result = adherence([(TODAY, 15.0)], 3, TODAY, weeks=8, first_day=TODAY)
    [week] = result.weeks
    assert week.start == TODAY  # their first week starts on their first day
    assert calendar_weeks(TODAY, 8, "monday", TODAY) == [dt.date(2026, 11, 23)]
    no_limit = adherence([], 3, TODAY, weeks=8)
    assert len(no_limit.weeks) == 8


@pytest.mark.parametrize(
    ("first_day", "days", "planned"),
    [
        (dt.date(2026, 11, 16), 7, 3),  # a Monday: a whole first week
        (dt.date(2026, 11, 18), 5, 2),  # Wednesday to Sunday: 3 x 5/7 = 2.1
        (dt.date(2026, 11, 20), 3, 1),  # Friday to Sunday: 1.3
        (dt.date(2026, 11, 22), 1, 0),  # Sunday alone: 0.4, nobody is short of plan
    ],
)
def test_the_first_week_is_partial_and_its_plan_prorated(
    first_day: dt.date, days: int, planned: int
) -> None:
    result = adherence([], 3, TODAY, weeks=8, first_day=first_day)
    first, current = result.weeks
    assert (first.start, first.days, first.planned) == (first_day, days, planned)
    assert (current.start, current.days, current.planned) == (dt.date(2026, 11, 23), 7, 3)
    assert prorated(5, 4) == 3  # 2.86
    assert prorated(2, 7) == 2


def test_this_week_counts_for_the_streak_once_met_and_does_not_break_it_before() -> None:
    last_week = [(dt.date(2026, 11, d), 15.0) for d in (16, 18, 20)]
    before = adherence(last_week, 3, TODAY, weeks=3)
    assert before.streak_weeks == 1  # this week (1 of 3 so far) may still be met
    this_week = [(dt.date(2026, 11, d), 15.0) for d in (23, 24, 25)]
    assert adherence(last_week + this_week, 3, TODAY, weeks=3).streak_weeks == 2


def test_pain_that_persists_is_judged_per_area() -> None:
    """Issue 14: neck 6 → 2 with upper back 7 → 7 over four weeks gave no advice."""
    neck = series([6] * 8 + [2] * 7, area="neck")
    back = series([7] * 15, area="upper_back")
    advice = clinician_advice(neck + back, History(), TODAY, None)
    assert [a.concern for a in advice] == ["persists"]
    assert "upper back: 7 → 7/10" in advice[0].message


def test_three_severe_days_in_a_row_advise_seeing_someone() -> None:
    def day(offset: int, score: int) -> PainCheckIn:
        return PainCheckIn(
            day=TODAY - dt.timedelta(days=offset), moment="check", pain={"neck": score}
        )

    three = [day(2, 8), day(1, 9), day(0, 8)]
    advice = clinician_advice(three, History(), TODAY, None)
    assert [a.concern for a in advice] == ["severe_days"]
    assert "8/10 or more on 3 days in a row" in advice[0].message
    broken = [day(3, 9), day(2, 6), day(1, 9), day(0, 9)]
    assert clinician_advice(broken, History(), TODAY, None) == []
    # Today's reading may still come: three days up to yesterday count.
    assert severe_days([day(3, 8), day(2, 8), day(1, 8)], TODAY) == 3


@pytest.mark.parametrize(
    ("scores", "advised"),
    [
        ({"reading": (8, 5), "driving": (6, 6)}, True),  # one activity down 3
        ({"reading": (8, 6), "driving": (6, 4)}, True),  # the mean down 2
        ({"reading": (8, 6), "driving": (6, 6)}, False),  # down 1 on the mean, 2 on one
        ({"reading": (4, 8)}, False),  # better
    ],
)
def test_a_fall_in_function_advises_seeing_someone(
    scores: dict[str, tuple[int, int]], advised: bool
) -> None:
    ratings = [
        FunctionRating(day=TODAY - dt.timedelta(days=days), activity=activity, score=score)
        for activity, pair in scores.items()
        for days, score in zip((14, 0), pair, strict=True)
    ]
    advice = clinician_advice([], History(), TODAY, None, ratings)
    assert ([a.concern for a in advice] == ["function_falls"]) == advised


def test_no_verdict_before_two_weeks_of_readings() -> None:
    """On the first day, "no meaningful change" compared a reading with itself (issue 17)."""
    [first_day] = area_changes(series([6]), TODAY)
    assert first_day.verdict == "too_early"
    [thirteen_days] = area_changes(
        series([6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 2, 2, 2, 2], every=1), TODAY
    )
    assert thirteen_days.verdict == "too_early"
    [two_weeks] = area_changes(
        series([6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 2], every=1), TODAY
    )
    assert two_weeks.verdict == "improved"
