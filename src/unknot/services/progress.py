"""Progress use cases: check-ins, the progress report, export, import and forgetting."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from unknot.clock import Clock, instant, today
from unknot.services.workspace import Workspace

if TYPE_CHECKING:
    from unknot.domain.progress import Advice, PainCheckIn
    from unknot.domain.vocabulary import Moment
    from unknot.storage.repository import SessionRow, Store

EXPORT_FORMAT = "unknot-export"
EXPORT_VERSION = 4
# Columns added since an older export version; importing such an export leaves them empty.
# Tables added since (session runs and events, version 4) are simply absent from older ones.
ADDED_AFTER: dict[int, dict[str, tuple[str, ...]]] = {
    # version 2 (issue 12), version 3 (issue 14), version 4 (issue 15)
    1: {
        "screenings": ("cleared_by", "withdrawn_at", "findings"),
        "persons": ("country",),
        "session_steps": ("paused_s",),
    },
    2: {"screenings": ("findings",), "persons": ("country",), "session_steps": ("paused_s",)},
    3: {"session_steps": ("paused_s",)},
}
# Advice dismissed with a recorded choice stays quiet this long, then returns if it still applies.
DISMISSAL_LASTS = dt.timedelta(days=28)


class ImportProblem(ValueError):
    """An import file is malformed or foreign; nothing was changed."""


def record_checkin(
    store: Store,
    person_id: int,
    clock: Clock,
    moment: Moment,
    pain: Mapping[str, int],
    note: str | None = None,
) -> str | None:
    """Save a pain check-in. Returns why a new screening is due when pain is much worse."""
    from unknot.domain.progress import PainCheckIn, much_worse

    day = today(clock)
    session_id = None
    sessions = store.sessions(person_id)
    if moment == "after" and sessions:
        session_id = sessions[-1].id
    if moment == "morning":
        earlier = [s for s in sessions if s.started_at.date() < day]
        session_id = earlier[-1].id if earlier else None
    checkin = PainCheckIn(day=day, moment=moment, pain=dict(pain), session_id=session_id, note=note)
    store.add_checkin(person_id, checkin, instant(clock.now()))
    screening = store.latest_screening(person_id)
    if screening is None or moment == "morning":
        return None
    return much_worse(screening.pain, dict(pain))


def record_function(store: Store, person_id: int, clock: Clock, ratings: Mapping[str, int]) -> None:
    """Rate the person's own activities, 0 (unable) to 10 (as before); 3-5 the first time."""
    from unknot.domain.progress import FunctionRating

    known = {r.activity for r in store.function_ratings(person_id)}
    if not known and not 3 <= len(ratings) <= 5:
        raise ValueError(
            "name 3 to 5 activities you find hard because of your neck or back the first time, "
            "e.g. --activity 'reading in bed=4'"
        )
    day = today(clock)
    for activity, score in ratings.items():
        store.add_function_rating(
            person_id, FunctionRating(day=day, activity=activity, score=score), instant(clock.now())
        )


def progress_report(workspace: Workspace, clock: Clock, weeks: int = 8) -> dict[str, Any]:
    """Everything the progress views show, as plain data."""
    from unknot.domain import progress

    store = workspace.open_store()
    person = store.local_person()
    day = today(clock)
    checkins = store.checkins(person)
    rows = store.sessions(person)
    profile = store.load_profile(person)
    planned = profile.sessions_per_week if profile else 3
    finished = [
        (r.started_at.date(), ((r.ended_at or r.started_at) - r.started_at).total_seconds() / 60)
        for r in rows
        if r.status == "finished"
    ]
    advice = _advice(store, person, day, checkins, rows)
    first = min((c.day for c in checkins), default=day)
    areas = progress.area_changes(checkins, day)
    function = progress.function_change(store.function_ratings(person))
    before_after = []
    for row in rows:
        started_on = row.started_at.date()
        before = progress.session_pain(checkins, row.id, started_on, "before")
        after = progress.session_pain(checkins, row.id, started_on, "after")
        if before is not None and after is not None:
            before_after.append(
                {
                    "session_id": row.id,
                    "day": started_on.isoformat(),
                    "before": before,
                    "after": after,
                }
            )
    done_days = {d for d, _ in finished}
    first_monday = day - dt.timedelta(days=day.weekday() + 7 * (weeks - 1))
    calendar = [
        [
            {
                "day": (first_monday + dt.timedelta(days=7 * w + d)).isoformat(),
                "done": first_monday + dt.timedelta(days=7 * w + d) in done_days,
                "future": first_monday + dt.timedelta(days=7 * w + d) > day,
            }
            for d in range(7)
        ]
        for w in range(weeks)
    ]
    return {
        "today": day.isoformat(),
        "calendar": calendar,
        "areas": [a.model_dump(mode="json") for a in areas],
        "weekly_pain": {
            a.area: [
                {"week": w.isoformat(), "mean": m}
                for w, m in progress.weekly_means(checkins, a.area, first)
            ]
            for a in areas
        },
        "pain_points": {
            a.area: [
                {"day": c.day.isoformat(), "pain": c.pain[a.area]}
                for c in checkins
                if a.area in c.pain and c.moment in progress.LEVEL_MOMENTS
            ]
            for a in areas
        },
        "before_after": before_after,
        "function": function.model_dump(mode="json") if function else None,
        "adherence": progress.adherence(finished, planned, day, weeks).model_dump(mode="json"),
        "advice": [a.model_dump(mode="json") for a in advice],
    }


