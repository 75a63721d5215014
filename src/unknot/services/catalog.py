"""Catalog use cases: list, show, check and describe exercises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from unknot.catalog.loader import SHIPPED_DIR, check_files, exercise_files, load_records
from unknot.catalog.record import ExerciseRecord
from unknot.services.acting import Acting
from unknot.services.errors import FileProblem, UnknownExercise

__all__ = ["CatalogCheck", "ExerciseRecord", "Exercises"]

if TYPE_CHECKING:
    from unknot.domain.exercise import Exercise


@dataclass(frozen=True, slots=True)
class CatalogCheck:
    """What `unknot catalog check` found."""

    checked: int
    valid: int
    problems: list[FileProblem]


class Exercises(Acting):
    """The catalog: the shipped exercises and the person's own."""

    def catalog_records(
        self,
        *,
        phase: str | None = None,
        target: str | None = None,
        equipment: Sequence[str] | None = None,
    ) -> list[ExerciseRecord]:
        """Exercises in their public JSON form, filtered.

        `equipment` keeps exercises that can be done with only the listed items (those that
        need nothing included); None means no equipment filter.
        """
        workspace = self.workspace
        records = load_records(workspace.exercises_dir, workspace.cache_dir)
        have = set(equipment) if equipment is not None else None
        return [
            r
            for r in records
            if (phase is None or r["phase"] == phase)
            and (target is None or target in r["targets"])
            and (have is None or any(set(items) <= have for items in r["equipment"]))
        ]

    def catalog_problems(self) -> list[FileProblem]:
        """What is wrong with each of the person's own exercise files that was left out."""
        from unknot.catalog.loader import load_problems

        return load_problems(self.workspace.exercises_dir, self.workspace.cache_dir)

    def exercise_record(self, exercise_id: str) -> ExerciseRecord:
        """One exercise's public record, or UnknownExercise with the closest ids."""
        records = load_records(self.workspace.exercises_dir, self.workspace.cache_dir)
        for record in records:
            if record["id"] == exercise_id:
                return record

        import difflib

        ids = [r["id"] for r in records]
        raise UnknownExercise(exercise_id, difflib.get_close_matches(exercise_id, ids, n=3))

    def drawn_versions(self) -> dict[str, frozenset[int]]:
        """Per exercise with a figure, the versions that are drawn (issue 18)."""
        return {
            r["id"]: frozenset(r["figure_versions"])
            for r in self.catalog_records()
            if r["figure_versions"]
        }

    def exercises(self) -> dict[str, Exercise]:
        """Every exercise as a domain object, keyed by id."""
        from unknot.catalog.loader import load_exercises

        return load_exercises(self.workspace.exercises_dir, self.workspace.cache_dir)

    def check_catalog(self, folder: Path | None) -> CatalogCheck:
        """Fully validate a folder of exercise files (default: the shipped and the person's own).

        A folder other than the shipped one is checked against the shipped catalog too: its ids
        must not clash with shipped ones, and its variations may name shipped exercises.
        """
        shipped_files = exercise_files(SHIPPED_DIR)
        shipped, problems = check_files(shipped_files, require_figures=True)
        known = {e.id: SHIPPED_DIR / f"{e.id}.yaml" for e in shipped}
        if folder is not None and folder.resolve() == SHIPPED_DIR.resolve():
            return CatalogCheck(len(shipped_files), len(shipped), problems)
        target = folder if folder is not None else self.workspace.exercises_dir
        files = exercise_files(target)
        own, own_problems = check_files(files, known)
        checked = len(files) + (0 if folder is not None else len(shipped_files))
        valid = len(own) + (0 if folder is not None else len(shipped))
        return CatalogCheck(checked, valid, (problems if folder is None else []) + own_problems)

    def catalog_schema(self) -> dict[str, object]:
        """JSON Schema of an exercise file, for people writing their own."""
        from unknot.domain.exercise import Exercise

        schema: dict[str, object] = Exercise.model_json_schema()
        properties = schema["properties"]
        assert isinstance(properties, dict)
        properties.pop("id", None)
        required = schema.get("required", [])
        assert isinstance(required, list)
        schema["required"] = [f for f in required if f != "id"]
        return schema
