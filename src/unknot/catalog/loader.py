"""Finding, validating and caching exercise files.

Full validation (YAML parsing and the pydantic schema) runs in `unknot catalog check`, in the
tests, and whenever a file was added, removed or changed since the last validated load; other
loads read a cache keyed by each file's path, modification time and size (issue 3). Within one
process the parsed catalog is kept while neither the exercise files nor the cache file change:
every page and API call that plans or plays needs the domain objects, and building them
validates each figure's keyframes (issue 8).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unknot import __version__
from unknot.catalog.problems import CatalogError, FileProblem

if TYPE_CHECKING:
    from unknot.catalog.record import ExerciseRecord
    from unknot.domain.exercise import Exercise

SHIPPED_DIR = Path(__file__).parent / "data"
CACHE_FORMAT = 4


def exercise_files(folder: Path | None) -> list[Path]:
    """The exercise files in a folder, sorted; none when the folder does not exist."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".yaml" and p.is_file())


def check_files(
    files: list[Path], known: dict[str, Path] | None = None, *, require_figures: bool = False
) -> tuple[list[Exercise], list[FileProblem]]:
    """Validate files one by one, then across them: unique ids and existing variations.

    `known` maps ids validated elsewhere (the shipped catalog) to their files, for clashes and
    for `easier`/`harder` references to them. Every figure is checked for plausible poses;
    `require_figures` (the shipped catalog) makes a missing figure a problem (issue 8).
    """
    from unknot.catalog.schema import parse_file
    from unknot.figures.checks import figure_problems

    exercises: list[Exercise] = []
    problems: list[FileProblem] = []
    seen: dict[str, Path] = dict(known or {})
    origin: dict[str, Path] = {}
    for path in files:
        exercise, found = parse_file(path)
        problems.extend(found)
        if exercise is None:
            continue
        if exercise.id in seen and seen[exercise.id] != path:
            problems.append(
                FileProblem(
                    path, "id", f"{exercise.id!r} is already defined in {seen[exercise.id]}"
                )
            )
            continue
        seen[exercise.id] = path
        origin[exercise.id] = path
        figure_found = [
            FileProblem(path, field, message) for field, message in figure_problems(exercise)
        ]
        if require_figures and exercise.figure is None:
            figure_found.append(
                FileProblem(path, "figure", "is required: every shipped exercise has keyframes")
            )
        problems.extend(figure_found)
        if figure_found:
            continue
        exercises.append(exercise)
    for exercise in exercises:
        for field in ("easier", "harder", "variation_of"):
            target = getattr(exercise, field)
            if target is not None and target not in seen:
                problems.append(
                    FileProblem(origin[exercise.id], field, f"no exercise has the id {target!r}")
                )
    return exercises, problems


def validate_all(user_dir: Path | None) -> list[Exercise]:
    """Fully validate the shipped files and the person's own; raise CatalogError on any problem."""
    exercises, problems = validate_usable(user_dir)
    if problems:
        raise CatalogError(problems)
    return exercises


def validate_usable(user_dir: Path | None) -> tuple[list[Exercise], list[FileProblem]]:
    """The shipped exercises and the person's own that are sound, and what is wrong with the rest.

    A broken shipped file is unknot's own bug and raises CatalogError. A broken file in the
    person's own folder only leaves that exercise out (issue 13: a typo in one file made every
    catalog, plan and exercise page answer 500): so does an exercise whose `easier`, `harder` or
    `variation_of` names one that was left out, repeated until nothing else depends on a gap.
    """
    shipped, problems = check_files(exercise_files(SHIPPED_DIR), require_figures=True)
    if problems:
        raise CatalogError(problems)
    known = {e.id: SHIPPED_DIR / f"{e.id}.yaml" for e in shipped}
    own, problems = check_files(exercise_files(user_dir), known)
    broken = {p.path for p in problems}
    kept = [e for e in own if _origin(e, user_dir) not in broken]
    while True:
        ids = set(known) | {e.id for e in kept}
        dangling = [
            e
            for e in kept
            if any(
                (target := getattr(e, field)) is not None and target not in ids
                for field in ("easier", "harder", "variation_of")
            )
        ]
        if not dangling:
            break
        for exercise in dangling:
            problems.append(
                FileProblem(
                    _origin(exercise, user_dir),
                    "exercise",
                    "left out: it names an exercise that was left out",
                )
            )
        kept = [e for e in kept if e not in dangling]
    return shipped + kept, problems


