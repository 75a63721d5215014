"""The person's records as a whole: export them, restore an export, delete them all."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, StringConstraints, TypeAdapter, ValidationError

from unknot.clock import instant
from unknot.domain.plan import SessionPlan
from unknot.domain.profile import Profile, Restriction
from unknot.domain.programme import Programme
from unknot.domain.progress import NOTE_MAX_CHARS, PainScore
from unknot.domain.screening import LEGACY_TIERS, Tier
from unknot.domain.vocabulary import Moment, PainArea, WeekStart
from unknot.services.acting import Acting
from unknot.services.errors import ExportProblem, ImportProblem
from unknot.services.wording import validation_message
from unknot.storage import transfer

EXPORT_FORMAT = "unknot-export"
EXPORT_VERSION = 5
# Columns added since an older export version; importing such an export leaves them empty.
# Tables added since (session runs and events, version 4; programmes, version 5) are simply
# absent from older ones.
ADDED_AFTER: dict[int, dict[str, tuple[str, ...]]] = {
    # version 2 (issue 12), version 3 (issue 14), version 4 (issue 15), version 5 (issue 17)
    1: {
        "screenings": ("cleared_by", "withdrawn_at", "findings"),
        "persons": ("country", "week_start"),
        "session_steps": ("paused_s",),
    },
    2: {
        "screenings": ("findings",),
        "persons": ("country", "week_start"),
        "session_steps": ("paused_s",),
    },
    3: {"session_steps": ("paused_s",), "persons": ("week_start",)},
    4: {"persons": ("week_start",)},
}
# An export holds one person's records: a few MB after years of use.
IMPORT_MAX_BYTES = 64 * 1024 * 1024
# What each table's values must be for the app to read them back (issue 13: a screening tier
# "bogus" imported, and /today then answered 500). Models are checked leniently (as the app
# reads them), plain values strictly.
ROW_CHECKS: dict[str, dict[str, Any]] = {
    "profiles": {"data": Profile},
    "plans": {"data": SessionPlan},
    "programmes": {"data": Programme},
    "screenings": {
        "tier": Tier,
        "restrictions": list[Restriction],
        "flagged": list[str],
        "findings": list[str] | None,
        "answers": dict[str, bool],
        "pain": dict[PainArea, PainScore],
    },
    "checkins": {"moment": Moment, "pain": dict[PainArea, PainScore]},
    "persons": {
        "country": Annotated[str, StringConstraints(pattern="^[A-Z]{2}$")] | None,
        "week_start": WeekStart | None,
    },
    "sessions": {"status": Literal["active", "finished", "stopped", "abandoned"]},
    "function_ratings": {"score": PainScore},
    "pain_reports": {"score": PainScore},
}
LENIENT = (Profile, SessionPlan, Programme)

Rows = dict[str, list[dict[str, object]]]


class ExportDocument(BaseModel):
    """Everything unknot holds about the person, as one document `unknot import` restores."""

    format: Literal["unknot-export"] = "unknot-export"
    version: int = EXPORT_VERSION
    schema_revision: str | None
    exported_at: dt.datetime
    tables: Rows
    """Every row of every table about the person, by table, in id order."""


def _row_problem(table: str, row: dict[str, object]) -> str | None:
    """Check a row against the models the app reads it with; the field and what is wrong."""
    for name, model in ROW_CHECKS.get(table, {}).items():
        try:
            TypeAdapter(model).validate_python(row[name], strict=model not in LENIENT)
        except ValidationError as error:
            joiner = "." if error.errors()[0]["loc"] else ": "
            return f"{name}{joiner}{validation_message(error)}"
    note = row.get("note") if table == "checkins" else None
    if isinstance(note, str) and len(note) > NOTE_MAX_CHARS:
        return f"note: longer than {NOTE_MAX_CHARS} characters"
    return None


def write_private(target: Path, content: str) -> None:
    """Write `content` to `target` readable by its owner only, atomically: a temporary file
    beside it, flushed to disk, then renamed over it. A full disk leaves any earlier file whole."""
    import os
    import tempfile

    descriptor, draft = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(draft, 0o600)
        os.replace(draft, target)
    except BaseException:
        Path(draft).unlink(missing_ok=True)
        raise


class Records(Acting):
    """Export, import and "forget me"."""

    def export_document(self) -> ExportDocument:
        """Everything the person has, as one JSON-ready document."""
        store = self._store
        return ExportDocument(
            schema_revision=transfer.schema_revision(store),
            exported_at=instant(self.clock.now()),
            tables=transfer.export_tables(store, self.existing_person()),
        )

    def export_data(self, form: str, target: Path) -> Path:
        """Write everything the person has: one JSON file, or a folder of CSV files, each
        readable by its owner only and written atomically. Raises ExportProblem for a target it
        cannot use."""
        if not target.parent.is_dir():
            raise ExportProblem(
                f"{target.parent}: no such folder; create it or choose another --out"
            )
        if form == "json" and target.is_dir():
            raise ExportProblem(
                f"{target}: is a folder; give a file name, e.g. {target}/unknot.json"
            )
        if form == "csv" and target.exists() and not target.is_dir():
            raise ExportProblem(f"{target}: is a file; the CSV export is a folder of files")
        document = self.export_document()
        try:
            if form == "json":
                text = json.dumps(document.model_dump(mode="json"), indent=1, ensure_ascii=False)
                write_private(target, text)
                return target
            target.mkdir(mode=0o700, exist_ok=True)
            for name in transfer.table_names():
                columns = transfer.column_names(name)
                handle = io.StringIO()
                writer = csv.writer(handle)
                writer.writerow(columns)
                for row in document.tables[name]:
                    writer.writerow(
                        [
                            json.dumps(row[c])
                            if isinstance(row[c], dict | list)
                            else ("" if row[c] is None else row[c])
                            for c in columns
                        ]
                    )
                write_private(target / f"{name}.csv", handle.getvalue())
        except OSError as error:
            reason = "the disk is full" if error.errno == 28 else (error.strerror or str(error))
            raise ExportProblem(
                f"{target}: cannot be written ({reason}); any earlier export there is unchanged"
            ) from None
        return target

    def import_data(self, path: Path) -> dict[str, int]:
        """Restore an export into an empty database, exactly; all or nothing. Rows per table."""
        document = _read_export(path)
        version = document.get("version")
        added = ADDED_AFTER.get(version, {}) if isinstance(version, int) else {}
        tables = document.get("tables")
        known = transfer.table_names()
        if not isinstance(tables, dict):
            raise ImportProblem(f"{path}: tables: missing or not an object")
        unknown = sorted(set(tables) - set(known))
        if unknown:
            raise ImportProblem(
                f"{path}: tables.{unknown[0]}: unknown table; known: {', '.join(known)}"
            )
        prepared = []
        for name in known:
            rows = tables.get(name, [])
            if not isinstance(rows, list):
                raise ImportProblem(f"{path}: tables.{name}: not a list of rows")
            converted = []
            for number, row in enumerate(rows):
                where = f"{path}: tables.{name}[{number}]"
                if not isinstance(row, dict):
                    raise ImportProblem(f"{where}: not an object")
                row = {**dict.fromkeys(added.get(name, ())), **row}
                if name == "screenings" and row.get("tier") in LEGACY_TIERS:
                    row["tier"] = LEGACY_TIERS[row["tier"]]  # "urgent" before issue 14
                try:
                    converted.append(transfer.convert_row(name, row, where))
                except transfer.RowRefused as error:
                    raise ImportProblem(str(error)) from None
                unreadable = _row_problem(name, row)
                if unreadable is not None:
                    raise ImportProblem(f"{where}.{unreadable}; nothing was imported")
            prepared.append(transfer.table_rows(name, converted))
        if len(tables.get("persons", [])) != 1:
            raise ImportProblem(f"{path}: tables.persons: an export holds exactly one person")
        store = self._store
        if transfer.holds_anyone(store):
            raise ImportProblem(
                "the database is not empty; import restores into an empty database only "
                "(run `unknot forget` first, or point UNKNOT_DATA_DIR at a new folder)"
            )
        try:
            counts = transfer.restore(store, prepared)
        except transfer.RowRefused as error:
            raise ImportProblem(f"{path}: {error}; nothing was imported") from None
        from unknot.storage.reminders import ReminderStore

        # The reminders due are not in an export: the next pass makes them from the settings.
        ReminderStore(store).schedule_again()
        self.app.local_person_id = None
        return counts

    def forget(self) -> dict[str, int]:
        """Delete everything about the person; rows deleted per table."""
        counts = transfer.forget_person(self._store, self.existing_person())
        self.app.local_person_id = None
        with self.app.kept_lock:
            self.app.timelines.clear()
            self.app.replays.clear()
        return counts


def _read_export(path: Path) -> dict[str, object]:
    """The export document in a file, checked for its format and version."""
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
    return document
