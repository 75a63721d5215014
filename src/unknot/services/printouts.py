"""Printed documents (issue 19): the programme handout and the progress report for a clinician.

The services gather what each prints as typed models; `unknot.printed` lays them out on paper
(Jinja2 templates rendered by WeasyPrint). Nothing here reads the clock twice: a document is a
snapshot of one moment.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from unknot.clock import today
from unknot.domain import pain, progression
from unknot.domain.plan import PlannedExercise
from unknot.domain.progress import (
    LOWEST_BASELINE,
    MEANINGFUL_DROP,
    MEANINGFUL_SHARE,
    WORSE_RISE,
    WeekAdherence,
)
from unknot.domain.screening import QUESTIONS, TIER_TITLES, Tier
from unknot.services.errors import ExportProblem, PlanImpossible
from unknot.services.progress import Progress, ProgressReport
from unknot.services.wording import VERDICT_WORDS, dose_text, planned_dose, words

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")
# The person's own label on the report ("for: ...").
LABEL_MAX = 80

# The log sheet covers the next three weeks: a programme runs 3 weeks (domain.programme), and
# the issue asks for 2 to 4.
LOG_WEEKS = 3
# Words for the advice concerns, as a clinician reads them in the report.
CONCERN_WORDS: dict[str, str] = {
    "persists": "Pain persists (no meaningful improvement after 4 weeks)",
    "worsens": "Pain worsens (weekly average 2+ points above baseline)",
    "step_downs": "Two step-downs in a row",
    "function_falls": "Activities harder than at the start",
    "severe_days": "Severe pain (8/10 or more) on days in a row",
}
# How soon to get care for each tier of warning sign, most urgent first (domain.screening).
CARE_TIERS: tuple[Tier, ...] = ("emergency", "same_day", "soon")


class PrintedExercise(BaseModel):
    """One exercise as the handout prints it: the version the person does and its dose."""

    exercise_id: str
    name: str
    part: str
    """"warm_up" or "programme"."""
    version_label: str | None
    position: str
    equipment: list[str]
    dose: str
    purpose: str
    steps: list[str]
    cues: list[str]
    cautions: list[str]
    easier: str | None
    harder: str | None
    strip_svg: str | None
    """The version's still key-pose strip (CSS animations do not print)."""
    strip_rows: int = 1
    """Rows of the strip (one per view): a strip of two views prints taller."""


class WarningTier(BaseModel):
    tier: Tier
    title: str
    action: str
    signs: list[str]


class LogDay(BaseModel):
    day: dt.date
    week: int


class Handout(BaseModel):
    """Everything the programme handout prints."""

    made_on: dt.date
    paper: Paper
    sessions_per_week: int
    minutes: int
    programme_week: int | None
    programme_weeks: int | None
    exercises: list[PrintedExercise]
    session_days: list[str]
    """Weekday names of the planned sessions in the coming week."""
    log: list[LogDay]
    """The planned session days of the next `LOG_WEEKS` weeks, for the log sheet."""
    progress_rules: list[str]
    stop_rules: list[str]
    advice: list[str]
    """See-a-clinician advice standing today (as the today page shows it): the cover leads
    with it, so a sheet on the fridge does not hide that the pain needs a clinician."""
    warning_tiers: list[WarningTier]
    emergency_number: str
    emergency_guessed: bool
    one_exercise: bool = False
    """Printed from an exercise's page: that exercise alone, with the warning signs."""


class ScreeningLine(BaseModel):
    day: dt.date
    result: str
    findings: list[str]
    cleared_on: dt.date | None


class PainLine(BaseModel):
    at: dt.datetime
    exercise: str
    area: str | None
    score: int | None
    symptoms: list[str]
    marked: bool


class ChoiceLine(BaseModel):
    day: dt.date
    concern: str
    choice: str


class ActivityLine(BaseModel):
    activity: str
    first: int
    first_day: dt.date
    latest: int
    latest_day: dt.date


