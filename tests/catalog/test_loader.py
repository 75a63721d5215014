"""Loading: the person's own exercises beside the shipped ones, and the validation cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.catalog.samples import VALID, write
from unknot.catalog import CatalogError, loader, schema


def test_own_exercises_load_beside_the_shipped(own_exercises: Path, tmp_path: Path) -> None:
    write(own_exercises, "towel-nod", VALID)
    exercises = loader.load_exercises(own_exercises, tmp_path / "cache")
    assert "towel-nod" in exercises
    assert "row" in exercises
    records = loader.load_records(own_exercises, tmp_path / "cache")
    assert [r["id"] for r in records] == list(exercises)


def test_a_broken_own_file_stops_the_load(own_exercises: Path, tmp_path: Path) -> None:
    write(own_exercises, "row", VALID)
    with pytest.raises(CatalogError) as caught:
        loader.load_records(own_exercises, tmp_path / "cache")
    assert "'row' is already defined in" in str(caught.value)


def test_fresh_cache_skips_validation(
    own_exercises: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = loader.load_records(own_exercises, cache)
    parsed: list[Path] = []
    original = schema.parse_file

    def counting(path: Path) -> object:
        parsed.append(path)
        return original(path)

    monkeypatch.setattr(schema, "parse_file", counting)
    assert loader.load_records(own_exercises, cache) == first
    assert parsed == []

    own = write(own_exercises, "towel-nod", VALID)
    assert len(loader.load_records(own_exercises, cache)) == len(first) + 1
    assert own in parsed
    count = len(parsed)

    # An edit that keeps the size but changes the modification time is seen too.
    own.write_text(VALID.replace("[5, 8]", "[6, 8]"), encoding="utf-8")
    stat = own.stat()
    os.utime(own, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    records = loader.load_records(own_exercises, cache)
    assert len(parsed) > count
    nod = next(r for r in records if r["id"] == "towel-nod")
    assert nod["dosage"]["reps"] == [6, 8]


def test_a_corrupt_cache_is_rebuilt(own_exercises: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = loader.load_records(own_exercises, cache)
    for file in cache.iterdir():
        file.write_text("{not json", encoding="utf-8")
    assert loader.load_records(own_exercises, cache) == first


def test_unwritable_cache_still_loads(own_exercises: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    assert len(loader.load_records(own_exercises, blocker)) > 20
