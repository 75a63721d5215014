"""What `unknot catalog check` asks of a figure beyond its schema (issue 8).

Joint ranges are checked by the schema (domain/figure). Here: the figure fits its dosage
(timed work has a cycle, directions match), the sides mirror cleanly, the loop joins up, and
every pose is physically plausible: the parts that rest on the floor, the seat or the roller
touch it, nothing goes through the floor, and no leg passes through the trunk, at every key
pose and at points between them.
"""

from __future__ import annotations

import itertools
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
    fine = refined(loop).keys
    for key in fine:
        if key not in loop.keys:  # a halfway key: it may lift what rests, not go through
            problems += [(_where(key), m) for m in pose_problems(figure, key, contacts=False)]
    roots = [sk.place(figure, key.angles).points["root"] for key in fine]
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
    body = sk.place(figure, key.angles)
    found: list[str] = []
    if body.lowest > FLOOR_TOLERANCE:
        part = max(body.capsules.values(), key=lambda c: c.lowest).name
        found.append(f"the {_part(part)} is {body.lowest:.0f} cm below the floor")
    for contact in BASE_CONTACTS[figure.base] if contacts else ():
        if contact in key.lifted:
            continue
        surface = _surface(figure, contact)
        gap = sk.contact_height(body, contact) - surface
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
    trunk = [body.capsules["lumbar"], body.capsules["thoracic"]]
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
    "lumbar": "lower back",
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