class ClinicReport(BaseModel):
    """Everything the progress report prints; `progress` is `unknot progress --json`'s report."""

    made_on: dt.date
    paper: Paper
    label: str
    period_from: dt.date
    period_to: dt.date
    weeks: int
    progress: ProgressReport
    planned_total: int
    """Sessions planned in the period's complete weeks: the current week is counted apart, its
    plan not yet due."""
    done_total: int
    current_week: WeekAdherence | None
    """The week holding the day of printing, still under way."""
    latest_screening: str | None
    verdicts: dict[str, str]
    activities: list[ActivityLine]
    screenings: list[ScreeningLine]
    pain_reports: list[PainLine]
    choices: list[ChoiceLine]
    charts: dict[str, str]


def progress_rules() -> list[str]:
    """How doses grow and step back, in words, from the rules' own numbers."""
    return [
        f"If pain during an exercise stays at {pain.LIMIT_FLOOR}/10 or less and is back to its "
        "usual level by the next morning, two sessions in a row, the dose grows by one step: "
        f"{progression.REP_STEP} more repetitions, or holds {progression.HOLD_STEP_S} seconds "
        f"longer (never beyond {progression.HOLD_CAP_S} seconds).",
        "Strengthening exercises grow only when you could have done "
        f"{progression.EASY_RESERVE} or more repetitions more.",
        "If pain goes above your stop limit during an exercise (the first rule under “Stop and "
        f"get help” on the first page), or is {progression.NEXT_MORNING_RISE} or more points "
        "higher the next morning than before the session, the dose steps back.",
        "Otherwise keep the same dose. Each programme lasts 3 weeks, then unknot renews it.",
    ]


def stop_rules(emergency_number: str) -> list[str]:
    return [
        # The player's rule (domain.pain.pain_limit): clamp(start + 2, 5, 7).
        f"Stop an exercise when its pain goes above {pain.LIMIT_FLOOR}/10. If you started the "
        f"session above {pain.LIMIT_FLOOR - pain.ALLOWANCE}/10: when it goes more than "
        f"{pain.ALLOWANCE} points above where you started, and never above "
        f"{pain.LIMIT_CEILING}/10.",
        "Stop the session at once for numbness, pins and needles, weakness, dizziness, or "
        "trouble seeing, speaking or swallowing, and get care: the page “When to get care” "
        "says how soon.",
        f"For chest pain or pressure, or a drooping face, weak arm or slurred speech, call "
        f"{emergency_number} at once.",
        "Move slowly and smoothly; a stretch should feel like a pull, never a sharp pain.",
    ]


def warning_tiers(emergency_number: str) -> list[WarningTier]:
    """The screening's warning signs by how soon to get care, most urgent first."""
    actions: dict[Tier, str] = {
        "emergency": f"Call {emergency_number} now, or have someone call. Do not drive yourself "
        "and do not exercise.",
        "same_day": "See a doctor today (your GP, an urgent care centre, or a phone health "
        f"line). Do not exercise until then. If it gets worse, call {emergency_number}.",
        "soon": "Book a visit to a doctor or physiotherapist within the next few days. Keep "
        "your exercises at their current level until then.",
    }
    tiers = []
    for tier in CARE_TIERS:
        signs = [q.finding for q in QUESTIONS if q.tier == tier]
        tiers.append(
            WarningTier(
                tier=tier,
                title=TIER_TITLES[tier],
                action=actions[tier],
                signs=[s[:1].upper() + s[1:] for s in dict.fromkeys(signs)],
            )
        )
    tiers[-1].signs.append(
        "Pain that has not got better after about 4 weeks of regular exercise, or that keeps "
        "getting worse"
    )
    return tiers


