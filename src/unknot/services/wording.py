"""Wording shared by the web pages and the terminal: ids in words, doses, durations, phases,
verdicts, and validation messages.

No Rich and no pydantic here: the quick commands use it at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

    from unknot.catalog.record import DosageRecord
    from unknot.domain.plan import PlannedExercise

PHASE_TITLES = {
    "warmup": "Warm-up",
    "dynamic": "Dynamic stretches",
    "strength": "Strengthening",
    "static": "Static stretches",
}

VERDICT_WORDS = {
    "improved": "meaningfully better",
    "no_change": "no meaningful change",
    "worse": "worse",
    "no_verdict": "too low at the start to judge",
    "too_early": "too early to tell: after 2 weeks of check-ins",
}


def words(value: object) -> str:
    """An id as words: "upper_back" → "upper back"."""
    return str(value).replace("_", " ")


def validation_message(
    error: ValidationError,
    whole: str = "",
    name: Callable[[tuple[int | str, ...]], str] | None = None,
    message: str | None = None,
) -> str:
    """The first thing wrong, as "field.path: what is wrong". `whole` names a value with no
    field path (a whole profile); `name` names the field otherwise (an UNKNOT_ variable);
    `message` says what is wrong instead of the validator."""
    first = error.errors()[0]
    where = (name(first["loc"]) if name else ".".join(str(p) for p in first["loc"])) or whole
    said = message or str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {said}" if where else said


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


def dose_text(dosage: DosageRecord) -> str:
    """A dose in a few words: "2–3 sets × 8–12 reps, each side"."""
    parts: list[str] = []
    work = dosage.get("work_s")
    if work:
        low, high = work
        parts.append(
            f"{span([low // 60, high // 60])} min"
            if low % 60 == 0 and high % 60 == 0
            else f"{span(work)} s"
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
    directions = dosage.get("directions")
    if directions:
        parts.append("each way (" + ", ".join(words(d) for d in directions) + ")")
    if dosage.get("per_side"):
        parts.append("each side")
    elif dosage.get("per_side") is None and "per_side" in dosage:
        parts.append("one or both sides by version")
    return ", ".join(parts)


def clock(seconds: int) -> str:
    """1234 → "20:34"."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def planned_dose(item: PlannedExercise) -> str:
    """A planned exercise's dose: "2 × 8 reps", "3 × hold 10 s", "5 min 6 s"."""
    if item.work_s is not None:
        minutes, seconds = divmod(item.work_s, 60)
        return f"{minutes} min" + (f" {seconds} s" if seconds else "")
    amount = []
    if item.reps is not None:
        amount.append(f"{item.reps} reps")
    if item.hold_s is not None:
        amount.append(f"hold {item.hold_s} s")
    text = ", ".join(amount)
    if item.sets > 1:
        text = f"{item.sets} sets × {text}"
    if item.directions:
        text += ", each way (" + ", ".join(words(d) for d in item.directions) + ")"
    if item.per_side:
        text += ", each side"
    if item.sets > 1:
        text += f", {item.rest_s} s rest"
    return text


# What each table of a person's records holds, in words, one and many ("Deleted: 1 persons").
RECORD_WORDS: dict[str, tuple[str, str]] = {
    "persons": ("personal record", "personal records"),
    "profiles": ("profile", "profiles"),
    "screenings": ("screening", "screenings"),
    "plans": ("plan", "plans"),
    "sessions": ("session", "sessions"),
    "session_steps": ("session step", "session steps"),
    "session_runs": ("session run", "session runs"),
    "session_events": ("player event", "player events"),
    "efforts": ("effort answer", "effort answers"),
    "pain_reports": ("pain report", "pain reports"),
    "aggravations": ("exercise that hurt", "exercises that hurt"),
    "checkins": ("check-in", "check-ins"),
    "function_ratings": ("activity rating", "activity ratings"),
    "advice_dismissals": ("choice about advice", "choices about advice"),
}


def records_text(counts: dict[str, int]) -> str:
    """Rows per table as a person reads them: "1 profile, 12 sessions, 40 check-ins"; "" for
    none."""
    said = []
    for table, count in counts.items():
        if count:
            one, many = RECORD_WORDS.get(table, (words(table), words(table)))
            said.append(f"{count} {one if count == 1 else many}")
    return ", ".join(said)


# The profile's choices as the form offers them: words for a person, not the stored tokens.
CHOICE_WORDS: dict[str, str] = {
    "floor": "Getting down on the floor (lying or kneeling)",
    "kneeling": "Kneeling or on hands and knees",
    "standing": "Standing for long",
    "new": "New to exercise like this",
    "returning": "Returning after a break",
    "regular": "I exercise regularly",
    "relief": "Less pain",
    "strength": "More strength",
    "desk_breaks": "Short breaks at a desk",
}


def local_time(moment: dt.datetime) -> str:
    """A stored (UTC) time as the person reads it: in this computer's time zone, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def weekday_text(day: dt.date) -> str:
    """A day as a person says it: "Friday 4 December"."""
    return f"{day:%A} {day.day} {day:%B}"


def day_text(day: dt.date) -> str:
    """A day as a person reads it in a list of weeks: "Mon 17 Nov" (2025-11-17)."""
    return f"{day:%a} {day.day} {day:%b}"


# How a past session ended, in words (the stored status is a token).
STATUS_WORDS: dict[str, str] = {
    "active": "not finished yet",
    "finished": "finished",
    "stopped": "stopped part-way",
    "abandoned": "left unfinished",
}


def week_days(week_start: str) -> tuple[str, ...]:
    """The names of the days of the person's week, in order."""
    from unknot.domain.progress import week_days as days

    return days("sunday" if week_start == "sunday" else "monday")


def week_span(week_start: str) -> str:
    """The person's week in words: "Monday to Sunday" or "Sunday to Saturday"."""
    return "Sunday to Saturday" if week_start == "sunday" else "Monday to Sunday"


def browser_words(agent: str | None) -> str:
    """A User-Agent as a person names it ("Firefox on Android"), for their list of sign-ins."""
    if not agent:
        return "An unknown browser"
    found = agent.lower()
    browser = next(
        (
            name
            for key, name in (
                ("edg/", "Edge"),
                ("firefox/", "Firefox"),
                ("chrome/", "Chrome"),
                ("safari/", "Safari"),
            )
            if key in found
        ),
        "A browser",
    )
    system = next(
        (
            name
            for key, name in (
                ("android", "Android"),
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("windows", "Windows"),
                ("mac os", "a Mac"),
                ("linux", "Linux"),
            )
            if key in found
        ),
        None,
    )
    return f"{browser} on {system}" if system else browser
