"""`unknot plan`: the readable table, the JSON contract, profile files and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unknot.cli import app

runner = CliRunner()
BAND = ["--equipment", "resistance_band", "--equipment", "anchor_point"]


def plan_json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["plan", "--json", "--date", "2026-11-25", *args])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_plan_json_names_catalog_ids() -> None:
    catalog = {r["id"] for r in json.loads(runner.invoke(app, ["catalog", "--json"]).stdout)}
    plan = plan_json("--minutes", "30", "--pain", "neck=6", *BAND)
    items = plan["items"]
    assert isinstance(items, list)
    assert items
    for item in items:
        assert item["exercise_id"] in catalog
        assert item["block"] in {"warmup", "dynamic", "strength", "static"}
        assert item["reasons"]
        assert {"sets", "reps", "hold_s", "work_s", "per_side", "duration_s"} <= set(item)
    assert plan["total_s"] <= 1800  # type: ignore[operator]
    assert 3 <= sum(1 for i in items if i["part"] == "programme") <= 4
    assert plan["day"] == "2026-11-25"


def test_plan_is_deterministic() -> None:
    assert plan_json("--minutes", "20", "--seed", "7") == plan_json(
        "--minutes", "20", "--seed", "7"
    )


def test_week_json_has_seven_days() -> None:
    week = plan_json("--week", "--sessions", "3")
    days = week["days"]
    assert isinstance(days, list)
    assert len(days) == 7
    assert sum(1 for d in days if d["session"] is not None) == 3


def test_avoid_takes_positions_and_exercise_ids() -> None:
    plan = plan_json("--avoid", "floor", "--avoid", "neck-roll", "--minutes", "20")
    items = plan["items"]
    assert isinstance(items, list)
    ids = {i["exercise_id"] for i in items}
    assert "neck-roll" not in ids
    assert not {i["position"] for i in items} & {
        "kneeling",
        "all_fours",
        "lying_back",
        "lying_front",
    }


def test_readable_table() -> None:
    result = runner.invoke(app, ["plan", "--minutes", "30", "--pain", "neck=6", *BAND])
    assert result.exit_code == 0, result.output
    for header in ("Warm-up (", "Your programme, week 1 of 3 ("):
        assert header in result.stdout
    assert "which you rated 6/10" in result.stdout
    week = runner.invoke(app, ["plan", "--week"])
    assert week.exit_code == 0
    assert week.stdout.count(" rest") >= 3


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--pain", "neck=11"], "pain 'neck=11' needs a score from 0 to 10"),
        (["--pain", "knee=3"], "unknown pain area 'knee'"),
        (["--avoid", "flor"], "--avoid 'flor' is not a position"),
        (["--avoid", "neck-rol"], "did you mean neck-roll?"),
        (["--date", "2026-13-01"], "date '2026-13-01' is not a date; write it as YYYY-MM-DD"),
        (["--minutes", "90"], "profile: minutes: Input should be less than or equal to 60"),
        (["--sessions", "1"], "sessions_per_week: Input should be greater than or equal to 2"),
        (["--restriction", "no_running"], "unknown restriction 'no_running'; choose from:"),
        (["--experience", "pro"], "unknown experience 'pro'"),
        (["--goal", "fame"], "unknown goal 'fame'"),
    ],
)
def test_bad_input_exits_2(args: list[str], words: str) -> None:
    result = runner.invoke(app, ["plan", *args])
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert result.stderr.count("\n") == 1


def test_profile_file_with_flags_on_top(tmp_path: Path) -> None:
    profile = tmp_path / "me.toml"
    profile.write_text(
        'minutes = 20\nequipment = ["chair", "resistance_band", "anchor_point"]\n'
        'avoid_positions = ["floor"]\n[pain]\nupper_back = 5\n',
        encoding="utf-8",
    )
    plan = plan_json("--profile", str(profile), "--minutes", "25", "--equipment", "dumbbell")
    assert plan["minutes"] == 25
    items = plan["items"]
    assert isinstance(items, list)
    assert any("upper back, which you rated 5/10" in r for i in items for r in i["reasons"])
    assert not any("lying" in i["position"] for i in items)
    as_json = tmp_path / "me.json"
    as_json.write_text(json.dumps({"minutes": 10}), encoding="utf-8")
    assert plan_json("--profile", str(as_json))["minutes"] == 10


@pytest.mark.parametrize(
    ("text", "name", "words"),
    [
        ("minutes = ", "bad.toml", "not valid TOML"),
        ("mins = 20\n", "extra.toml", "mins: unknown field; allowed: pain, equipment"),
        ('equipment = ["sofa"]\n', "sofa.toml", "equipment."),
        ("[1, 2]", "list.json", "must be a table"),
    ],
)
def test_bad_profile_file(tmp_path: Path, text: str, name: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["plan", "--profile", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert words in result.stderr


def test_missing_profile_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", "--profile", str(tmp_path / "none.toml")])
    assert result.exit_code == 2
    assert "cannot be read" in result.stderr


def test_impossible_plan_exits_1_with_what_to_change(tmp_path: Path) -> None:
    profile = tmp_path / "stuck.toml"
    profile.write_text(
        'equipment = []\navoid_positions = ["floor", "standing"]\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["plan", "--profile", str(profile)])
    assert result.exit_code == 1
    assert "No exercise fits this profile" in result.stderr


def screen(answer_yes: str | None) -> None:
    from tests.answers import typed

    runner.invoke(app, ["screen"], input=typed(*([answer_yes] if answer_yes else [])))


def test_plan_before_any_screening_says_to_answer_the_questions() -> None:
    plan = plan_json()
    notes = plan["notes"]
    assert isinstance(notes, list)
    assert "No warning-sign screening on record" in notes[0]


def test_plan_obeys_the_stored_screening_after_each_tier() -> None:
    """Issue 12: after an urgent result `unknot plan` printed a full programme."""
    screen(None)
    clear = plan_json(*BAND)
    assert any(i["block"] == "strength" for i in clear["items"])  # type: ignore[attr-defined]
    assert not any("screening" in n for n in clear["notes"])  # type: ignore[attr-defined]

    screen("constant_worsening_pain")
    soon = plan_json(*BAND)
    ids = {i["exercise_id"] for i in soon["items"]}  # type: ignore[attr-defined]
    assert not ids & {"wall-angel", "bird-dog", "row", "superman"}
    assert any("Gentle mobility only" in n for n in soon["notes"])  # type: ignore[attr-defined]
    readable = runner.invoke(app, ["plan", *BAND])
    assert "Note: Gentle mobility only: your screening advises" in readable.stdout

    screen("chest_pain")
    urgent = runner.invoke(app, ["plan", *BAND])
    assert urgent.exit_code == 1
    assert "Call" in urgent.stdout
    assert "Strength" not in urgent.stdout
    as_json = runner.invoke(app, ["plan", "--json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["items"] == []


@pytest.mark.parametrize("score", ["²", "abc", "11", "-1"])
def test_a_wrong_pain_score_exits_2_with_one_line(score: str) -> None:
    result = runner.invoke(app, ["plan", "--pain", f"neck={score}"])
    assert result.exit_code == 2
    assert "needs a score from 0 to 10" in result.stderr
    assert "Traceback" not in result.output