def _rows(strip: str) -> int:
    """How many rows a strip has, from its viewBox height (figures.strip draws a row about
    300 units tall)."""
    import re

    found = re.search(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', strip)
    if found is None:
        return 1
    return max(1, round(float(found[2]) / 318))


def atomic_write(target: Path, content: bytes) -> Path:
    """Write a document beside `target`, then rename it over: a full disk or a stopped run
    leaves any earlier file whole. Raises ExportProblem naming what is wrong with the path."""
    import os
    import tempfile

    if target.is_dir():
        raise ExportProblem(f"{target}: is a folder; give a file name, e.g. {target}/unknot.pdf")
    if not target.parent.is_dir():
        raise ExportProblem(f"{target.parent}: no such folder; create it or choose another --out")
    try:
        descriptor, draft = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        raise ExportProblem(f"{target}: cannot be written ({error.strerror})") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        # Health data: readable by its owner only, as exports are.
        os.chmod(draft, 0o600)
        os.replace(draft, target)
    except OSError as error:
        Path(draft).unlink(missing_ok=True)
        reason = "the disk is full" if error.errno == 28 else (error.strerror or str(error))
        raise ExportProblem(
            f"{target}: cannot be written ({reason}); any earlier file there is unchanged"
        ) from None
    return target


class Printouts(Progress):
    """The handout and the report, as models and as PDF."""

    def _printed(self, item: PlannedExercise | None, exercise_id: str) -> PrintedExercise:
        from unknot.figures.strip import strip_svg

        exercise = self.exercises()[exercise_id]
        version = 0 if item is None else item.alternative
        alternative = exercise.alternatives[version]
        drawn = version in self.drawn_versions().get(exercise_id, frozenset())
        record = self.exercise_record(exercise_id)
        strip = strip_svg(exercise, version=version) if drawn else None
        return PrintedExercise(
            exercise_id=exercise_id,
            name=exercise.name,
            part="programme" if item is None else item.part,
            version_label=alternative.label if len(exercise.alternatives) > 1 else None,
            position=words(alternative.position),
            equipment=[words(e) for e in alternative.equipment],
            dose=dose_text(record["dosage"]) if item is None else planned_dose(item),
            purpose=exercise.purpose,
            steps=list(alternative.steps or exercise.steps),
            cues=list(exercise.cues),
            cautions=list(exercise.cautions),
            easier=self._name_of(exercise.easier),
            harder=self._name_of(exercise.harder),
            strip_svg=strip,
            strip_rows=1 if strip is None else _rows(strip),
        )

    def _name_of(self, exercise_id: str | None) -> str | None:
        catalog = self.exercises()
        return (
            None
            if exercise_id is None or exercise_id not in catalog
            else (catalog[exercise_id].name)
        )

    def handout(self, paper: Paper = "a4", exercise_id: str | None = None) -> Handout:
        """The person's current programme for paper; with `exercise_id`, that exercise alone
        (as planned for them when it is in their plan). Raises SessionsHeldBack while the
        screening holds sessions, and UnknownExercise for an id not in the catalog."""
        plan = self.today_plan()
        profile = self.profile()
        call = self.emergency_call()
        day = today(self.clock)
        items = list(plan.items)
        if exercise_id is not None:
            self.exercise_record(exercise_id)  # raises UnknownExercise with suggestions
            found = [i for i in items if i.exercise_id == exercise_id]
            printed = [self._printed(found[0] if found else None, exercise_id)]
        else:
            if not items:
                raise PlanImpossible("today's plan has no exercises to print")
            printed = [self._printed(i, i.exercise_id) for i in items]
        days = self._session_days(day)
        programme = plan.programme
        return Handout(
            made_on=day,
            paper=paper,
            sessions_per_week=profile.sessions_per_week,
            minutes=plan.minutes,
            programme_week=None if programme is None else programme.week_of(day),
            programme_weeks=None if programme is None else programme.weeks,
            exercises=printed,
            session_days=[f"{d:%A}" for d in days if d < day + dt.timedelta(days=7)],
            log=[LogDay(day=d, week=(d - day).days // 7 + 1) for d in days],
            progress_rules=progress_rules(),
            stop_rules=stop_rules(call.number),
            advice=[a.message for a in self.current_advice()],
            warning_tiers=warning_tiers(call.number),
            emergency_number=call.number,
            emergency_guessed=call.guessed,
            one_exercise=exercise_id is not None,
        )

    def _session_days(self, day: dt.date) -> list[dt.date]:
        """The days sessions are planned on over the next LOG_WEEKS weeks, from today."""
        from unknot.domain.plan import PlanImpossible
        from unknot.domain.planner import build_week

        profile = self.profile()
        store = self._store
        history = store.history(self.person_id)
        programme = store.programme(self.person_id)
        days: list[dt.date] = []
        for week in range(LOG_WEEKS):
            start = day + dt.timedelta(days=7 * week)
            try:
                made = build_week(
                    self.exercises(), profile, history, start=start, programme=programme
                )
            except PlanImpossible:
                continue
            days += [d.day for d in made.days if d.session is not None]
        return days

    def handout_pdf(self, paper: Paper = "a4", exercise_id: str | None = None) -> bytes:
        from unknot.printed import render_handout

        return render_handout(self.handout(paper, exercise_id))

    def clinic_report(self, weeks: int = 8, label: str = "", paper: Paper = "a4") -> ClinicReport:
        """The progress report for a clinician over the last `weeks` calendar weeks: the same
        numbers as `progress_report` (the progress views and `unknot progress --json`)."""
        report = self.progress_report(weeks)
        store = self._store
        person = self.person_id
        period_from = (
            max(report.adherence.weeks[0].start, report.first_day)
            if (report.adherence.weeks)
            else report.first_day
        )
        since = dt.datetime.combine(period_from - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        catalog = self.exercises()
        weeks_shown = list(report.adherence.weeks)
        # The last week shown is the one holding today: under way, its plan not yet due.
        current = weeks_shown.pop() if weeks_shown else None
        complete = weeks_shown
        screenings = [
            ScreeningLine(
                day=s.taken_on,
                result=TIER_TITLES[s.result.tier],
                findings=list(s.result.findings) or ([s.result.said()] if s.result.flagged else []),
                cleared_on=s.cleared_on,
            )
            for s in store.screenings(person)
        ]
        firsts: dict[str, tuple[int, dt.date]] = {}
        lasts: dict[str, tuple[int, dt.date]] = {}
        for rating in store.function_ratings(person):
            firsts.setdefault(rating.activity, (rating.score, rating.day))
            lasts[rating.activity] = (rating.score, rating.day)
        return ClinicReport(
            made_on=report.today,
            paper=paper,
            label=label.strip(),
            period_from=period_from,
            period_to=report.today,
            weeks=weeks,
            progress=report,
            planned_total=sum(w.planned for w in complete),
            done_total=sum(w.done for w in complete),
            current_week=current,
            latest_screening=screenings[-1].result if screenings else None,
            verdicts={a.area: VERDICT_WORDS[a.verdict] for a in report.areas},
            activities=[
                ActivityLine(
                    activity=a,
                    first=firsts[a][0],
                    first_day=firsts[a][1],
                    latest=lasts[a][0],
                    latest_day=lasts[a][1],
                )
                for a in sorted(firsts)
            ],
            screenings=screenings,
            pain_reports=[
                PainLine(
                    at=r.at,
                    exercise=catalog[r.exercise_id].name
                    if r.exercise_id in catalog
                    else (r.exercise_id),
                    area=r.area,
                    score=r.score,
                    symptoms=[words(s) for s in r.symptoms],
                    marked=r.marked,
                )
                for r in store.pain_reported(person, since)
            ],
            choices=[
                ChoiceLine(day=d, concern=CONCERN_WORDS.get(c, words(c)), choice=choice)
                for c, choice, d in store.choices_made(person)
            ],
            charts=self.chart_svgs(report),
        )

    def report_pdf(self, weeks: int = 8, label: str = "", paper: Paper = "a4") -> bytes:
        from unknot.printed import render_report

        return render_report(self.clinic_report(weeks, label, paper))


# Stated once for the report's "how to read" box; the numbers are the rules' own.
VERDICT_RULE = (
    f"Meaningfully better: down at least {MEANINGFUL_DROP} points and at least "
    f"{round(MEANINGFUL_SHARE * 100)} % from the baseline (the mean of the first week of "
    f"readings). Worse: {WORSE_RISE} or more points above it. No verdict when the baseline is "
    f"below {LOWEST_BASELINE}."
)
