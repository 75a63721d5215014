"""The figure model: shorthand angles, mirroring, and human ranges."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from unknot.domain.figure import Figure, angle_range, expand, joint_names, mirror


def test_a_limb_name_sets_both_sides_and_a_sided_name_overrides_it() -> None:
    assert expand({"knee": 90, "knee_r": 10}) == {"knee_l": 90, "knee_r": 10}


def test_mirroring_swaps_sides_and_in_the_front_view_the_lean() -> None:
    pose: dict[str, float] = {"shoulder_l": 150, "shoulder_r": 0, "neck": -30, "nod": 20}
    assert mirror(pose, "front") == {"shoulder_r": 150, "shoulder_l": 0, "neck": 30, "nod": 20}
    assert mirror(pose, "side") == {"shoulder_r": 150, "shoulder_l": 0, "neck": -30, "nod": 20}
    assert mirror(mirror(pose, "front"), "front") == pose


def test_every_named_angle_has_a_range() -> None:
    for view in ("side", "front"):
        for name in joint_names(view):
            low, high = angle_range(view, name)
            assert low < high
    assert "nod" in joint_names("front")
    assert "nod" not in joint_names("side")


def test_frames_are_base_then_figure_then_frame() -> None:
    figure = Figure(
        base="seated", props=["chair"], pose={"elbow": 40}, frames=[{}, {"pose": {"elbow_r": 90}}]
    )
    angles = figure.frame_angles(figure.frames[1])
    assert (angles["hip_l"], angles["knee_r"]) == (90, 90)  # the seated base
    assert (angles["elbow_l"], angles["elbow_r"]) == (40, 90)


def test_a_segment_turned_out_of_the_plane_is_not_range_checked() -> None:
    with pytest.raises(ValidationError, match="shoulder_l is -90°, outside the human range"):
        Figure(base="standing", frames=[{}, {"pose": {"shoulder_l": -90}}])
    Figure(base="standing", frames=[{}, {"pose": {"shoulder_l": -90, "arm_depth_l": 70}}])


def test_the_front_view_draws_only_upright_bases() -> None:
    with pytest.raises(ValidationError, match="draw lying_back from the side"):
        Figure(view="front", base="lying_back", frames=[{}, {}])
