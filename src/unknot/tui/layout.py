"""The terminal's layout: tables, exercise cards, plans, the progress report and its chart.

No Rich here: it would cost the quick commands a third of their start-up budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from unknot.services.wording import (
    PHASE_TITLES,
    STATUS_WORDS,
    VERDICT_WORDS,
    clock,
    day_text,
    dose_text,
    duration_text,
    local_time,
    minutes_or_seconds,
    planned_dose,
    week_span,
    weekday_text,
    words,
)

if TYPE_CHECKING:
    from unknot.services.catalog import ExerciseRecord
    from unknot.services.models import SessionPlan, WeekPlan
    from unknot.services.progress import PastSession, ProgressReport
    from unknot.services.summary import SessionSummary


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns, two spaces apart."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )
    return "\n".join(lines)


def equipment_text(alternatives: Sequence[Sequence[str]]) -> str:
    """[[]] → "none"; [["band", "anchor"], ["dumbbell"]] → "band+anchor | dumbbell"."""
    return " | ".join("+".join(items) if items else "none" for items in alternatives)


def catalog_table(records: list[ExerciseRecord]) -> str:
    """The exercises grouped by phase, in session order."""
    order = list(PHASE_TITLES)
    ordered = sorted(records, key=lambda r: (order.index(r["phase"]), r["name"].lower()))
    rows = [
        [
            r["id"],
            r["name"],
            r["phase"],
            dose_text(r["dosage"]),
            duration_text(r["duration_s"]),
            ", ".join(r["targets"]),
            equipment_text(r["equipment"]),
        ]
        for r in ordered
    ]
    return table(["ID", "NAME", "PHASE", "DOSE", "TIME", "TARGETS", "EQUIPMENT"], rows)


def exercise_card(record: ExerciseRecord) -> str:
    """Everything about one exercise, for `unknot show`."""
    lines = [f"{record['name']}  ({record['id']})", f"{PHASE_TITLES[record['phase']]}."]
    lines.append(record["purpose"])
    lines.append("")
    lines.append(f"Targets: {', '.join(words(t) for t in record['targets'])}")
    lines.append(f"Dose: {dose_text(record['dosage'])}")
    low, high = record["duration_s"]
    lines.append(
        f"Takes about: {minutes_or_seconds(low)}"
        + (f" to {minutes_or_seconds(high)}" if high != low else "")
    )
    lines.append("Ways to do it:")
    for index, (items, position) in enumerate(
        zip(record["equipment"], record["position"], strict=True)
    ):
        label = record["alternative_labels"][index]
        need = ", ".join(words(i) for i in items) or "nothing"
        lines.append(f"  - {label or words(position)}: {words(position)}, needs {need}")
    lines.append("")
    lines.append("Steps:")
    lines.extend(f"  {n}. {s}" for n, s in enumerate(record["steps"], 1))
    for extra in record["alternative_steps"]:
        lines.extend(f"     {s}" for s in extra)
    for title, entries in (
        ("Form cues", record["cues"]),
        ("Common mistakes", record["mistakes"]),
        ("Cautions", record["cautions"]),
    ):
        if entries:
            lines.append(f"{title}:")
            lines.extend(f"  - {item}" for item in entries)
    if record["easier"] or record["harder"]:
        lines.append(f"Easier: {record['easier'] or '-'}   Harder: {record['harder'] or '-'}")
    if record["contraindications"]:
        lines.append("Left out when screening rules out: " + ", ".join(record["contraindications"]))
    lines.append(f"Source: {record['source']}")
    if record["notes"]:
        lines.append("Where unknot departs from its source:")
        lines.extend(f"  - {n}" for n in record["notes"])
    return "\n".join(lines)


def session_text(plan: SessionPlan, notes: Sequence[str] = ()) -> str:
    """A planned session by block, with doses, times and reasons (`notes` first among its)."""
    total = clock(plan.total_s)
    plan_notes = [*notes, *plan.notes]
    if plan.gentle_day:
        lines = [f"A gentle day, {plan.day}: about {total} of easy movement, if you like"]
        lines.extend(f"  {n}" for n in plan_notes)
    else:
        lines = [f"Session for {plan.day}: about {total} of the {plan.minutes} min asked"]
    programme = plan.programme
    parts = {
        "warm_up": "Warm-up",
        "programme": "Gentle routine"
        if plan.gentle_day
        else (
            f"Your programme, week {programme.week_of(plan.day)} of {programme.weeks}"
            if programme
            else "Your programme"
        ),
    }
    for part, title in parts.items():
        items = [i for i in plan.items if i.part == part]
        if not items:
            continue
        seconds = sum(i.duration_s + i.transition_s for i in items)
        lines.append("")
        lines.append(f"{title} ({clock(seconds)})")
        for item in items:
            time = clock(item.duration_s)
            lines.append(f"  {item.name} [{item.exercise_id}]: {planned_dose(item)}  ({time})")
            if item.change:
                lines.append(f"      * new this time: {item.change}")
            for reason in item.reasons:
                lines.append(f"      - {reason}")
    if (plan_notes and not plan.gentle_day) or plan.shortfall:
        lines.append("")
        lines.extend(f"Note: {n}" for n in plan_notes if not plan.gentle_day)
        if plan.shortfall:
            lines.append(f"Note: {plan.shortfall}")
    return "\n".join(lines)


def summary_text(done: SessionSummary) -> str:
    """A session's end in words: what was done, time, pain before and after, what changes next
    time and the next session day (issue 17)."""
    how = "Session done" if done.status == "finished" else "Stopped part-way"
    lines = [
        f"{how} in {clock(done.elapsed_s)}, {clock(done.exercise_s)} of it in the exercises.",
    ]
    for exercise in done.exercises:
        if exercise.stopped_for_pain:
            state = "stopped for pain"
        elif exercise.completed:
            state = "done"
        elif exercise.sets_done:
            state = f"{exercise.sets_done} of {exercise.sets} sets"
        else:
            state = "not done"
        lines.append(f"  {exercise.name}: {state}")
    for area, score in done.pain_before.items():
        after = done.pain_after.get(area)
        then = f", {after}/10 after" if after is not None else ""
        lines.append(f"Pain in your {words(area)}: {score}/10 before{then}.")
    if done.next_time:
        lines.append("Next time:")
        lines.extend(f"  {change}" for change in done.next_time)
    else:
        lines.append("Next time: the same exercises at the same dose.")
    if done.next_session is not None:
        lines.append(f"Your next session: {weekday_text(done.next_session)}.")
    return "\n".join(lines)


def week_text(week: WeekPlan, notes: Sequence[str] = ()) -> str:
    """Seven days: a short line per day, then each session in full."""
    lines = [*(f"Note: {n}" for n in notes), f"Week from {week.start}"]
    for day in week.days:
        session = day.session
        if session is None:
            lines.append(f"  {day.day}  rest")
        else:
            names = ", ".join(i.exercise_id for i in session.items if i.block != "warmup")
            lines.append(f"  {day.day}  {clock(session.total_s)}  {names}")
    for day in week.days:
        if day.session is not None:
            lines.append("")
            lines.append(session_text(day.session))
    return "\n".join(lines)


def history_table(rows: Sequence[PastSession]) -> str:
    """Past sessions, a line each."""
    return table(
        ["STARTED", "STATUS", "DONE", "MINUTES", "EXERCISING"],
        [
            [
                local_time(r.started_at),
                STATUS_WORDS.get(r.status, r.status),
                f"{r.completion:.0%} ({r.steps_done}/{r.steps_total} steps)",
                f"{r.minutes:g}",
                f"{r.exercise_minutes:g} min",
            ]
            for r in rows
        ],
    )


def progress_text(report: ProgressReport) -> str:
    """The progress report for the terminal, with small charts."""
    lines = [f"Progress up to {report.today}"]
    for advice in report.advice:
        lines.append(f"!! {advice.message}")
        lines.append(f"   (record your choice with `unknot dismiss {advice.concern} --choice ...`)")
    lines.append("")
    if report.areas:
        lines.append(
            table(
                ["AREA", "BASELINE", "NOW", "CHANGE", "VERDICT"],
                [
                    [
                        words(a.area),
                        f"{a.baseline:g}",
                        f"{a.current:g}",
                        f"{a.change:+g}",
                        VERDICT_WORDS[a.verdict],
                    ]
                    for a in report.areas
                ],
            )
        )
        lines.append(
            "Meaningful improvement: 2 points and 30 % below the first week's average "
            "(no verdict when it started below 3)."
        )
    else:
        lines.append("No pain check-ins yet: `unknot checkin --pain neck=5`.")
    function = report.function
    if function:
        lines.append("")
        meaning = "a meaningful change" if function.meaningful else "no meaningful change yet"
        lines.append(
            f"Your activities: {function.baseline_mean:g} → {function.current_mean:g} "
            f"out of 10 ({meaning})."
        )
    adherence = report.adherence
    part_way = f", {adherence.total_partly} stopped part-way" if adherence.total_partly else ""
    lines.append("")
    on_plan = f"{adherence.streak_weeks} week{'' if adherence.streak_weeks == 1 else 's'}"
    lines.append(
        f"Sessions: {adherence.total_sessions} finished, {adherence.total_minutes:g} "
        f"minutes{part_way}; {on_plan} in a row on plan"
        + (f"; a {adherence.streak_days}-day streak." if adherence.streak_days else ".")
    )
    chosen = "" if report.week_start_chosen else ", as is usual where you are"
    lines.append(
        f"Weeks run {week_span(report.week_start)}{chosen} (change with `unknot progress "
        f"--week-start sunday` or monday); your first week began on {day_text(report.first_day)}."
    )
    lines.append(
        table(
            ["WEEK FROM", "DONE", "PLANNED", "MINUTES"],
            [
                [
                    day_text(w.start)
                    + (f" (first {w.days} day{'' if w.days == 1 else 's'})" if w.days < 7 else ""),
                    f"{w.done} (+{w.partly} part-way)" if w.partly else str(w.done),
                    str(w.planned),
                    f"{w.minutes:g}",
                ]
                for w in adherence.weeks
            ],
        )
    )
    chart = terminal_chart(report)
    if chart:
        lines.extend(["", chart])
    return "\n".join(lines)


def terminal_chart(report: ProgressReport) -> str:
    """Pain over time per area, drawn in the terminal with plotext."""
    import plotext

    series = {a: p for a, p in report.pain_points.items() if p}
    if not series:
        return ""
    plotext.clear_figure()
    plotext.plotsize(72, 16)
    plotext.date_form("Y-m-d")
    plotext.ylim(0, 10)
    plotext.title("Pain over time (0-10)")
    for area, points in sorted(series.items()):
        plotext.plot(
            [p.day.isoformat() for p in points], [p.pain for p in points], label=words(area)
        )
    plotext.theme("clear")
    return str(plotext.build())