def _origin(exercise: Exercise, user_dir: Path | None) -> Path:
    assert user_dir is not None
    return user_dir / f"{exercise.id}.yaml"


def _fingerprint(user_dir: Path | None) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for path in exercise_files(SHIPPED_DIR) + exercise_files(user_dir):
        stat = path.stat()
        rows.append([str(path), stat.st_mtime_ns, stat.st_size])
    return rows


def _cache_file(cache_dir: Path) -> Path:
    return cache_dir / f"catalog-{__version__}.json"


def _read_cache(cache_dir: Path | None, fingerprint: list[list[Any]]) -> dict[str, Any] | None:
    if cache_dir is None:
        return None
    try:
        cached = json.loads(_cache_file(cache_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(cached, dict) or cached.get("format") != CACHE_FORMAT:
        return None
    if cached.get("fingerprint") != fingerprint:
        return None
    return cached


def _write_cache(cache_dir: Path, content: dict[str, Any]) -> None:
    target = _cache_file(cache_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(content), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        # A cache that cannot be written only costs the next start a validation.
        pass


@dataclass
class _Loaded:
    """One parsed catalog, and what it was read from."""

    stamp: tuple[Any, ...]
    content: dict[str, Any]
    exercises: dict[str, Exercise] | None = None


# The last catalog each (own folder, cache folder) pair loaded in this process.
_LOADED: dict[tuple[str, str], _Loaded] = {}


def _cache_stamp(cache_dir: Path | None) -> tuple[int, int] | None:
    if cache_dir is None:
        return None
    try:
        stat = _cache_file(cache_dir).stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _refresh(user_dir: Path | None, cache_dir: Path | None) -> _Loaded:
    fingerprint = _fingerprint(user_dir)
    key = (str(user_dir), str(cache_dir))
    known = _LOADED.get(key)
    if known is not None and known.stamp == (fingerprint, _cache_stamp(cache_dir)):
        return known
    cached = _read_cache(cache_dir, fingerprint)
    if cached is not None:
        loaded = _Loaded((fingerprint, _cache_stamp(cache_dir)), cached)
    else:
        from unknot.catalog.record import public_record

        exercises, problems = validate_usable(user_dir)
        content = {
            "format": CACHE_FORMAT,
            "fingerprint": fingerprint,
            "problems": [[str(p.path), p.field, p.message] for p in problems],
            "records": [public_record(e) for e in exercises],
            "exercises": [e.model_dump(mode="json") for e in exercises],
        }
        if cache_dir is not None:
            _write_cache(cache_dir, content)
        stamp = (fingerprint, _cache_stamp(cache_dir))
        loaded = _Loaded(stamp, content, {e.id: e for e in exercises})
    _LOADED[key] = loaded
    return loaded


def load_records(user_dir: Path | None, cache_dir: Path | None) -> list[ExerciseRecord]:
    """The public JSON form of every exercise; cheap when the cache is fresh (no pydantic)."""
    records: list[ExerciseRecord] = _refresh(user_dir, cache_dir).content["records"]
    return list(records)


def load_problems(user_dir: Path | None, cache_dir: Path | None) -> list[FileProblem]:
    """What is wrong with the person's own exercise files that were left out of the catalog."""
    rows = _refresh(user_dir, cache_dir).content["problems"]
    return [FileProblem(Path(path), field, message) for path, field, message in rows]


def load_exercises(user_dir: Path | None, cache_dir: Path | None) -> dict[str, Exercise]:
    """Every exercise as a domain object, keyed by id, in catalog order."""
    from unknot.domain.exercise import Exercise

    loaded = _refresh(user_dir, cache_dir)
    if loaded.exercises is None:
        exercises = (Exercise.model_validate(data) for data in loaded.content["exercises"])
        loaded.exercises = {e.id: e for e in exercises}
    return dict(loaded.exercises)
