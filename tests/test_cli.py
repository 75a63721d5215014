"""The command line, driven through Typer's runner and, where start-up matters, a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.catalog.samples import VALID, write
from unknot.cli import app

runner = CliRunner()

# The public contract of `unknot catalog --json` (issue 3).
CONTRACT_KEYS = {
    "id",
    "name",
    "phase",
    "targets",
    "equipment",
    "position",
    "dosage",
    "duration_s",
    "source",
    "steps",
    "easier",
    "harder",
}
DOSAGE_KEYS = {"sets", "reps", "hold_s", "work_s", "per_side", "directions"}
PINNED_ITEMS = {
    "chair",
    "wall",
    "doorway",
    "resistance_band",
    "dumbbell",
    "foam_roller",
    "mat",
    "anchor_point",
}


def catalog_json(*args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["catalog", "--json", *args])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    return records


def test_catalog_json_contract() -> None:
    records = catalog_json()
    assert len(records) >= 20
    by_id = {r["id"]: r for r in records}
    for record in records:
        assert set(record) >= CONTRACT_KEYS
        assert record["phase"] in {"warmup", "dynamic", "strength", "static"}
        assert isinstance(record["dosage"], dict)
        assert set(record["dosage"]) >= DOSAGE_KEYS
        equipment = record["equipment"]
        position = record["position"]
        assert isinstance(equipment, list)
        assert isinstance(position, list)
        assert len(equipment) == len(position)
        duration = record["duration_s"]
        assert isinstance(duration, list)
        assert duration[0] <= duration[1]
    assert by_id["neck-roll"]["equipment"] == [[], ["chair"]]
    assert by_id["row"]["equipment"] == [["resistance_band", "anchor_point"], ["dumbbell", "wall"]]
    assert by_id["row"]["dosage"] == {
        "sets": [2, 3],
        "reps": [8, 12],
        "hold_s": None,
        "work_s": None,
        "per_side": None,
        "directions": None,
        "direction_order": "blocks",
    }
    assert by_id["childs-pose"]["dosage"]["hold_s"] == [15, None]  # type: ignore[index]
    assert by_id["shoulder-roll"]["dosage"]["directions"] == ["backward", "forward"]  # type: ignore[index]
    assert by_id["superman"]["harder"] == "superman-hold"
    assert by_id["superman-hold"]["variation_of"] == "superman"
    items = {i for r in records for alt in r["equipment"] for i in alt}  # type: ignore[attr-defined]
    assert items >= PINNED_ITEMS - {"mat"}


def test_filters() -> None:
    static = catalog_json("--phase", "static")
    assert {r["phase"] for r in static} == {"static"}
    assert len(static) == 6  # the five of the seed and the gentle day's breathing
    neck = catalog_json("--target", "neck")
    assert all("neck" in r["targets"] for r in neck)  # type: ignore[operator]
    bare = catalog_json("--equipment", "chair")
    ids = {r["id"] for r in bare}
    assert "chair-rotation" in ids
    assert "neck-roll" in ids  # needs nothing
    assert "pec-stretch" not in ids  # needs a doorway
    band = catalog_json("--equipment", "resistance_band", "--equipment", "anchor_point")
    assert "face-pull" in {r["id"] for r in band}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["catalog", "--phase", "stretchy"], "unknown phase 'stretchy'; choose from: warmup,"),
        (["catalog", "--target", "knee"], "unknown target 'knee'; choose from: neck,"),
        (["catalog", "--equipment", "kettlebell"], "unknown equipment item 'kettlebell'"),
        (["show", "neck-rol"], "no exercise has the id 'neck-rol'; did you mean neck-roll?"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], words: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_table_groups_by_phase() -> None:
    result = runner.invoke(app, ["catalog"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "NAME", "PHASE"]
    rows = [line.split() for line in lines[2:] if line and not line.startswith(" ")]
    rows = [r for r in rows if r and r[0] in {e["id"] for e in catalog_json()}]
    # Every exercise once, grouped by phase in the session's order (issue 15: this checked one
    # loose condition instead).
    header = lines[0]
    column = header.index("PHASE")
    phases = [line[column:].split()[0] for line in lines[2 : 2 + len(rows)]]
    order = ["warmup", "dynamic", "strength", "static"]
    assert phases == sorted(phases, key=order.index)
    assert set(phases) == set(order)
    assert len(rows) == len(catalog_json())
    assert "Child's pose" in result.stdout


def test_show_prints_the_card() -> None:
    result = runner.invoke(app, ["show", "upper-trapezius-stretch"])
    assert result.exit_code == 0
    assert "Upper trapezius stretch" in result.stdout
    assert "Steps:" in result.stdout
    assert "never pull" in result.stdout
    as_json = runner.invoke(app, ["show", "row", "--json"])
    assert json.loads(as_json.stdout)["id"] == "row"


def test_catalog_check_shipped_and_own(own_exercises: Path) -> None:
    result = runner.invoke(app, ["catalog", "check"])
    assert result.exit_code == 0, result.output
    assert "ok:" in result.stdout
    write(own_exercises, "towel-nod", VALID)
    result = runner.invoke(app, ["catalog", "check"])
    assert result.exit_code == 0
    assert "towel-nod" in {r["id"] for r in catalog_json()}


def test_catalog_check_reports_every_broken_file(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    write(folder, "one", VALID.replace("phase: strength", "phase: strong"))
    write(folder, "two", VALID + "colour: red\n")
    write(folder, "fine", VALID)
    result = runner.invoke(app, ["catalog", "check", str(folder)])
    assert result.exit_code == 1
    assert "one.yaml: phase:" in result.stdout
    assert "two.yaml: colour: unknown field" in result.stdout
    assert "2 problem(s) in 3 file(s)" in result.stderr


def test_catalog_check_unreadable_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "check", str(tmp_path / "absent")])
    assert result.exit_code == 2
    assert "is not a folder that can be read" in result.stderr


def test_broken_own_file_is_named_and_the_rest_listed(own_exercises: Path) -> None:
    write(own_exercises, "broken", "name: [")
    write(own_exercises, "towel-nod", VALID)
    result = runner.invoke(app, ["catalog", "--json"])
    assert result.exit_code == 0, result.output
    assert "left out" in result.stderr
    assert "broken.yaml: line" in result.stderr
    ids = {r["id"] for r in json.loads(result.stdout)}
    assert "towel-nod" in ids
    assert "broken" not in ids
    assert "row" in ids
    check = runner.invoke(app, ["catalog", "check"])
    assert check.exit_code == 1
    assert "broken.yaml" in check.stdout


def test_schema_describes_the_file_format() -> None:
    result = runner.invoke(app, ["catalog", "schema"])
    schema = json.loads(result.stdout)
    assert "id" not in schema["properties"]
    assert schema["additionalProperties"] is False
    assert {"name", "phase", "dosage"} <= set(schema["required"])


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "unknot", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().startswith("unknot ")


def test_quick_commands_do_not_import_pydantic() -> None:
    """The start-up budget (issue 3) depends on it; bench/ measures the time itself."""
    code = (
        "import sys; from unknot.cli import main; sys.argv = ['unknot', 'catalog', '--json'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'pydantic' not in sys.modules, 'pydantic imported'\n"
        "assert 'yaml' not in sys.modules, 'yaml imported'\n"
    )
    # The first run fills the cache (and so must validate); the second must not.
    subprocess.run(
        [sys.executable, "-c", code.replace("assert", "pass #")], check=True, capture_output=True
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
