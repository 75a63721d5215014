"""Catalog use cases: list, show, check and describe exercises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unknot.catalog.loader import SHIPPED_DIR, check_files, exercise_files, load_records
from unknot.services.workspace import Workspace

if TYPE_CHECKING:
    from unknot.catalog.problems import Problem
    from unknot.domain.exercise import Exercise


class UnknownExercise(LookupError):
    """No exercise has this id; `suggestions` holds the closest ones."""

    def __init__(self, exercise_id: str, suggestions: list[str]) -> None:
        self.exercise_id = exercise_id
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no exercise has the id {exercise_id!r}{hint}")


def catalog_records(
    workspace: Workspace,
    *,
    phase: str | None = None,
    target: str | None = None,
    equipment: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Exercises in their public JSON form, filtered.

    `equipment` keeps exercises that can be done with only the listed items (those that need
    nothing included); None means no equipment filter.
    """
    records = load_records(workspace.exercises_dir, workspace.cache_dir)
    have = set(equipment) if equipment is not None else None
    return [
        r
        for r in records
        if (phase is None or r["phase"] == phase)
        and (target is None or target in r["targets"])
        and (have is None or any(set(items) <= have for items in r["equipment"]))
    ]


def catalog_problems(workspace: Workspace) -> list[Problem]:
    """What is wrong with each of the person's own exercise files that was left out."""
    from unknot.catalog.loader import load_problems

    return load_problems(workspace.exercises_dir, workspace.cache_dir)


def exercise_record(workspace: Workspace, exercise_id: str) -> dict[str, Any]:
    """One exercise's public record, or UnknownExercise with the closest ids."""
    records = load_records(workspace.exercises_dir, workspace.cache_dir)
    for record in records:
        if record["id"] == exercise_id:
            return record

    import difflib

    ids = [r["id"] for r in records]
    raise UnknownExercise(exercise_id, difflib.get_close_matches(exercise_id, ids, n=3))


def exercises(workspace: Workspace) -> dict[str, Exercise]:
    """Every exercise as a domain object, keyed by id."""
    from unknot.catalog.loader import load_exercises

    return load_exercises(workspace.exercises_dir, workspace.cache_dir)


@dataclass(frozen=True, slots=True)
class CatalogCheck:
    """What `unknot catalog check` found."""

    checked: int
    valid: int
    problems: list[Problem]


def check_catalog(workspace: Workspace, folder: Path | None) -> CatalogCheck:
    """Fully validate a folder of exercise files (default: the shipped and the person's own).

    A folder other than the shipped one is checked against the shipped catalog too: its ids must
    not clash with shipped ones, and its variations may name shipped exercises.
    """
    shipped_files = exercise_files(SHIPPED_DIR)
    shipped, problems = check_files(shipped_files, require_figures=True)
    known = {e.id: SHIPPED_DIR / f"{e.id}.yaml" for e in shipped}
    if folder is not None and folder.resolve() == SHIPPED_DIR.resolve():
        return CatalogCheck(len(shipped_files), len(shipped), problems)
    target = folder if folder is not None else workspace.exercises_dir
    files = exercise_files(target)
    own, own_problems = check_files(files, known)
    checked = len(files) + (0 if folder is not None else len(shipped_files))
    valid = len(own) + (0 if folder is not None else len(shipped))
    return CatalogCheck(checked, valid, (problems if folder is None else []) + own_problems)


def catalog_schema() -> dict[str, Any]:
    """JSON Schema of an exercise file, for people writing their own."""
    from unknot.domain.exercise import Exercise

    schema = Exercise.model_json_schema()
    schema["properties"].pop("id", None)
    schema["required"] = [f for f in schema.get("required", []) if f != "id"]
    return schema
