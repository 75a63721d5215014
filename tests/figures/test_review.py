"""The per-version figure review checklist (issue 18): docs/figures/review.yaml has one filled-in
entry for every version of every shipped exercise, every version has a figure, and every entry
has been read by the reviewing physiotherapist.

The per-entry tests are parametrized by the checklist's entries ("id/version"), so a failure
names the version; `test_the_checklist_covers_every_version_once` makes those entries exactly
the shipped versions, so together they cover every version. Two tests fail until work outside
this file is done: `test_every_version_has_a_figure` until every version is drawn, and
`test_every_entry_has_been_reviewed` until the physiotherapist's notes are recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from unknot.catalog.loader import validate_all
from unknot.domain.exercise import Alternative, Exercise

REVIEW = Path(__file__).parents[2] / "docs" / "figures" / "review.yaml"
FILLED = ("start", "props", "movement", "end", "side", "must_not_show")
KEYS = frozenset({"version", "label", "view", *FILLED, "review"})
OPTIONAL = frozenset({"changed_after_review"})
"""What was redrawn after the physiotherapist's note, where something was."""
VIEWS = frozenset(
    f"{view}{crop}" for view in ("side", "front", "back") for crop in ("", " close-up")
)

Entry = dict[str, Any]


def top_level_ids(text: str) -> list[str]:
    """The checklist's exercise ids as written, repeats included (loading keeps only the last)."""
    root = yaml.compose(text)
    assert isinstance(root, yaml.MappingNode), "review.yaml is a mapping of exercise ids"
    return [str(key.value) for key, _ in root.value]


def load_review() -> dict[str, list[Entry]]:
    data = yaml.safe_load(REVIEW.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "review.yaml is a mapping of exercise ids"
    for exercise_id, entries in data.items():
        assert isinstance(entries, list), f"{exercise_id}: a list of version entries"
        assert all(isinstance(entry, dict) for entry in entries), f"{exercise_id}: mappings"
    return data


REVIEWED = load_review()
ENTRIES = [
    pytest.param(exercise_id, entry, id=f"{exercise_id}/{entry.get('version')}")
    for exercise_id, entries in REVIEWED.items()
    for entry in entries
]


@pytest.fixture(scope="module")
def shipped() -> dict[str, Exercise]:
    """The shipped catalog, fully validated, by id in file order."""
    return {exercise.id: exercise for exercise in validate_all(None)}


def alternative_for(shipped: dict[str, Exercise], exercise_id: str, entry: Entry) -> Alternative:
    """The version an entry describes; fails when the checklist names one that is not shipped."""
    exercise = shipped.get(exercise_id)
    assert exercise is not None, f"review.yaml names {exercise_id!r}, which is not shipped"
    version = entry.get("version")
    assert isinstance(version, int), f"{exercise_id}: version is an index, not {version!r}"
    assert 0 <= version < len(exercise.alternatives), (
        f"{exercise_id} has versions 0 to {len(exercise.alternatives) - 1}, not {version}"
    )
    return exercise.alternatives[version]


def test_the_checklist_covers_every_version_once(shipped: dict[str, Exercise]) -> None:
    ids = top_level_ids(REVIEW.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids)), "an exercise is listed twice"
    assert ids == list(shipped), "one entry list per shipped exercise, in the files' order"
    for exercise_id, exercise in shipped.items():
        versions = [entry.get("version") for entry in REVIEWED[exercise_id]]
        assert versions == list(range(len(exercise.alternatives))), (
            f"{exercise_id}: one entry per version, in order"
        )


@pytest.mark.parametrize(("exercise_id", "entry"), ENTRIES)
def test_each_entry_names_a_shipped_version_and_its_label(
    shipped: dict[str, Exercise], exercise_id: str, entry: Entry
) -> None:
    alternative = alternative_for(shipped, exercise_id, entry)
    assert entry.get("label") == alternative.label


@pytest.mark.parametrize(("exercise_id", "entry"), ENTRIES)
def test_each_entry_is_filled_in(exercise_id: str, entry: Entry) -> None:
    assert KEYS <= set(entry) <= KEYS | OPTIONAL
    assert entry["view"] in VIEWS
    empty = [key for key in FILLED if not isinstance(entry[key], str) or not entry[key].strip()]
    assert empty == [], f"{exercise_id}: fill in {', '.join(empty)}"


@pytest.mark.parametrize(("exercise_id", "entry"), ENTRIES)
def test_every_version_has_a_figure(
    shipped: dict[str, Exercise], exercise_id: str, entry: Entry
) -> None:
    alternative_for(shipped, exercise_id, entry)
    version = entry["version"]
    assert shipped[exercise_id].figure_for(version) is not None, (
        f"{exercise_id} version {version} ({entry['label'] or 'unlabelled'}) is not drawn yet"
    )
    assert version in shipped[exercise_id].versions_drawn


@pytest.mark.parametrize(("exercise_id", "entry"), ENTRIES)
def test_every_entry_has_been_reviewed(exercise_id: str, entry: Entry) -> None:
    review = entry.get("review")
    assert isinstance(review, str), f"{exercise_id}: the physiotherapist's notes are not recorded"
    assert review.strip()
