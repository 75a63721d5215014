"""The use cases: what the command line, the terminal player and the web app ask of unknot.

Interfaces call only this module. Heavy imports happen inside the functions that need them, so a
quick command pays only for what it uses (issue 3: start-up budget).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unknot import locations
from unknot.catalog.loader import SHIPPED_DIR, check_files, exercise_files, load_records

if TYPE_CHECKING:
    from unknot.catalog.problems import Problem
    from unknot.domain.exercise import Exercise
    from unknot.domain.plan import SessionPlan, WeekPlan
    from unknot.domain.profile import Profile


@dataclass(frozen=True, slots=True)
class Workspace:
    """The folders one person's unknot reads and writes."""

    data_dir: Path
    config_dir: Path

    @classmethod
    def from_environment(cls) -> Workspace:
        """Folders from UNKNOT_DATA_DIR / UNKNOT_CONFIG_DIR or the platform's defaults."""
        return cls(data_dir=locations.data_dir(), config_dir=locations.config_dir())

    @property
    def exercises_dir(self) -> Path:
        return locations.user_exercises_dir(self.config_dir)

    @property
    def cache_dir(self) -> Path:
        return locations.cache_dir(self.data_dir)


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
    equipment: list[str] | None = None,
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
    shipped, problems = check_files(shipped_files)
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


class ProfileProblem(ValueError):
    """A profile file or flag is wrong; the message names the field and what is allowed."""


def read_profile(path: Path | None, overrides: dict[str, Any]) -> Profile:
    """A profile from a TOML or JSON file (optional), with command-line values on top.

    Equipment from flags adds to the file's (or the household default of chair, wall, doorway);
    other values replace the file's.
    """
    import tomllib

    from pydantic import ValidationError

    from unknot.domain.profile import Profile

    data: dict[str, Any] = {}
    where = "profile"
    if path is not None:
        where = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ProfileProblem(f"{path}: cannot be read ({error})") from None
        try:
            loaded = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as error:
            kind = "JSON" if path.suffix == ".json" else "TOML"
            raise ProfileProblem(f"{path}: not valid {kind}: {error}") from None
        if not isinstance(loaded, dict):
            raise ProfileProblem(f"{path}: must be a table of field = value")
        data = loaded
    extra_equipment = overrides.pop("equipment", None)
    data.update({k: v for k, v in overrides.items() if v is not None})
    if extra_equipment:
        base = data.get("equipment", sorted(Profile.model_fields["equipment"].get_default()))
        data["equipment"] = [*base, *extra_equipment]
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(profile)"
        message = (
            f"unknown field; allowed: {', '.join(Profile.model_fields)}"
            if first["type"] == "extra_forbidden"
            else first["msg"]
        )
        raise ProfileProblem(f"{where}: {field}: {message}") from None


def make_plan(
    workspace: Workspace, profile: Profile, *, day: dt.date, seed: int = 0
) -> SessionPlan:
    """Today's session for this person (history joins when sessions are stored)."""
    from unknot.domain.planner import build_session

    return build_session(exercises(workspace), profile, day=day, seed=seed)


def make_week(workspace: Workspace, profile: Profile, *, start: dt.date, seed: int = 0) -> WeekPlan:
    """Seven days of sessions and rest days from `start`."""
    from unknot.domain.planner import build_week

    return build_week(exercises(workspace), profile, start=start, seed=seed)