def _advice(
    store: Store,
    person: int,
    day: dt.date,
    checkins: list[PainCheckIn],
    rows: list[SessionRow],
) -> list[Advice]:
    """See-a-clinician advice that applies today and was not dismissed in the last 4 weeks."""
    from unknot.domain import progress

    started = min([r.started_at.date() for r in rows] + [c.day for c in checkins], default=None)
    advice = progress.clinician_advice(
        checkins, store.history(person), day, started, store.function_ratings(person)
    )
    dismissed = store.dismissals(person)
    return [
        a
        for a in advice
        if a.concern not in dismissed or day - dismissed[a.concern] >= DISMISSAL_LASTS
    ]


def current_advice(workspace: Workspace, clock: Clock) -> list[dict[str, Any]]:
    """Only the advice part of the progress report (the today page shows it)."""
    store = workspace.open_store()
    person = store.local_person()
    advice = _advice(store, person, today(clock), store.checkins(person), store.sessions(person))
    return [a.model_dump(mode="json") for a in advice]


def chart_svgs(report: Mapping[str, Any]) -> dict[str, str]:
    """The three progress charts as SVG documents, by file stem."""
    from unknot import charts

    series = {
        area: [(dt.date.fromisoformat(p["day"]), float(p["pain"])) for p in points]
        for area, points in report["pain_points"].items()
    }
    return {
        "pain-over-time": charts.pain_over_time(series),
        "before-after": charts.before_after(
            [(r["day"][5:], r["before"], r["after"]) for r in report["before_after"]]
        ),
        "weekly-adherence": charts.weekly_adherence(
            [(w["start"][5:], w["done"], w["planned"]) for w in report["adherence"]["weeks"]]
        ),
    }


def write_charts(report: Mapping[str, Any], folder: Path) -> list[Path]:
    """Each chart as SVG and PNG in `folder`."""
    import cairosvg

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, svg in chart_svgs(report).items():
        svg_path = folder / f"{stem}.svg"
        svg_path.write_text(svg, encoding="utf-8")
        png_path = folder / f"{stem}.png"
        cairosvg.svg2png(bytestring=svg.encode("utf-8"), write_to=str(png_path), scale=2)
        written += [svg_path, png_path]
    return written


def dismiss_advice(store: Store, person_id: int, clock: Clock, concern: str, choice: str) -> None:
    """The person has read the advice and records what they chose to do."""
    store.dismiss_advice(person_id, concern, choice, today(clock), instant(clock.now()))


# Export, import, forget --------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export_tables(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table about the person, by table, in id order."""
    from sqlalchemy import select

    from unknot.storage.tables import PERSON_TABLES

    person = store.find_local_person()
    out: dict[str, list[dict[str, Any]]] = {}
    with store.engine.connect() as db:
        for table in PERSON_TABLES:
            key = table.c.id if table.name == "persons" else table.c.person_id
            order = list(table.primary_key.columns)
            rows = db.execute(select(table).where(key == person).order_by(*order)).mappings()
            out[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return out


def export_document(workspace: Workspace, clock: Clock) -> dict[str, Any]:
    """Everything the person has, as one JSON-ready document."""
    from unknot.storage.migrate import current_revision

    store = workspace.open_store()
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "schema_revision": current_revision(store.engine),
        "exported_at": instant(clock.now()).isoformat(),
        "tables": export_tables(store),
    }


class ExportProblem(ValueError):
    """An export that cannot be written where asked; the message says why and what to do."""


def write_private(target: Path, text: str) -> None:
    """Write `text` to `target` readable by its owner only, atomically: a temporary file beside
    it, flushed to disk, then renamed over it. A full disk leaves any earlier file whole."""
    import os
    import tempfile

    descriptor, draft = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(draft, 0o600)
        os.replace(draft, target)
    except BaseException:
        Path(draft).unlink(missing_ok=True)
        raise


