"""Plain-text rendering for the terminal: dose phrases, tables and exercise cards.

No Rich here: it would cost the quick commands a third of their start-up budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PHASE_TITLES = {
    "warmup": "Warm-up",
    "dynamic": "Dynamic stretches",
    "strength": "Strengthening",
    "static": "Static stretches",
}


def span(values: Sequence[int | None] | None, unit: str = "") -> str:
    """[8, 12] → "8–12", [5, 5] → "5", [15, None] → "15+"."""
    if values is None:
        return ""
    low, high = values[0], values[1]
    if high is None:
        return f"{low}+{unit}"
    if low == high:
        return f"{low}{unit}"
    return f"{low}–{high}{unit}"


def minutes_or_seconds(seconds: int) -> str:
    if seconds >= 90:
        return f"{seconds / 60:.0f} min" if seconds % 60 == 0 else f"{seconds / 60:.1f} min"
    return f"{seconds} s"


def duration_text(seconds: Sequence[int]) -> str:
    """[32, 48] → "32–48 s"; [300, 600] → "5–10 min"; both ends in one unit."""
    low, high = seconds[0], seconds[1]
    if low >= 90:
        return span([round(low / 60), round(high / 60)]) + " min"
    if high >= 90:
        return f"{low} s–{round(high / 60)} min"
    return span([low, high]) + " s"


def dose_text(dosage: dict[str, Any]) -> str:
    """A dose in a few words: "2–3 sets × 8–12 reps, each side"."""
    parts: list[str] = []
    if dosage.get("work_s"):
        low, high = dosage["work_s"]
        parts.append(
            f"{span([low // 60, high // 60])} min"
            if low % 60 == 0 and high % 60 == 0
            else f"{span(dosage['work_s'])} s"
        )
    amount = []
    if dosage.get("sets"):
        amount.append(f"{span(dosage['sets'])} sets")
    if dosage.get("reps"):
        amount.append(f"{span(dosage['reps'])} reps")
    if amount:
        parts.append(" × ".join(amount))
    if dosage.get("hold_s"):
        parts.append(f"hold {span(dosage['hold_s'])} s")
    if dosage.get("directions"):
        parts.append(
            "each way (" + ", ".join(d.replace("_", " ") for d in dosage["directions"]) + ")"
        )
    if dosage.get("per_side"):
        parts.append("each side")
    elif dosage.get("per_side") is None and "per_side" in dosage:
        parts.append("one or both sides by version")
    return ", ".join(parts)


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


def equipment_text(alternatives: list[list[str]]) -> str:
    """[[]] → "none"; [["band", "anchor"], ["dumbbell"]] → "band+anchor | dumbbell"."""
    return " | ".join("+".join(items) if items else "none" for items in alternatives)


def catalog_table(records: list[dict[str, Any]]) -> str:
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


def exercise_card(record: dict[str, Any]) -> str:
    """Everything about one exercise, for `unknot show`."""
    lines = [f"{record['name']}  ({record['id']})", f"{PHASE_TITLES[record['phase']]}."]
    lines.append(record["purpose"])
    lines.append("")
    lines.append(f"Targets: {', '.join(t.replace('_', ' ') for t in record['targets'])}")
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
        need = ", ".join(i.replace("_", " ") for i in items) or "nothing"
        lines.append(
            f"  - {label or position.replace('_', ' ')}: {position.replace('_', ' ')}, needs {need}"
        )
    lines.append("")
    lines.append("Steps:")
    lines.extend(f"  {n}. {s}" for n, s in enumerate(record["steps"], 1))
    for extra in record["alternative_steps"]:
        lines.extend(f"     {s}" for s in extra)
    for title, key in (
        ("Form cues", "cues"),
        ("Common mistakes", "mistakes"),
        ("Cautions", "cautions"),
    ):
        if record[key]:
            lines.append(f"{title}:")
            lines.extend(f"  - {item}" for item in record[key])
    if record["easier"] or record["harder"]:
        lines.append(f"Easier: {record['easier'] or '-'}   Harder: {record['harder'] or '-'}")
    if record["contraindications"]:
        lines.append("Left out when screening rules out: " + ", ".join(record["contraindications"]))
    lines.append(f"Source: {record['source']}")
    if record["notes"]:
        lines.append("Where unknot departs from its source:")
        lines.extend(f"  - {n}" for n in record["notes"])
    return "\n".join(lines)


def planned_dose(item: dict[str, Any]) -> str:
    """A planned exercise's dose: "2 × 8 reps", "3 × hold 10 s", "5 min 6 s"."""
    if item["work_s"] is not None:
        minutes, seconds = divmod(item["work_s"], 60)
        return f"{minutes} min" + (f" {seconds} s" if seconds else "")
    amount = []
    if item["reps"] is not None:
        amount.append(f"{item['reps']} reps")
    if item["hold_s"] is not None:
        amount.append(f"hold {item['hold_s']} s")
    text = ", ".join(amount)
    if item["sets"] > 1:
        text = f"{item['sets']} sets × {text}"
    if item["directions"]:
        text += ", each way (" + ", ".join(d.replace("_", " ") for d in item["directions"]) + ")"
    if item["per_side"]:
        text += ", each side"
    if item["sets"] > 1:
        text += f", {item['rest_s']} s rest"
    return text


