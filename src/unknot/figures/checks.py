"""What `unknot catalog check` asks of a figure beyond its schema (issue 8).

Joint ranges are checked by the schema (domain/figure). Here: the figure fits its dosage
(timed work has a cycle, directions match), the sides mirror cleanly, the loop joins up, and
every pose is physically plausible: the parts that rest on the floor, the seat or the roller
touch it, nothing goes through the floor, and no leg passes through the trunk, at every key
pose and at points between them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

from unknot.domain.exercise import Exercise
from unknot.domain.figure import BASE_CONTACTS, Angles, Figure, PropKind, View, mirror
from unknot.figures import skeleton as sk
from unknot.figures.motion import Drawn, Key, build_loop, direction_blocks, every_version, refined

CONTACT_TOLERANCE = 3.0
"""cm a resting part may float above or sink into its surface: the drawing's line width."""
FLOOR_TOLERANCE = 1.0
BETWEEN_TOLERANCE = 3.0
"""Between key poses the browser moves the whole figure in a straight line, so allow more."""
SAMPLES = 4

REQUIRED_PROPS: dict[str, PropKind] = {
    "seated": "chair",
    "hanging": "pull_up_bar",
    "cycling": "bike",
}

Problem = tuple[str, str]


def figure_problems(exercise: Exercise) -> list[Problem]:
    """Every problem with each version's figure, as (field, message); none when it has none."""
    problems: list[Problem] = []
    for version in every_version(exercise):
        where = "figure" if version.version == 0 else f"alternatives[{version.version}].figure"
        problems += [
            (field.replace("figure", where, 1), message)
            for field, message in version_problems(version)
        ]
    return _unique(problems)


def version_problems(version: Drawn) -> list[Problem]:
    """Every problem with one version's figure."""
    exercise, figure = version.exercise, version.figure
    problems = list(_fits_dosage(exercise, figure))
    if problems:
        return problems
    problems += list(_joins_up(version))
    loop = build_loop(version)
    checked: list[Angles] = []
    for key in loop.keys:
        if key.angles in checked:
            continue  # the end of a hold, or the same pose again: report it once
        checked.append(key.angles)
        problems += [(_where(key), message) for message in pose_problems(figure, key)]
    if exercise.dosage.work_s is None:  # a gait on the spot moves its feet by design
        problems += _planted(figure, loop.keys)
    fine = refined(loop).keys
    problems += _forbidden(figure, fine)
    for key in fine:
        if key not in loop.keys:  # a halfway key: it may lift what rests, not go through
            problems += [(_where(key), m) for m in pose_problems(figure, key, contacts=False)]
    roots = [sk.place(figure, key.angles, key.lifted).points["root"] for key in fine]
    for index, (before, after) in enumerate(itertools.pairwise(fine)):
        if before.angles == after.angles:
            continue
        for step in range(1, SAMPLES):
            body = _between(figure.view, before, after, roots[index : index + 2], step / SAMPLES)
            if body.lowest > BETWEEN_TOLERANCE:
                part = max(body.capsules.values(), key=lambda c: c.lowest).name
                problems.append(
                    (
                        _where(after),
                        f"on the way to this pose the {_part(part)} goes "
                        f"{body.lowest:.0f} cm through the floor; add a frame in between",
                    )
                )
                break
            crossing = _leg_through_trunk(body)
            if crossing:
                problems.append((_where(after), f"on the way to this pose {crossing}"))
                break
    return _unique(problems)


def pose_problems(figure: Figure, key: Key, *, contacts: bool = True) -> list[str]:
    """What is wrong with one placed pose."""
    body = sk.place(figure, key.angles, key.lifted)
    found: list[str] = []
    if body.lowest > FLOOR_TOLERANCE:
        part = max(body.capsules.values(), key=lambda c: c.lowest).name
        found.append(f"the {_part(part)} is {body.lowest:.0f} cm below the floor")
    for contact in BASE_CONTACTS[figure.base] if contacts else ():
        if contact in key.lifted:
            continue
        surface = _surface(figure, contact)
        if contact == "back" and figure.prop("foam_roller") is not None:
            # On a roller the back rests where the roller is: across the mid back.
            height = -(body.points["thorax"][1] + sk.RADIUS["thoracic_low"])
        else:
            height = sk.contact_height(body, contact)
        gap = height - surface
        if abs(gap) > CONTACT_TOLERANCE:
            where = "above" if gap > 0 else "below"
            on = {0.0: "the floor"}.get(surface, "its support")
            found.append(
                f"the {_part(contact)} is {abs(gap):.0f} cm {where} {on}; change the angles so "
                f"it rests there, or list it under `lifted`"
            )
    crossing = _leg_through_trunk(body)
    if crossing:
        found.append(crossing)
    for hand, grip in key.grips:
        gap = grip_gap(figure, body, hand, grip, mirrored=key.side == "right")
        if gap > GRIP_TOLERANCE:
            found.append(
                f"the {_part(hand)} should be on the {_part(grip)} but is {gap:.0f} cm from it"
            )
    return found


