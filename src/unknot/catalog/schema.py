"""The exercise file format: one YAML mapping per file, named `<id>.yaml`.

The mapping's keys are the fields of `unknot.domain.exercise.Exercise` except `id`, which is the
file name; any other key is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from unknot.catalog.problems import FileProblem
from unknot.domain.exercise import Alternative, Dosage, Exercise
from unknot.domain.figure import Figure, Keyframe, Prop


def parse_file(path: Path) -> tuple[Exercise | None, list[FileProblem]]:
    """Read and fully validate one exercise file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [FileProblem(path, "(file)", f"cannot be read: {error}")]
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        reason = getattr(error, "problem", None) or str(error)
        return None, [FileProblem(path, where, f"is not valid YAML: {reason}")]
    if not isinstance(data, dict):
        return None, [FileProblem(path, "(file)", "must be a YAML mapping of field: value")]
    if "id" in data:
        return None, [FileProblem(path, "id", "leave it out: the id is the file name")]
    return from_mapping(path, data)


def from_mapping(path: Path, data: dict[str, Any]) -> tuple[Exercise | None, list[FileProblem]]:
    """Validate an already-parsed mapping as the exercise stored at `path`."""
    try:
        return Exercise.model_validate({**data, "id": path.stem}), []
    except ValidationError as error:
        errors = error.errors()
        return None, [
            FileProblem(path, _field_path(e["loc"]), _message(e))
            for e in errors
            if not _explained_deeper(e, errors)
        ]


def _explained_deeper(error: Any, errors: list[Any]) -> bool:
    """A list reported "too short" only because its items failed: the item errors say more."""
    loc = error["loc"]
    return error["type"] == "too_short" and any(
        len(other["loc"]) > len(loc) and other["loc"][: len(loc)] == loc for other in errors
    )


def _field_path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


# Which model a field path lands in, so an unknown key can be answered with the allowed ones.
_NESTED: dict[str, type[BaseModel]] = {
    "dosage": Dosage,
    "alternatives": Alternative,
    "figure": Figure,
    "frames": Keyframe,
    "direction_frames": Keyframe,
    "props": Prop,
}


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        loc = [p for p in error["loc"] if isinstance(p, str)]
        model: type[BaseModel] = Exercise
        for part in loc[:-1]:
            model = _NESTED.get(part, model)
        allowed = ", ".join(f for f in model.model_fields if f != "id")
        return f"unknown field {loc[-1]!r}; allowed here: {allowed}"
    if error["type"] == "missing":
        return "is required"
    return str(error["msg"])
