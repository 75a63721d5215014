"""Export and import: an exact round trip; bad files are refused and change nothing (issue 6)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.history_fixture import eight_weeks
from unknot.clock import FakeClock
from unknot.domain import engine
from unknot.domain.progress import PainCheckIn
from unknot.domain.screening import QUESTION_IDS
from unknot.services.actor import Actor
from unknot.services.application import Application
from unknot.services.errors import ImportProblem
from unknot.services.records import EXPORT_VERSION
from unknot.services.workspace import Workspace
from unknot.storage.repository import Store
from unknot.storage.transfer import export_tables as export_rows


def person_at(root: Path, url: str, clock: FakeClock | None = None) -> Actor:
    workspace = Workspace(data_dir=root / "data", config_dir=root / "config", database_url=url)
    return Application(workspace, clock or FakeClock()).local()


def export_tables(store: Store) -> dict[str, list[dict[str, object]]]:
    return export_rows(store, store.find_local_person())


def fill(you: Actor) -> None:
    """A bit of everything: screening, clearance, a real session with steps, pain, effort."""
    clock = you.clock
    assert isinstance(clock, FakeClock)
    store = you._store
    you.save_profile(you.profile().model_copy(update={"pain": {"neck": 5}}))
    answers = {q: q == "arm_nerve_symptoms" for q in QUESTION_IDS}
    screening = you.submit_screening(answers)
    store.record_clearance(you.person_id, [screening.id], dt.date(2025, 11, 25), "physio", "fine")
    eight_weeks(store, "improving", dt.date(2025, 11, 20))
    controller = you.start_session(you.situation(minutes=15))
    controller.send(engine.Start())
    for _ in range(6):
        clock.advance(20)
        controller.tick()
    controller.send(engine.ReportPain("neck", 3))
    controller.send(engine.ReportEffort(2))
    controller.send(engine.Skip())
    # A browser's run of the same session: its events, and the records their replay writes.
    run = you.start_run(controller.session_id, 9)
    for seq, kind in enumerate(("start", "pause", "resume", "skip")):
        you.record_event(controller.session_id, run.run_id, seq, kind, seq, {})
    store.mark_aggravating(you.person_id, "wall-angel", dt.datetime.now(dt.UTC))
    you.record_function({"reading": 4, "driving": 6, "sleep": 5})
    you.dismiss_advice("persists", "booked a physio")


def test_round_trip_restores_every_row(database_url: str, tmp_path: Path) -> None:
    source = person_at(tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}")
    fill(source)
    exported = source.export_data("json", tmp_path / "export.json")
    target = person_at(tmp_path / "b", database_url)
    counts = target.import_data(exported)
    assert counts["session_steps"] > 0
    assert (counts["session_runs"], counts["session_events"]) == (1, 4)
    assert counts["checkins"] == 48
    assert export_tables(target._store) == export_tables(source._store)
    # The restored database keeps working: new rows get fresh ids.
    store = target._store
    checkin = PainCheckIn(day=dt.date(2026, 1, 1), moment="check", pain={"neck": 2})
    new_id = store.add_checkin(store.local_person(), checkin, dt.datetime.now(dt.UTC))
    assert new_id > max(int(str(row["id"])) for row in export_tables(store)["checkins"][:-1])


def test_csv_export_writes_a_file_per_table(tmp_path: Path) -> None:
    source = person_at(tmp_path, f"sqlite:///{tmp_path / 'a.db'}")
    fill(source)
    folder = source.export_data("csv", tmp_path / "csv")
    lines = (folder / "checkins.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,person_id,taken_at,day,moment")
    assert len(lines) == 49
    assert (folder / "session_steps.csv").exists()


def good_export(tmp_path: Path) -> dict[str, object]:
    source = person_at(tmp_path / "src", f"sqlite:///{tmp_path / 'src.db'}")
    fill(source)
    path = source.export_data("json", tmp_path / "good.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def broken(document: dict[str, object], change: str) -> str:
    tables = document["tables"]
    assert isinstance(tables, dict)
    if change == "type":
        tables["sessions"][0]["started_at"] = "last tuesday"
    elif change == "field":
        tables["checkins"][2]["mood"] = "fine"
    elif change == "missing":
        del tables["plans"][0]["data"]
    elif change == "table":
        tables["pets"] = []
    elif change == "foreign":
        return json.dumps({"exercises": []})
    elif change == "version":
        document["version"] = 99
    elif change == "dangling":
        tables["session_steps"][0]["session_id"] = 99999
    elif change == "tier":
        tables["screenings"][0]["tier"] = "bogus"
    elif change == "pain":
        tables["checkins"][0]["pain"] = {"neck": 99}
    elif change == "plan":
        tables["plans"][0]["data"] = {"nonsense": True}
    elif change == "id":
        tables["checkins"][0]["id"] = 2**64
    elif change == "digits":
        return json.dumps(document).replace(
            f'"version": {EXPORT_VERSION}', '"version": ' + "9" * 5000, 1
        )
    elif change == "nesting":
        return "[" * 100_000 + "]" * 100_000
    return json.dumps(document)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("type", "tables.sessions[0].started_at: Invalid isoformat string"),
        ("field", "tables.checkins[2]: unknown field 'mood'"),
        ("missing", "tables.plans[0]: missing field 'data'"),
        ("table", "tables.pets: unknown table"),
        ("foreign", 'not an unknot export (no "format": "unknot-export")'),
        ("version", "export version 99"),
        ("dangling", "rows contradict each other"),
        # Issue 13: these imported with exit 0, and /today then answered 500 until `forget`.
        (
            "tier",
            "tables.screenings[0].tier: Input should be 'clear', 'soon', 'same_day' or 'emergency'",
        ),
        ("pain", "tables.checkins[0].pain.neck: Input should be less than or equal to 10"),
        ("plan", "tables.plans[0].data."),
        ("id", "tables.checkins[0].id: beyond what a database integer holds (64 bits)"),
        ("digits", "not an unknot export (Exceeds the limit"),
        ("nesting", "nested too deeply"),
    ],
)
def test_bad_imports_are_refused_and_change_nothing(
    database_url: str, tmp_path: Path, change: str, words: str
) -> None:
    document = good_export(tmp_path)
    path = tmp_path / "bad.json"
    path.write_text(broken(document, change), encoding="utf-8")
    target = person_at(tmp_path / "b", database_url)
    before = export_tables(target._store)
    with pytest.raises(ImportProblem, match=re.escape(words)):
        target.import_data(path)
    assert export_tables(target._store) == before


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(
        '{\n "format": "unknot-export",\n "version": 1,\n "tables": {', encoding="utf-8"
    )
    target = person_at(tmp_path, f"sqlite:///{tmp_path / 'b.db'}")
    with pytest.raises(ImportProblem, match="line 4: not valid JSON"):
        target.import_data(path)


def test_import_refuses_a_database_that_holds_data(tmp_path: Path) -> None:
    document = good_export(tmp_path)
    path = tmp_path / "good2.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    target = person_at(tmp_path / "c", f"sqlite:///{tmp_path / 'c.db'}")
    fill(target)
    before = export_tables(target._store)
    with pytest.raises(ImportProblem, match="the database is not empty"):
        target.import_data(path)
    assert export_tables(target._store) == before


def test_an_import_larger_than_any_export_is_refused_unread(tmp_path: Path) -> None:
    """A 1 GiB file took 2.1 GB of memory (issue 13); the size is checked before reading."""
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(65 * 2**20)  # sparse: no disk used
    target = person_at(tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}")
    with pytest.raises(ImportProblem, match="65 MiB is more than an unknot export holds"):
        target.import_data(huge)
