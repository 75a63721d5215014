"""Broken exercise files give errors that name the file, the field and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.samples import VALID, write
from unknot.catalog.loader import SHIPPED_DIR, check_files
from unknot.catalog.schema import parse_file


def only_problem(path: Path) -> str:
    exercise, problems = parse_file(path)
    assert exercise is None
    assert len(problems) == 1
    assert problems[0].path == path
    return str(problems[0])


def test_a_valid_file_parses(tmp_path: Path) -> None:
    exercise, problems = parse_file(write(tmp_path, "towel-nod", VALID))
    assert problems == []
    assert exercise is not None
    assert exercise.id == "towel-nod"
    assert exercise.dosage.hold_s == (5, 10)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("phase: strength", "phase: strong"), "phase", "'warmup', 'dynamic', 'strength'"),
        (("reps: [5, 8]", "reps: [8, 5]"), "dosage.reps", "runs backwards"),
        (("    position: seated", "    position: sitting"), "alternatives[0].position", "seated"),
        (
            ("  - equipment: []", "  - equipment: [kettlebell]"),
            "alternatives[0].equipment[0]",
            "chair",
        ),
        (("source: My physiotherapist, 2026", "source: x"), "source", "at least 3"),
        (("purpose:", "purpos:"), "purpose", "is required"),
    ],
)
def test_field_errors_are_named(
    tmp_path: Path, change: tuple[str, str], field: str, words: str
) -> None:
    text = VALID.replace(*change)
    assert text != VALID
    message = only_problem(write(tmp_path, "broken", text)) if field != "purpose" else None
    if message is None:
        _, problems = parse_file(write(tmp_path, "broken", text))
        messages = [str(p) for p in problems]
        assert any(f"broken.yaml: purpose: {words}" in m for m in messages), messages
        assert any("unknown field 'purpos'" in m for m in messages), messages
        return
    assert f"broken.yaml: {field}: " in message
    assert words in message


def test_unknown_field_lists_the_allowed_ones(tmp_path: Path) -> None:
    message = only_problem(write(tmp_path, "extra", VALID + "difficulty: 3\n"))
    assert "extra.yaml: difficulty: unknown field 'difficulty'" in message
    assert "allowed here: name, phase" in message
    nested = VALID.replace("  hold_s: [5, 10]", "  hold_s: [5, 10]\n  tempo: 2")
    message = only_problem(write(tmp_path, "nested", nested))
    assert "dosage.tempo: unknown field 'tempo'" in message
    assert "rep_s" in message


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    message = only_problem(
        write(tmp_path, "syntax", VALID.replace("targets: [neck]", "targets: [neck"))
    )
    assert "syntax.yaml: line " in message
    assert "not valid YAML" in message


def test_an_id_field_is_refused(tmp_path: Path) -> None:
    message = only_problem(write(tmp_path, "with-id", "id: other\n" + VALID))
    assert "id: leave it out" in message


def test_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert "must be a YAML mapping" in only_problem(write(tmp_path, "list", "- a\n- b\n"))


def test_a_bad_file_name_is_a_bad_id(tmp_path: Path) -> None:
    message = only_problem(write(tmp_path, "Towel Nod", VALID))
    assert "id: " in message
    assert "not a slug" in message


def test_clash_with_a_shipped_id_names_both_files(tmp_path: Path) -> None:
    path = write(tmp_path, "row", VALID)
    _, problems = check_files([path], {"row": SHIPPED_DIR / "row.yaml"})
    assert [str(p) for p in problems] == [
        f"{path}: id: 'row' is already defined in {SHIPPED_DIR / 'row.yaml'}"
    ]


def test_variation_must_exist(tmp_path: Path) -> None:
    path = write(tmp_path, "towel-nod", VALID + "harder: levitation\n")
    _, problems = check_files([path], {})
    assert [p.field for p in problems] == ["harder"]
    assert "no exercise has the id 'levitation'" in problems[0].message


def test_rules_across_fields(tmp_path: Path) -> None:
    timed = VALID.replace("  reps: [5, 8]", "  work_s: [60, 120]\n  reps: [5, 8]")
    assert "work_s is for timed activities" in only_problem(write(tmp_path, "timed", timed))
    nothing = VALID.replace("  reps: [5, 8]\n  hold_s: [5, 10]\n", "  sets: [1, 2]\n")
    assert "give at least one of reps" in only_problem(write(tmp_path, "nothing", nothing))