def export_data(workspace: Workspace, clock: Clock, form: str, target: Path) -> Path:
    """Write everything the person has: one JSON file, or a folder of CSV files, each readable
    by its owner only and written atomically. Raises ExportProblem for a target it cannot use."""
    import io

    if not target.parent.is_dir():
        raise ExportProblem(f"{target.parent}: no such folder; create it or choose another --out")
    if form == "json" and target.is_dir():
        raise ExportProblem(f"{target}: is a folder; give a file name, e.g. {target}/unknot.json")
    if form == "csv" and target.exists() and not target.is_dir():
        raise ExportProblem(f"{target}: is a file; the CSV export is a folder of files")
    tables = export_tables(workspace.open_store())
    try:
        if form == "json":
            document = export_document(workspace, clock)
            write_private(target, json.dumps(document, indent=1, ensure_ascii=False))
            return target
        target.mkdir(mode=0o700, exist_ok=True)
        from unknot.storage.tables import PERSON_TABLES

        for table in PERSON_TABLES:
            handle = io.StringIO()
            writer = csv.writer(handle)
            writer.writerow([c.name for c in table.columns])
            for row in tables[table.name]:
                writer.writerow(
                    [
                        json.dumps(row[c.name])
                        if isinstance(row[c.name], dict | list)
                        else ("" if row[c.name] is None else row[c.name])
                        for c in table.columns
                    ]
                )
            write_private(target / f"{table.name}.csv", handle.getvalue())
    except OSError as error:
        reason = "the disk is full" if error.errno == 28 else (error.strerror or str(error))
        raise ExportProblem(
            f"{target}: cannot be written ({reason}); any earlier export there is unchanged"
        ) from None
    return target


def _convert(table: Any, column: Any, value: Any, where: str) -> Any:
    from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Text

    from unknot.storage.tables import UTCDateTime

    kind = column.type
    if value is None:
        if not column.nullable:
            raise ImportProblem(f"{where}: is required")
        return None
    try:
        if isinstance(kind, UTCDateTime):
            parsed = dt.datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("no time zone")
            return parsed
        if isinstance(kind, Date):
            return dt.date.fromisoformat(value)
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise ValueError("not true or false")
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("not a whole number")
            if not -(2**63) <= value < 2**63:
                raise ValueError("beyond what a database integer holds (64 bits)")
            return value
        if isinstance(kind, Float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError("not a number")
            if not math.isfinite(float(value)):
                raise ValueError("not a finite number")
            return float(value)
        if isinstance(kind, String | Text):
            if not isinstance(value, str):
                raise ValueError("not text")
            return value
        if isinstance(kind, JSON):
            return value
    except (TypeError, ValueError, OverflowError) as error:
        raise ImportProblem(f"{where}: {error} ({str(value)[:80]!r})") from None
    return value


# An export holds one person's records: a few MB after years of use.
IMPORT_MAX_BYTES = 64 * 1024 * 1024


def _row_problem(table: str, row: dict[str, Any]) -> str | None:
    """Check a row against the models the app reads it with; the field and what is wrong, or
    None. An import that passes these is one the app can show (issue 13: a screening tier
    "bogus" imported, and /today then answered 500)."""
    from pydantic import StringConstraints, TypeAdapter, ValidationError

    from unknot.domain.plan import SessionPlan
    from unknot.domain.profile import Profile, Restriction
    from unknot.domain.progress import NOTE_MAX_CHARS, PainScore
    from unknot.domain.screening import Tier
    from unknot.domain.vocabulary import Moment

    checks: dict[str, dict[str, Any]] = {
        "profiles": {"data": Profile},
        "plans": {"data": SessionPlan},
        "screenings": {
            "tier": Tier,
            "restrictions": list[Restriction],
            "flagged": list[str],
            "findings": list[str] | None,
            "answers": dict[str, bool],
            "pain": dict[str, PainScore],
        },
        "checkins": {"moment": Moment, "pain": dict[str, PainScore]},
        "persons": {"country": Annotated[str, StringConstraints(pattern="^[A-Z]{2}$")] | None},
        "sessions": {"status": Literal["active", "finished", "stopped", "abandoned"]},
        "function_ratings": {"score": PainScore},
        "pain_reports": {"score": PainScore},
    }
    for field, model in checks.get(table, {}).items():
        try:
            TypeAdapter(model).validate_python(
                row[field], strict=model not in (SessionPlan, Profile)
            )
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in (field, *first["loc"]))
            return f"{where}: {first['msg']}"
    note = row.get("note") if table == "checkins" else None
    if isinstance(note, str) and len(note) > NOTE_MAX_CHARS:
        return f"note: longer than {NOTE_MAX_CHARS} characters"
    return None


