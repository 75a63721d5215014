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


def test_a_broken_own_file_is_left_out_and_named(own_exercises: Path, tmp_path: Path) -> None:
    """Issue 13: one typo in the person's own folder made every catalog page answer 500."""
    write(own_exercises, "row", VALID)  # clashes with a shipped id
    write(own_exercises, "typo", "name: [")
    write(own_exercises, "towel-nod", VALID)
    # Variations of a left-out exercise are left out too, down the chain.
    write(own_exercises, "easier-typo", VALID + "harder: typo\n")
    write(own_exercises, "easiest-typo", VALID + "harder: easier-typo\n")
    cache = tmp_path / "cache"
    for _ in range(2):  # validated, then read from the cache
        ids = [r["id"] for r in loader.load_records(own_exercises, cache)]
        assert "towel-nod" in ids
        assert ids.count("row") == 1
        assert not {"typo", "easier-typo", "easiest-typo"} & set(ids)
        assert set(loader.load_exercises(own_exercises, cache)) == set(ids)
        problems = {p.path.name: str(p) for p in loader.load_problems(own_exercises, cache)}
        assert set(problems) == {"row.yaml", "typo.yaml", "easier-typo.yaml", "easiest-typo.yaml"}
        assert "'row' is already defined in" in problems["row.yaml"]
        assert "is not valid YAML" in problems["typo.yaml"]
        assert "no exercise has the id 'typo'" in problems["easier-typo.yaml"]
        assert "names an exercise that was left out" in problems["easiest-typo.yaml"]
    # Fixed, it comes back, and nothing is named any more.
    write(own_exercises, "typo", VALID)
    write(own_exercises, "row", "")
    (own_exercises / "row.yaml").unlink()
    ids = [r["id"] for r in loader.load_records(own_exercises, cache)]
    assert {"typo", "easier-typo", "easiest-typo"} <= set(ids)
    assert loader.load_problems(own_exercises, cache) == []


def test_a_broken_shipped_file_still_stops_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shipped file is unknot's own: broken, it is a bug to fix, not an exercise to skip."""
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    write(shipped, "towel-nod", VALID)  # shipped files must have figures
    monkeypatch.setattr(loader, "SHIPPED_DIR", shipped)
    with pytest.raises(CatalogError) as caught:
        loader.load_records(None, tmp_path / "cache")
    assert "figure: is required" in str(caught.value)


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
