"""Every shipped exercise is drawn, and every drawing parses, animates and keeps time."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import cairosvg
import pytest

from unknot.catalog.loader import SHIPPED_DIR, check_files, exercise_files
from unknot.domain.exercise import Exercise
from unknot.domain.figure import mirror
from unknot.figures import skeleton as sk
from unknot.figures.animate import animated_svg
from unknot.figures.checks import figure_problems
from unknot.figures.motion import NotInLoop, build_loop, drawn, per_side
from unknot.figures.strip import strip_svg

SVG = "{http://www.w3.org/2000/svg}"
SHIPPED, PROBLEMS = check_files(exercise_files(SHIPPED_DIR), require_figures=True)
IDS = [e.id for e in SHIPPED]
KEYFRAMES = re.compile(r"@keyframes (k\d+)\{((?:[\d.]+%\{transform:[^}]*\})+)\}")
STOP = re.compile(r"([\d.]+)%\{transform:([^}]*)\}")


VERSIONS = [(e.id, v) for e in SHIPPED for v in range(len(e.alternatives))]
VERSION_IDS = [f"{i}/{v}" for i, v in VERSIONS]


def by_id(exercise_id: str) -> Exercise:
    return next(e for e in SHIPPED if e.id == exercise_id)


def expected_duration(exercise: Exercise, version: int = 0) -> float:
    """One loop, worked out from the dosage alone: each direction on each side does one
    repetition of movement plus its holds (at the low end of the hold range)."""
    figure = exercise.figure_for(version)
    assert figure is not None
    dosage = exercise.dosage
    move = figure.cycle_s if dosage.work_s is not None else dosage.rep_s
    assert move is not None
    hold = dosage.hold_s[0] if dosage.hold_s else 0
    total = 0.0
    for direction in dosage.directions or [None]:
        frames = (
            figure.direction_frames[direction]
            if figure.direction_frames and direction
            else figure.frames
        )
        total += move + hold * sum(1 for f in frames if f.hold)
    sides = 2 if exercise.alternative_per_side(exercise.alternatives[version]) else 1
    return sides * total


def animations(svg: str) -> dict[str, list[tuple[float, str]]]:
    return {
        name: [(float(p), value) for p, value in STOP.findall(body)]
        for name, body in KEYFRAMES.findall(svg)
    }


def test_the_shipped_catalog_is_valid_and_every_exercise_has_keyframes() -> None:
    assert PROBLEMS == []
    assert len(SHIPPED) == len(exercise_files(SHIPPED_DIR)) >= 33
    assert all(e.figure is not None and len(e.figure.frames) >= 2 for e in SHIPPED)


def test_every_version_of_every_exercise_is_drawn() -> None:
    """Issue 18: the chair thoracic extension, the dumbbell row, the seated chin tuck and the
    band shrug are drawn as themselves, not as the first version."""
    missing = [f"{i}/{v}" for i, v in VERSIONS if by_id(i).figure_for(v) is None]
    assert missing == []
    chair = by_id("thoracic-extension").figure_for(1)
    assert chair is not None
    assert chair.base == "seated"
    assert chair.prop("chair") is not None
    dumbbell = by_id("row").figure_for(1)
    assert dumbbell is not None
    assert dumbbell.prop("wall") is not None
    assert strip_svg(by_id("row"), version=1) != strip_svg(by_id("row"), version=0)


@pytest.mark.parametrize(("exercise_id", "version"), VERSIONS, ids=VERSION_IDS)
def test_the_animated_figure_parses_animates_and_loops_at_the_dosage(
    exercise_id: str, version: int
) -> None:
    exercise = by_id(exercise_id)
    svg = animated_svg(exercise, version=version)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title") is not None
    assert root.find(f".//{SVG}script") is None
    assert not re.search(r"\son\w+=", svg), "no event handlers: the figure runs no script"
    assert len(svg.encode()) <= 15 * 1024

    duration = float(root.attrib["data-duration"])
    assert duration == pytest.approx(expected_duration(exercise, version))
    assert re.search(rf"\.a\{{animation:{duration:g}s [a-z-]+ infinite", svg)
    assert "@media (prefers-reduced-motion:reduce){.a{animation:none}}" in svg

    found = animations(svg)
    assert found, "something moves"
    for name, stops in found.items():
        assert f"animation-name:{name}" in svg
        assert stops[0][0] == 0
        assert stops[-1][0] == 100
        assert [p for p, _ in stops] == sorted(p for p, _ in stops)
        assert len({value for _, value in stops}) >= 2
    animated = {el.attrib["class"].split()[1] for el in root.iter() if "class" in el.attrib}
    assert animated == set(found)


@pytest.mark.parametrize("exercise_id", [e.id for e in SHIPPED if e.dosage.hold_s])
def test_a_hold_is_still_for_the_hold_time(exercise_id: str) -> None:
    """A joint held away from its rest position stays there for the whole hold: a 5 s hold
    holds for 5 s. (A hand placed before the hold, as in the upper-trapezius stretch, stays
    placed longer.)"""
    exercise = by_id(exercise_id)
    assert exercise.dosage.hold_s is not None
    svg = animated_svg(exercise)
    duration = float(ET.fromstring(svg).attrib["data-duration"])
    longest = 0.0
    for stops in animations(svg).values():
        for (p1, v1), (p2, v2) in itertools.pairwise(stops):
            if v1 == v2 != stops[0][1]:
                longest = max(longest, (p2 - p1) / 100 * duration)
    assert longest >= exercise.dosage.hold_s[0] - 0.01
    # The player starts a hold step at data-hold and a release step at data-release.
    marks = ET.fromstring(svg).attrib
    assert float(marks["data-release"]) - float(marks["data-hold"]) == pytest.approx(
        exercise.dosage.hold_s[0]
    )
    assert 0 < float(marks["data-hold"]) <= exercise.dosage.rep_s


@pytest.mark.parametrize(("exercise_id", "version"), VERSIONS, ids=VERSION_IDS)
def test_the_strip_parses_names_its_poses_and_renders_to_png(
    exercise_id: str, version: int
) -> None:
    exercise = by_id(exercise_id)
    svg = strip_svg(exercise, version=version)
    root = ET.fromstring(svg)
    labels = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert exercise.name in labels[-1]
    label = exercise.alternatives[version].label
    assert label is None or label in labels[-1], "the strip names the version it shows"
    figure = exercise.figure_for(version)
    assert figure is not None
    if figure.beside is not None:
        assert len([t for t in root.iter(f"{SVG}text") if t.get("class") == "c"]) == 2
    seen: list[dict[str, float]] = []
    for frame in figure.frames:
        angles = figure.frame_angles(frame)
        if frame.label and angles not in seen:
            assert any(label.startswith(frame.label) for label in labels), frame.label
        seen.append(angles)
    assert "@keyframes" not in svg
    png = cairosvg.svg2png(bytestring=svg.encode())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 2000


@pytest.mark.parametrize("exercise_id", [e.id for e in SHIPPED if per_side(e)])
def test_the_second_side_is_the_mirror_of_the_first(exercise_id: str) -> None:
    exercise = by_id(exercise_id)
    assert exercise.figure is not None
    loop = build_loop(drawn(exercise))
    left = [k for k in loop.keys if k.side == "left"]
    right = [k for k in loop.keys if k.side == "right"]
    assert len(right) >= len(left) - 1 >= 1
    mirrored = [mirror(k.angles, exercise.figure.view) for k in left]
    assert all(k.angles in mirrored for k in right)
    assert any(k.angles != mirror(k.angles, exercise.figure.view) for k in left)


def test_directions_in_blocks_play_the_frames_backward() -> None:
    exercise = by_id("shoulder-roll")
    assert exercise.figure is not None
    loop = build_loop(drawn(exercise))
    backward = [k.angles for k in loop.keys if k.direction == "backward"]
    forward = [k.angles for k in loop.keys if k.direction == "forward"]
    # Backward runs down, front, up, back; forward comes back through back, up, front.
    assert forward[:3] == [backward[3], backward[2], backward[1]]


def test_highlights_follow_the_targets() -> None:
    neck = animated_svg(by_id("chin-tuck"))
    assert "#f4511e" in neck
    cycling = animated_svg(by_id("cycling"))
    # Cycling lights no body part (its figure says so): the colour is only on the pedal's
    # traced path and its arrow.
    assert cycling.count("#f4511e") == 2


@pytest.mark.parametrize("exercise_id", [e.id for e in SHIPPED if e.figure and e.figure.trace])
def test_a_traced_point_draws_its_path_with_an_arrow(exercise_id: str) -> None:
    exercise = by_id(exercise_id)
    assert exercise.figure is not None
    for svg in (animated_svg(exercise), strip_svg(exercise)):
        paths = re.findall(r'<path d="M([^"]+)" fill="none" stroke="#f4511e"[^>]*dasharray', svg)
        assert len(paths) >= len(exercise.figure.trace)
        assert all(path.count("L") >= 16 for path in paths), "a sampled curve, not a line"
        assert 'd="M0 0L-6 -3.5L-6 3.5Z" fill="#f4511e"' in svg


def test_one_step_can_show_just_its_side_or_direction() -> None:
    stretch = by_id("upper-trapezius-stretch")
    assert stretch.figure is not None
    right = build_loop(drawn(stretch), side="right")
    both = build_loop(drawn(stretch))
    assert {k.side for k in right.keys} == {"right"}
    assert right.duration * 2 == both.duration
    # In the whole loop the right side starts from the left side's last key (the same pose).
    assert [k.angles for k in right.keys[1:]] == [k.angles for k in both.keys if k.side == "right"]

    roll = by_id("shoulder-roll")
    assert roll.figure is not None
    forward = build_loop(drawn(roll), direction="forward")
    assert {k.direction for k in forward.keys} == {"forward"}
    assert forward.duration == roll.dosage.rep_s

    row = by_id("row")  # drawn with a band, done once, though the dumbbell version is per side
    assert row.figure is not None
    assert build_loop(drawn(row), side="left") == build_loop(drawn(row))

    with pytest.raises(NotInLoop, match="a side is left or right, not 'middle'"):
        build_loop(drawn(stretch), side="middle")
    with pytest.raises(NotInLoop, match="shoulder-roll has backward, forward, not 'sideways'"):
        build_loop(drawn(roll), direction="sideways")


def test_the_neck_strength_figures_show_their_movement() -> None:
    """Issue 17: each new neck exercise's two poses differ where its steps say: the tucked head
    leaves the floor; the hands go from the lap to behind the head, which stays still."""
    for exercise_id in ("deep-neck-flexor-endurance", "isometric-neck-extension"):
        assert figure_problems(by_id(exercise_id)) == []
    endurance = by_id("deep-neck-flexor-endurance").figure
    assert endurance is not None
    down, up = (
        sk.place(endurance, endurance.frame_angles(f), frozenset(f.lifted))
        for f in (endurance.frames[0], endurance.frames[-1])
    )
    lift = down.capsules["head"].lowest - up.capsules["head"].lowest
    assert 4 <= lift <= 10, "clear of the floor at phone size, not a sit-up"
    assert up.points["chin"] != down.points["chin"]
    assert endurance.frame_angles(endurance.frames[-1])["head"] > 0  # the chin stays tucked

    extension = by_id("isometric-neck-extension").figure
    assert extension is not None
    rest, press = (sk.place(extension, extension.frame_angles(f)) for f in extension.frames)
    assert rest.points["head_centre"] == press.points["head_centre"]  # the head does not move
    head_x, head_y = press.points["head_centre"]
    hand_x, hand_y = press.points["hand_l"]
    assert hand_x < head_x - sk.HEAD_R / 2, "the hand is behind the head"
    assert abs(hand_y - head_y) <= sk.HEAD_R
    assert rest.points["hand_l"][1] > rest.points["root"][1] - 30  # at rest, down in the lap


NECK_CLOSE_UPS = (
    "neck-roll",
    "chin-tuck",
    "upper-trapezius-stretch",
    "levator-scapulae-stretch",
    "deep-neck-flexor-endurance",
    "isometric-neck-extension",
)
BLADES_FROM_BEHIND = ("scapular-squeeze", "shoulder-roll", "reverse-dumbbell-fly", "face-pull")


@pytest.mark.parametrize("exercise_id", NECK_CLOSE_UPS)
def test_neck_exercises_are_drawn_close_up_with_a_face(exercise_id: str) -> None:
    exercise = by_id(exercise_id)
    for version in exercise.versions_drawn:
        figure = exercise.figure_for(version)
        assert figure is not None
        assert figure.crop == "head", f"{exercise_id}/{version}"
        svg = animated_svg(exercise, version=version)
        root = ET.fromstring(svg)
        assert root.attrib["data-crop"] == "head"
        height = float(root.attrib["viewBox"].split()[3])
        head_height = float(root.attrib["data-head"].split()[3])
        assert head_height / height >= 0.25, "the head fills a good part of the close-up"


def test_a_nod_differs_from_a_retraction_and_from_bending_the_neck() -> None:
    """The chin tuck's nod turns the face down at the top of the neck, the neck staying
    upright: the chin moves down and in more than the crown moves forward."""
    tuck = by_id("chin-tuck").figure_for(1)
    assert tuck is not None
    rest, nod = (sk.place(tuck, tuck.frame_angles(f)) for f in tuck.frames)
    assert nod.points["chin"][1] > rest.points["chin"][1] + 1, "the chin drops"
    assert nod.points["nose"][1] > rest.points["nose"][1] + 2, "the face turns down"
    neck_tilt = abs(tuck.frame_angles(tuck.frames[1])["neck"])
    assert neck_tilt <= 5, "the neck itself stays nearly upright"


@pytest.mark.parametrize("exercise_id", BLADES_FROM_BEHIND)
def test_shoulder_blade_exercises_are_also_seen_from_behind(exercise_id: str) -> None:
    figure = by_id(exercise_id).figure
    assert figure is not None
    assert figure.beside is not None
    assert figure.beside.view == "back"
    svg = animated_svg(by_id(exercise_id))
    assert ET.fromstring(svg).attrib["data-views"] == "2"
    assert 'data-j="blade_l"' in svg
    assert 'data-j="blade_r"' in svg


def test_the_named_figures_hold_what_their_steps_say() -> None:
    """Issue 18's list: the forearms stay on the door frame, the hands on the chair's back,
    cradling the head, behind the thigh, on the wall; the other arm behind the back."""
    pec = by_id("pec-stretch").figure
    assert pec is not None
    assert pec.grips == {"hand_l": "door_frame", "hand_r": "door_frame"}
    rotation = by_id("chair-rotation").figure
    assert rotation is not None
    chair = rotation.prop("chair")
    assert chair is not None
    assert chair.turned
    assert rotation.grips_in(rotation.frames[-1]) == {
        "hand_l": "chair_back",
        "hand_r": "chair_back",
    }
    for version in (0, 1):
        extension = by_id("thoracic-extension").figure_for(version)
        assert extension is not None
        assert extension.grips == {"hand_l": "head", "hand_r": "head"}
        assert "no_neck_extension" in extension.forbid
    knee = by_id("knee-to-chest").figure
    assert knee is not None
    assert set(knee.grips_in(knee.frames[-1]).values()) == {"thigh_l"}
    trapezius = by_id("upper-trapezius-stretch").figure
    assert trapezius is not None
    assert trapezius.behind == ("arm_l",)
    row = by_id("row").figure_for(1)
    assert row is not None
    assert row.grips_in(row.frames[-1]) == {"hand_l": "wall"}
    assert "no_neck_extension" in (by_id("neck-roll").figure or pec).forbid
    # Every one of these passes its checks, so each grip is where it should be at every key.
    for exercise_id in ("pec-stretch", "chair-rotation", "thoracic-extension", "row"):
        assert figure_problems(by_id(exercise_id)) == []


def test_the_spine_curves_in_cat_cow_and_the_hands_and_knees_stay_put() -> None:
    cat_cow = by_id("cat-cow").figure
    assert cat_cow is not None
    assert cat_cow.direction_frames is not None
    first = cat_cow.frame_angles(cat_cow.frames[0])
    rest = sk.place(cat_cow, first)
    for direction, sign in (("round", 1), ("arch", -1)):
        pose = cat_cow.frame_angles(cat_cow.direction_frames[direction][-1])
        assert sign * pose["lumbar"] > 0
        assert sign * pose["spine"] > 0
        held = sk.place(cat_cow, pose)
        for point in ("hand_r", "knee_r", "hand_l", "knee_l"):
            assert abs(held.points[point][0] - rest.points[point][0]) <= 3, (direction, point)
