"""A broken figure is reported by `catalog check` with the file, the place and the fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.catalog.samples import VALID, write
from unknot.catalog.loader import check_files
from unknot.cli import app

SEATED = """\
figure:
  base: seated
  props: [chair]
  frames:
    - label: Tall
    - {pose: {neck: 15, head: 10}, hold: true, label: Nod}
"""


def problems(folder: Path, text: str, *, shipped: bool = False) -> list[str]:
    path = write(folder, "towel-nod", text)
    exercises, found = check_files([path], {}, require_figures=shipped)
    assert (exercises == []) == bool(found)
    return [str(p) for p in found]


def test_a_good_figure_passes(tmp_path: Path) -> None:
    assert problems(tmp_path, VALID + SEATED) == []


def test_a_shipped_exercise_must_have_a_figure(tmp_path: Path) -> None:
    assert problems(tmp_path, VALID) == []
    (found,) = problems(tmp_path, VALID, shipped=True)
    assert "figure: is required" in found


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("neck: 15", "knee: -30"), "knee_l is -30°, outside the human range 0° to 160°"),
        (("neck: 15", "elbo: 30"), "unknown angle 'elbo' for the side view; known:"),
        (("hold: true", "hold: true, lean: 3"), "unknown field 'lean'; allowed here: pose, hold"),
        (("base: seated", "base: sitting"), "'standing', 'seated'"),
        (("props: [chair]", "props: [trampoline]"), "'chair', 'wall'"),
        (("  base: seated", "  view: front\n  base: seated\n  pose: {body: 60}"), "body is 60°"),
    ],
)
def test_schema_errors_name_the_field(tmp_path: Path, change: tuple[str, str], words: str) -> None:
    (found,) = problems(tmp_path, VALID + SEATED.replace(*change))
    assert "towel-nod.yaml: figure" in found
    assert words in found


def test_a_foot_through_the_floor_is_caught(tmp_path: Path) -> None:
    found = problems(tmp_path, VALID + SEATED.replace("neck: 15", "hip: 65"))
    assert any("left foot is" in p and "below the floor" in p for p in found)
    assert any("left sole is" in p and "below the floor; change the angles" in p for p in found)
    assert all(re.search(r"towel-nod\.yaml: figure at [\d.]+ s( \(\w+\))?: ", p) for p in found)
    assert not any("(Tall): the" in p for p in found), "the good pose itself is not blamed"


def test_a_foot_in_the_air_must_be_listed_as_lifted(tmp_path: Path) -> None:
    text = VALID + SEATED.replace("neck: 15", "knee_r: 40")
    (found,) = problems(tmp_path, text)
    assert "right sole is 14 cm above the floor" in found
    assert "or list it under `lifted`" in found
    assert problems(tmp_path, text.replace("hold: true,", "hold: true, lifted: [sole_r],")) == []


def test_a_leg_through_the_trunk_is_caught(tmp_path: Path) -> None:
    lying = """\
figure:
  base: lying_back
  frames:
    - label: Flat
    - pose: {hip_r: 190, knee_r: 60, thigh_depth_r: 50}
"""
    found = problems(tmp_path, VALID + lying)
    assert any("the right shin passes through the mid back" in p for p in found)


def test_the_figure_must_fit_the_dosage(tmp_path: Path) -> None:
    timed = VALID.replace("  reps: [5, 8]\n  hold_s: [5, 10]", "  work_s: [60, 120]")
    (found,) = problems(tmp_path, timed + SEATED)
    assert "figure.cycle_s: is required for timed work" in found

    directions = VALID.replace("  reps: [5, 8]", "  reps: [5, 8]\n  directions: [up, down]")
    wrong = SEATED + "  direction_frames:\n    up: [{}, {pose: {neck: 5}}]\n"
    (found,) = problems(tmp_path, directions + wrong)
    assert "give frames for exactly the dosage's directions: up, down" in found

    (found,) = problems(tmp_path, VALID + SEATED.replace("props: [chair]", "props: []"))
    assert "the seated base needs a chair" in found


def test_a_per_side_figure_starts_symmetric(tmp_path: Path) -> None:
    sided = VALID.replace("  hold_s: [5, 10]", "  hold_s: [5, 10]\n  per_side: true")
    lopsided = SEATED.replace("- label: Tall", "- {pose: {shoulder_l: 30}, label: Tall}")
    found = problems(tmp_path, sided + lopsided)
    assert any("starts from a pose that is the same on both sides" in p for p in found)
    assert problems(tmp_path, sided + SEATED) == []


def test_catalog_check_reports_a_broken_figure_and_exits_1(tmp_path: Path) -> None:
    write(tmp_path, "towel-nod", VALID + SEATED.replace("neck: 15", "hip: 65"))
    result = CliRunner().invoke(app, ["catalog", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "towel-nod.yaml: figure at 1.5 s (Nod)" in result.output
    assert "below the floor" in result.output


# -- issue 18: what the figure must show, checked ----------------------------------------------

FOURS = """\
figure:
  base: all_fours
  frames:
    - label: Flat
    - {pose: {spine: 30}, hold: true, label: Round}
"""


def test_a_planted_hand_that_slides_is_caught(tmp_path: Path) -> None:
    """Rounding the back without tipping the pelvis drags the hands: cat-cow's old figure."""
    found = problems(tmp_path, VALID + FOURS)
    assert any("hand slides" in p and "keep it planted" in p for p in found)


def test_a_hand_that_should_hold_the_head_must_touch_it(tmp_path: Path) -> None:
    holding = SEATED.replace(
        "    - label: Tall\n", "    - label: Tall\n      grips: {hand_r: head}\n"
    )
    found = problems(tmp_path, VALID + holding)
    assert any("the right hand should be on the head but is" in p for p in found)


def test_a_head_that_tips_back_is_caught_where_the_figure_forbids_it(tmp_path: Path) -> None:
    tipping = SEATED.replace("{neck: 15, head: 10}", "{neck: -10, head: -5}")
    assert problems(tmp_path, VALID + tipping) == []
    forbidden = tipping.replace(
        "  props: [chair]\n", "  props: [chair]\n  forbid: [no_neck_extension]\n"
    )
    found = problems(tmp_path, VALID + forbidden)
    assert any("the head tips back here" in p for p in found)


def test_a_second_view_must_move_in_step(tmp_path: Path) -> None:
    beside = SEATED + "  beside:\n    view: back\n    base: seated\n    props: [chair]\n"
    (found,) = problems(tmp_path, VALID + beside + "    frames: [{}]\n")
    assert "figure.beside.frames: Tuple should have at least 2 items" in found
    (found,) = problems(tmp_path, VALID + beside + "    frames: [{}, {}, {}]\n")
    assert "same path and number of frames" in found
    assert problems(tmp_path, VALID + beside + "    frames: [{}, {hold: true}]\n") == []


def test_a_version_drawn_like_another_names_a_real_version(tmp_path: Path) -> None:
    two = VALID.replace(
        "    position: seated\n",
        "    position: seated\n  - equipment: []\n    position: standing\n    figure: {like: 3}\n",
    )
    (found,) = problems(tmp_path, two + SEATED)
    assert "alternatives[1].figure.like: 3 is not another version; use 0 to 1" in found
    standing = two.replace("{like: 3}", "{base: standing, props: []}")
    assert problems(tmp_path, standing + SEATED) == []
    (exercise,), _ = check_files([tmp_path / "towel-nod.yaml"], {})
    drawn = exercise.figure_for(1)
    assert drawn is not None
    assert drawn.base == "standing"
    assert drawn.props == ()