def import_data(workspace: Workspace, path: Path) -> dict[str, int]:
    """Restore an export into an empty database, exactly; all or nothing. Rows per table."""
    from sqlalchemy import func, insert, select, text
    from sqlalchemy.exc import IntegrityError

    from unknot.domain.screening import LEGACY_TIERS
    from unknot.storage.tables import PERSON_TABLES

    try:
        size = path.stat().st_size
        if size > IMPORT_MAX_BYTES:
            raise ImportProblem(
                f"{path}: {size / 2**20:.0f} MiB is more than an unknot export holds "
                f"({IMPORT_MAX_BYTES // 2**20} MiB at most); nothing was imported"
            )
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportProblem(f"{path}: cannot be read ({error})") from None
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImportProblem(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise ImportProblem(f"{path}: nested too deeply to be an unknot export") from None
    except ValueError as error:  # e.g. a number of thousands of digits
        raise ImportProblem(f"{path}: not an unknot export ({error})") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ImportProblem(f'{path}: not an unknot export (no "format": "{EXPORT_FORMAT}")')
    version = document.get("version")
    if version != EXPORT_VERSION and version not in ADDED_AFTER:
        readable = ", ".join(str(v) for v in sorted({*ADDED_AFTER, EXPORT_VERSION}))
        raise ImportProblem(
            f"{path}: export version {version!r}; this unknot reads versions {readable}"
        )
    added = ADDED_AFTER.get(version, {}) if isinstance(version, int) else {}
    tables = document.get("tables")
    known = {t.name: t for t in PERSON_TABLES}
    if not isinstance(tables, dict):
        raise ImportProblem(f"{path}: tables: missing or not an object")
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise ImportProblem(
            f"{path}: tables.{unknown[0]}: unknown table; known: {', '.join(known)}"
        )
    prepared: list[tuple[Any, list[dict[str, Any]]]] = []
    for table in PERSON_TABLES:
        rows = tables.get(table.name, [])
        if not isinstance(rows, list):
            raise ImportProblem(f"{path}: tables.{table.name}: not a list of rows")
        names = {c.name for c in table.columns}
        converted = []
        for number, row in enumerate(rows):
            where = f"{path}: tables.{table.name}[{number}]"
            if not isinstance(row, dict):
                raise ImportProblem(f"{where}: not an object")
            row = {**dict.fromkeys(added.get(table.name, ())), **row}
            if table.name == "screenings" and row.get("tier") in LEGACY_TIERS:
                row["tier"] = LEGACY_TIERS[row["tier"]]  # "urgent" before issue 14
            extra = sorted(set(row) - names)
            missing = sorted(names - set(row))
            if extra or missing:
                wrong = f"unknown field {extra[0]!r}" if extra else f"missing field {missing[0]!r}"
                raise ImportProblem(f"{where}: {wrong}")
            converted.append(
                {
                    c.name: _convert(table, c, row[c.name], f"{where}.{c.name}")
                    for c in table.columns
                }
            )
            unreadable = _row_problem(table.name, row)
            if unreadable is not None:
                raise ImportProblem(f"{where}.{unreadable}; nothing was imported")
        prepared.append((table, converted))
    if len(tables.get("persons", [])) != 1:
        raise ImportProblem(f"{path}: tables.persons: an export holds exactly one person")
    store = workspace.open_store()
    with store.engine.connect() as db:
        if db.execute(select(func.count()).select_from(known["persons"])).scalar():
            raise ImportProblem(
                "the database is not empty; import restores into an empty database only "
                "(run `unknot forget` first, or point UNKNOT_DATA_DIR at a new folder)"
            )
    counts: dict[str, int] = {}
    try:
        with store.engine.begin() as db:
            for table, rows in prepared:
                if rows:
                    db.execute(insert(table), rows)
                counts[table.name] = len(rows)
            if store.engine.dialect.name == "postgresql":
                for table, _ in prepared:
                    if "id" in table.c:
                        db.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                            )
                        )
    except IntegrityError as error:
        raise ImportProblem(
            f"{path}: rows contradict each other ({error.orig}); nothing was imported"
        ) from None
    return counts


def forget(workspace: Workspace) -> dict[str, int]:
    """Delete everything about the person; rows deleted per table."""
    from sqlalchemy import delete

    from unknot.storage.tables import PERSON_TABLES

    store = workspace.open_store()
    person = store.find_local_person()
    counts: dict[str, int] = {t.name: 0 for t in PERSON_TABLES}
    if person is None:
        return counts
    with store.engine.begin() as db:
        for table in reversed(PERSON_TABLES):
            key = table.c.id if table.name == "persons" else table.c.person_id
            counts[table.name] = db.execute(delete(table).where(key == person)).rowcount
    return counts