PLANT_TOLERANCE = 3.0
"""cm a planted hand, knee or foot may slide between key poses (the drawing's line width)."""
GRIP_TOLERANCE = 4.0
"""cm between a hand and what it holds: a hand's own thickness."""
PLANTED = ("hand_l", "hand_r", "knee_l", "knee_r", "heel_l", "heel_r")


def _planted(figure: Figure, keys: tuple[Key, ...]) -> list[Problem]:
    """A hand, knee or foot resting on the floor stays where it was put (cat-cow's hands and
    knees do not slide while the back moves)."""
    contacts = BASE_CONTACTS[figure.base]
    points = {
        "hand_l": "hand_l",
        "hand_r": "hand_r",
        "knee_l": "knee_l",
        "knee_r": "knee_r",
        "sole_l": "heel_l",
        "sole_r": "heel_r",
    }
    first: dict[str, tuple[float, sk.Point]] = {}
    reported: set[str] = set()
    found: list[Problem] = []
    for key in keys:
        body = sk.place(figure, key.angles, key.lifted)
        for contact in contacts:
            if contact not in points or contact in key.lifted:
                continue
            where = body.points[points[contact]]
            if abs(sk.contact_height(body, contact)) > CONTACT_TOLERANCE:
                continue  # not resting here at all: pose_problems says so
            if contact not in first:
                first[contact] = (key.t, where)
                continue
            since, start = first[contact]
            moved = abs(where[0] - start[0])
            if moved > PLANT_TOLERANCE and contact not in reported:
                reported.add(contact)
                found.append(
                    (
                        _where(key),
                        f"the {_part(contact)} slides {moved:.0f} cm from where it rested at "
                        f"{since:g} s; keep it planted, or list it under `lifted`",
                    )
                )
    return found


def grip_gap(
    figure: Figure, body: sk.Body, hand: str, grip: str, *, mirrored: bool = False
) -> float:
    """How far (cm) a hand is from what it should hold; `mirrored` for the other side's loop,
    where a chair sat on sideways is turned the other way."""
    x, y = body.points[hand]
    if grip == "head":
        cx, cy = body.points["head_centre"]
        return max(0.0, math.hypot(x - cx, y - cy) - sk.HEAD_R - 2)
    if grip.startswith(("thigh_", "knee_")):
        side = grip[-1]
        if grip.startswith("knee_"):
            kx, ky = body.points[f"knee_{side}"]
            return max(0.0, math.hypot(x - kx, y - ky) - sk.RADIUS["thigh"])
        start, end = body.points[f"thigh_{side}"], body.points[f"knee_{side}"]
        return max(0.0, _to_segment((x, y), start, end) - sk.RADIUS["thigh"] - 1)
    if grip == "door_frame":
        prop = figure.prop("doorway")
        # The post is 9 cm deep from its x; the forearm lies along it: hand and elbow both on it.
        post = (prop.x if prop is not None and prop.x is not None else 30.0) + 4.5
        ex, _ = body.points[hand.replace("hand", "elbow")]
        return max(0.0, max(abs(x - post), abs(ex - post)) - 6.5)
    if grip == "chair_back":
        chair = figure.prop("chair")
        if figure.view == "side" or (chair is not None and chair.turned):
            post = sk.CHAIR_BACK_X if figure.view == "side" else sk.TURNED_CHAIR_BACK_X
            post = -post if mirrored and figure.view != "side" else post
            return max(0.0, abs(x - post) - 4, y - -50, -100 - y)
        return max(0.0, y - -55, -96 - y, abs(x) - 24)
    if grip == "wall":
        prop = figure.prop("wall")
        wall_x = prop.x if prop is not None and prop.x is not None else -24.0
        return max(0.0, abs(x - wall_x) - 4)
    raise ValueError(f"unknown grip {grip!r}")


def _to_segment(p: sk.Point, a: sk.Point, b: sk.Point) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length = dx * dx + dy * dy
    f = 0.0 if length == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length))
    return math.hypot(p[0] - (ax + f * dx), p[1] - (ay + f * dy))


def _forbidden(figure: Figure, keys: tuple[Key, ...]) -> list[Problem]:
    """Movements the figure must never show; between keys the angles move in straight lines,
    so the keys and the halfway keys cover every moment."""
    found: list[Problem] = []
    if "no_neck_extension" in figure.forbid:
        for key in keys:
            if figure.view == "side":
                tipped = key.angles["neck"] + key.angles["head"] < 0
            else:
                tipped = key.angles.get("nod", 0.0) < 0
            if tipped:
                found.append((_where(key), "the head tips back here: this movement never does"))
    return found