def clock(seconds: int) -> str:
    """1234 → "20:34"."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def session_text(plan: dict[str, Any]) -> str:
    """A planned session by block, with doses, times and reasons."""
    total = clock(plan["total_s"])
    if plan.get("gentle_day"):
        lines = [f"A gentle day, {plan['day']}: about {total} of easy movement, if you like"]
        lines.extend(f"  {n}" for n in plan["notes"])
    else:
        lines = [f"Session for {plan['day']}: about {total} of the {plan['minutes']} min asked"]
    for phase, title in PHASE_TITLES.items():
        items = [i for i in plan["items"] if i["block"] == phase]
        if not items:
            continue
        seconds = sum(i["duration_s"] + i["transition_s"] for i in items)
        lines.append("")
        lines.append(f"{title} ({clock(seconds)})")
        for item in items:
            time = clock(item["duration_s"])
            lines.append(
                f"  {item['name']} [{item['exercise_id']}]: {planned_dose(item)}  ({time})"
            )
            for reason in item["reasons"]:
                lines.append(f"      - {reason}")
    if (plan["notes"] and not plan.get("gentle_day")) or plan["shortfall"]:
        lines.append("")
        lines.extend(f"Note: {n}" for n in plan["notes"] if not plan.get("gentle_day"))
        if plan["shortfall"]:
            lines.append(f"Note: {plan['shortfall']}")
    return "\n".join(lines)


def week_text(week: dict[str, Any]) -> str:
    """Seven days: a short line per day, then each session in full."""
    lines = [f"Week from {week['start']}"]
    for day in week["days"]:
        session = day["session"]
        if session is None:
            lines.append(f"  {day['day']}  rest")
        else:
            names = ", ".join(i["exercise_id"] for i in session["items"] if i["block"] != "warmup")
            lines.append(f"  {day['day']}  {clock(session['total_s'])}  {names}")
    for day in week["days"]:
        if day["session"] is not None:
            lines.append("")
            lines.append(session_text(day["session"]))
    return "\n".join(lines)


VERDICT_WORDS = {
    "improved": "meaningfully better",
    "no_change": "no meaningful change",
    "worse": "worse",
    "no_verdict": "too low at the start to judge",
}


def progress_text(report: dict[str, Any]) -> str:
    """The progress report for the terminal, with small charts."""
    lines = [f"Progress up to {report['today']}"]
    for advice in report["advice"]:
        lines.append(f"!! {advice['message']}")
        lines.append(
            f"   (record your choice with `unknot dismiss {advice['concern']} --choice ...`)"
        )
    lines.append("")
    if report["areas"]:
        lines.append(
            table(
                ["AREA", "BASELINE", "NOW", "CHANGE", "VERDICT"],
                [
                    [
                        a["area"].replace("_", " "),
                        f"{a['baseline']:g}",
                        f"{a['current']:g}",
                        f"{a['change']:+g}",
                        VERDICT_WORDS[a["verdict"]],
                    ]
                    for a in report["areas"]
                ],
            )
        )
        lines.append(
            "Meaningful improvement: 2 points and 30 % below the first week's average "
            "(no verdict when it started below 3)."
        )
    else:
        lines.append("No pain check-ins yet: `unknot checkin --pain neck=5`.")
    function = report["function"]
    if function:
        lines.append("")
        meaning = "a meaningful change" if function["meaningful"] else "no meaningful change yet"
        lines.append(
            f"Your activities: {function['baseline_mean']:g} → {function['current_mean']:g} "
            f"out of 10 ({meaning})."
        )
    adherence = report["adherence"]
    lines.append("")
    lines.append(
        f"Sessions: {adherence['total_sessions']} finished, {adherence['total_minutes']:g} "
        f"minutes; {adherence['streak_weeks']} week(s) in a row on plan; "
        f"{adherence['streak_days']}-day streak."
    )
    lines.append(
        table(
            ["WEEK FROM", "DONE", "PLANNED", "MINUTES"],
            [
                [w["start"], str(w["done"]), str(w["planned"]), f"{w['minutes']:g}"]
                for w in adherence["weeks"]
            ],
        )
    )
    chart = terminal_chart(report)
    if chart:
        lines.extend(["", chart])
    return "\n".join(lines)


def terminal_chart(report: dict[str, Any]) -> str:
    """Pain over time per area, drawn in the terminal with plotext."""
    import plotext

    series = {a: p for a, p in report["pain_points"].items() if p}
    if not series:
        return ""
    plotext.clear_figure()
    plotext.plotsize(72, 16)
    plotext.date_form("Y-m-d")
    plotext.ylim(0, 10)
    plotext.title("Pain over time (0-10)")
    for area, points in sorted(series.items()):
        plotext.plot(
            [p["day"] for p in points], [p["pain"] for p in points], label=area.replace("_", " ")
        )
    plotext.theme("clear")
    return str(plotext.build())