def _surface(figure: Figure, contact: str) -> float:
    if contact == "seat":
        return sk.SADDLE_HEIGHT if figure.base == "cycling" else sk.SEAT_HEIGHT
    if contact == "back" and figure.prop("foam_roller") is not None:
        return 2 * sk.ROLLER_R
    return 0.0


def _fits_dosage(exercise: Exercise, figure: Figure) -> Iterator[Problem]:
    dosage = exercise.dosage
    if dosage.work_s is not None and figure.cycle_s is None:
        yield ("figure.cycle_s", "is required for timed work: one cycle's time in seconds")
    needed = REQUIRED_PROPS.get(figure.base)
    if needed and figure.prop(needed) is None:
        yield ("figure.props", f"the {figure.base} base needs a {needed}")
    directions = list(dosage.directions or [])
    if figure.direction_frames is not None:
        if not directions:
            yield ("figure.direction_frames", "the dosage has no directions; use `frames`")
        elif set(figure.direction_frames) != set(directions):
            yield (
                "figure.direction_frames",
                f"give frames for exactly the dosage's directions: {', '.join(directions)}",
            )
    if figure.path == "pass" and len(directions) % 2:
        yield (
            "figure.path",
            "a pass runs one way and comes back the next direction: the dosage needs an even "
            "number of directions",
        )


def _joins_up(version: Drawn) -> Iterator[Problem]:
    exercise, figure = version.exercise, version.figure
    first = figure.frame_angles(figure.frames[0])
    if version.per_side and not _same(first, mirror(first, figure.view)):
        yield (
            "figure.frames[0]",
            "a per-side exercise starts from a pose that is the same on both sides; the right "
            "side is mirrored from the left",
        )
    blocks = direction_blocks(exercise, figure)
    ends: list[tuple[Angles, Angles]] = []
    for _, frames in blocks:
        start = figure.frame_angles(frames[0])
        end = start if figure.path == "cycle" else figure.frame_angles(frames[-1])
        ends.append((start, end))
    for index, ((_, end), (start, _)) in enumerate(zip(ends, ends[1:] + ends[:1], strict=True)):
        if not _same(end, start):
            name = (exercise.dosage.directions or ["frames"])[(index + 1) % len(ends)]
            yield (
                f"figure.direction_frames.{name}",
                "must start in the pose the previous direction ends in",
            )


def _same(a: Angles, b: Angles) -> bool:
    return all(abs(a[k] - b[k]) < 0.01 for k in a)


def _between(view: View, before: Key, after: Key, roots: list[sk.Point], f: float) -> sk.Body:
    """The pose the browser shows a fraction f of the way between two keys."""
    start, end = roots
    angles = {k: v + (after.angles[k] - v) * f for k, v in before.angles.items()}
    root = (start[0] + (end[0] - start[0]) * f, start[1] + (end[1] - start[1]) * f)
    return sk.pose_body(view, angles, root)


def _leg_through_trunk(body: sk.Body) -> str | None:
    trunk = [body.capsules[name] for name in ("lumbar", "thoracic_low", "thoracic")]
    for side in ("l", "r"):
        for name in (f"thigh_{side}", f"shin_{side}", f"foot_{side}"):
            leg = body.capsules[name]
            for part in trunk:
                if _shares_end(leg, part):
                    continue
                if _crosses(leg.start, leg.end, part.start, part.end):
                    return f"the {_part(name)} passes through the {_part(part.name)}"
    return None


def _shares_end(a: sk.Capsule, b: sk.Capsule) -> bool:
    ends = (a.start, a.end)
    return any(abs(p[0] - q[0]) + abs(p[1] - q[1]) < 0.5 for p in ends for q in (b.start, b.end))


def _crosses(p1: sk.Point, p2: sk.Point, q1: sk.Point, q2: sk.Point) -> bool:
    """Whether two segments cross at a point inside both (touching ends do not count)."""

    def side(a: sk.Point, b: sk.Point, c: sk.Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = side(q1, q2, p1), side(q1, q2, p2)
    d3, d4 = side(p1, p2, q1), side(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


_NAMES = {
    "pelvis": "pelvis",
    "lumbar": "lower back",
    "thoracic_low": "mid back",
    "thoracic": "upper back",
    "upper_arm": "upper arm",
    "seat": "seat of the pelvis",
    "back": "upper back",
}


def _part(name: str) -> str:
    side = {"_l": "left ", "_r": "right "}.get(name[-2:], "")
    stem = name[:-2] if side else name
    return side + _NAMES.get(stem, stem.replace("_", " "))


def _where(key: Key) -> str:
    parts = ["figure", f"at {key.t:g} s"]
    if key.side:
        parts.append(f"{key.side} side")
    if key.direction:
        parts.append(key.direction.replace("_", " "))
    if key.label:
        parts.append(f"({key.label})")
    return " ".join(parts)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
