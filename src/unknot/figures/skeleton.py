"""The figure's body: segments, their lengths, and where each joint lands for a pose.

Units are centimetres in SVG's orientation: x to the right, y down, the floor at y = 0, so a
height above the floor is a negative y. Every segment is drawn pointing "up" (0, -length) in
its own group; a group's transform is translate(joint) rotate(angle) in its parent's frame,
exactly what the SVG writer emits, so the geometry checked here is the geometry drawn.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Final

from unknot.domain.figure import Angles, Base, Figure, View

# Adult proportions for a person about 1.78 m tall (cm).
LUMBAR: Final = 24.0
THORACIC: Final = 30.0
NECK: Final = 9.0
HEAD_R: Final = 11.0
SHOULDER_DROP: Final = 4.0  # shoulder joint below the top of the thoracic segment
SHOULDER_HALF: Final = 19.0  # front view
HIP_HALF: Final = 9.0  # front view
UPPER_ARM: Final = 29.0
FOREARM: Final = 25.0
HAND: Final = 8.0
THIGH: Final = 44.0
SHIN: Final = 43.0
FOOT: Final = 17.0
ANKLE_HEIGHT: Final = 5.0  # sole line below the ankle, before the foot's thickness
SEAT_DROP: Final = 6.0  # sitting bones below the hip joints

RADIUS: Final[dict[str, float]] = {
    "lumbar": 11.0,
    "thoracic": 12.5,
    "neck": 4.5,
    "upper_arm": 4.5,
    "forearm": 3.8,
    "thigh": 7.0,
    "shin": 5.5,
    "foot": 3.5,
}

# Where props sit (cm).
SEAT_HEIGHT: Final = 45.0
BAR_HEIGHT: Final = 225.0
SADDLE_HEIGHT: Final = 92.0
ROLLER_R: Final = 8.0


@dataclass(slots=True)
class Transform:
    """translate(x, y) rotate(angle) of one group in its parent's frame, and how long the
    segment it draws is (its length times the cosine of any out-of-plane turn)."""

    x: float
    y: float
    angle: float
    length: float


@dataclass(slots=True)
class Node:
    group: str
    parent: str | None
    segment: str | None
    """Radius key of the segment this group draws, if any."""
    side: str | None = None


@functools.cache
def nodes(view: View) -> tuple[Node, ...]:
    """The group tree, parents before children, in drawing order within a side."""
    tree = [
        Node("root", None, "lumbar"),
        Node("thorax", "root", "thoracic"),
        Node("neck", "thorax", "neck"),
        Node("head", "neck", None),
    ]
    if view == "front":
        tree.append(Node("face", "head", None))
    for side in ("l", "r"):
        tree += [
            Node(f"thigh_{side}", "root", "thigh", side),
            Node(f"shin_{side}", f"thigh_{side}", "shin", side),
        ]
        if view == "side":
            tree.append(Node(f"foot_{side}", f"shin_{side}", "foot", side))
        tree += [
            Node(f"arm_{side}", "thorax", "upper_arm", side),
            Node(f"forearm_{side}", f"arm_{side}", "forearm", side),
        ]
    return tuple(tree)


def _cos(degrees: float) -> float:
    return math.cos(math.radians(degrees))


def _sin(degrees: float) -> float:
    return math.sin(math.radians(degrees))


def local_transforms(view: View, a: Angles, root: tuple[float, float]) -> dict[str, Transform]:
    """Each group's transform for the angles `a`, with the root (hip joints' centre) at
    `root`."""
    t: dict[str, Transform] = {"root": Transform(root[0], root[1], a["body"], LUMBAR)}
    t["thorax"] = Transform(0, -LUMBAR, a["spine"], THORACIC)
    nod = a.get("nod", 0.0)
    t["neck"] = Transform(0, -THORACIC, a["neck"], NECK * max(_cos(nod), 0.2))
    # Nodding in the front view brings the head forward and down: the neck looks shorter and
    # the head sinks toward the chest by what its own height loses to the turn.
    sink = HEAD_R * (1 - _cos(nod)) if view == "front" else 0.0
    t["head"] = Transform(0, -t["neck"].length + sink, a["head"], 0)
    if view == "front":
        # The face slides across as the head turns and down as it nods (2D, issue 8).
        t["face"] = Transform(HEAD_R * _sin(a["turn"]), HEAD_R * 0.7 * _sin(nod), 0, 0)
    twist = _cos(a.get("twist", 0.0))
    for side, sign in (("l", 1.0), ("r", -1.0)):
        upper = UPPER_ARM * max(_cos(a[f"arm_depth_{side}"]), 0.05)
        fore = (FOREARM + HAND) * max(_cos(a[f"forearm_depth_{side}"]), 0.05)
        thigh = THIGH * max(_cos(a[f"thigh_depth_{side}"]), 0.01)
        shin = SHIN * max(_cos(a[f"shin_depth_{side}"]), 0.05)
        if view == "side":
            t[f"arm_{side}"] = Transform(
                a[f"protract_{side}"],
                -(THORACIC - SHOULDER_DROP) - a[f"shrug_{side}"],
                180 - a[f"shoulder_{side}"],
                upper,
            )
            t[f"forearm_{side}"] = Transform(0, -upper, -a[f"elbow_{side}"], fore)
            t[f"thigh_{side}"] = Transform(0, 0, 180 - a[f"hip_{side}"], thigh)
            t[f"shin_{side}"] = Transform(0, -thigh, a[f"knee_{side}"], shin)
            t[f"foot_{side}"] = Transform(0, -shin, -90 + a[f"ankle_{side}"], FOOT)
        else:
            # The figure's left is the viewer's right: +x. Limbs mirror across the midline.
            t[f"arm_{side}"] = Transform(
                sign * SHOULDER_HALF * twist,
                -(THORACIC - SHOULDER_DROP) - a[f"shrug_{side}"],
                180 - sign * a[f"shoulder_{side}"],
                upper,
            )
            t[f"forearm_{side}"] = Transform(0, -upper, -sign * a[f"elbow_{side}"], fore)
            t[f"thigh_{side}"] = Transform(sign * HIP_HALF, 0, 180 - sign * a[f"hip_{side}"], thigh)
            t[f"shin_{side}"] = Transform(0, -thigh, -sign * a[f"knee_{side}"], shin)
    return t


Point = tuple[float, float]


@dataclass(slots=True)
class Matrix:
    """A 2D affine map: (x, y) -> (a x + c y + e, b x + d y + f)."""

    a: float
    b: float
    c: float
    d: float
    e: float
    f: float

    def apply(self, x: float, y: float) -> Point:
        return (self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f)

    def then(self, t: Transform) -> Matrix:
        """This frame followed by a child's translate(x, y) rotate(angle)."""
        cos, sin = _cos(t.angle), _sin(t.angle)
        ex, fy = self.apply(t.x, t.y)
        return Matrix(
            self.a * cos + self.c * sin,
            self.b * cos + self.d * sin,
            -self.a * sin + self.c * cos,
            -self.b * sin + self.d * cos,
            ex,
            fy,
        )


IDENTITY: Final = Matrix(1, 0, 0, 1, 0, 0)


@dataclass(slots=True)
class Capsule:
    """A segment as drawn: a thick line with round ends."""

    name: str
    start: Point
    end: Point
    radius: float

    @property
    def lowest(self) -> float:
        """The largest y the capsule reaches (the floor is y = 0)."""
        return max(self.start[1], self.end[1]) + self.radius


@dataclass(slots=True)
class Body:
    """Where everything is for one pose."""

    view: View
    transforms: dict[str, Transform]
    points: dict[str, Point]
    capsules: dict[str, Capsule]

    @property
    def lowest(self) -> float:
        return max(c.lowest for c in self.capsules.values())

    def shifted(self, dx: float, dy: float) -> Body:
        """The same pose moved by (dx, dy): only the root's translation changes."""
        root = self.transforms["root"]
        moved = Transform(root.x + dx, root.y + dy, root.angle, root.length)
        transforms = {**self.transforms, "root": moved}
        points = {k: (x + dx, y + dy) for k, (x, y) in self.points.items()}
        capsules = {
            k: Capsule(
                c.name, (c.start[0] + dx, c.start[1] + dy), (c.end[0] + dx, c.end[1] + dy), c.radius
            )
            for k, c in self.capsules.items()
        }
        return Body(self.view, transforms, points, capsules)


def pose_body(view: View, angles: Angles, root: Point = (0.0, 0.0)) -> Body:
    """Forward kinematics: every joint and segment for these angles."""
    transforms = local_transforms(view, angles, root)
    frames: dict[str, Matrix] = {}
    for node in nodes(view):
        parent = IDENTITY if node.parent is None else frames[node.parent]
        frames[node.group] = parent.then(transforms[node.group])
    points: dict[str, Point] = {}
    capsules: dict[str, Capsule] = {}
    for node in nodes(view):
        frame = frames[node.group]
        start = frame.apply(0, 0)
        points[node.group] = start
        if node.segment is not None:
            end = frame.apply(0, -transforms[node.group].length)
            name = node.segment + (f"_{node.side}" if node.side else "")
            points[f"{name}_end"] = end
            capsules[name] = Capsule(name, start, end, RADIUS[node.segment])
    head = frames["head"].apply(0, -HEAD_R)
    points["head_centre"] = head
    points["crown"] = frames["head"].apply(0, -2 * HEAD_R)
    face = frames["face"].apply(0, -3) if view == "front" else frames["head"].apply(8, -4)
    points["chin"] = face
    capsules["head"] = Capsule("head", head, head, HEAD_R)
    for side in ("l", "r"):
        if view == "side":
            foot = frames[f"foot_{side}"]
            heel = foot.apply(ANKLE_HEIGHT, 4.0)
            toe = foot.apply(ANKLE_HEIGHT, -(FOOT - 4.0))
            capsules[f"foot_{side}"] = Capsule(f"foot_{side}", heel, toe, RADIUS["foot"])
        else:
            shin = frames[f"shin_{side}"]
            length = transforms[f"shin_{side}"].length
            sign = 1.0 if side == "l" else -1.0
            heel = shin.apply(-sign * 2.0, -(length + ANKLE_HEIGHT))
            toe = shin.apply(sign * 6.0, -(length + ANKLE_HEIGHT))
            capsules[f"foot_{side}"] = Capsule(f"foot_{side}", heel, toe, RADIUS["foot"])
        points[f"heel_{side}"] = heel
        points[f"toe_{side}"] = toe
        points[f"hand_{side}"] = points[f"forearm_{side}_end"]
        points[f"knee_{side}"] = points[f"shin_{side}"]
        points[f"elbow_{side}"] = points[f"forearm_{side}"]
        points[f"shoulder_{side}"] = points[f"arm_{side}"]
    return Body(view, transforms, points, capsules)


def contact_height(body: Body, part: str) -> float:
    """How far above the floor (cm) a part that can rest on something is; negative is below."""
    caps = body.capsules
    if part.startswith("sole_"):
        return -caps[f"foot_{part[-1]}"].lowest
    if part.startswith("knee_"):
        knee = body.points[part]
        return -(knee[1] + RADIUS["shin"])
    if part.startswith("hand_"):
        hand = body.points[part]
        return -(hand[1] + RADIUS["forearm"])
    if part == "seat":
        return -(body.points["root"][1] + SEAT_DROP)
    if part == "pelvis":
        return -(body.points["root"][1] + RADIUS["lumbar"])
    if part == "back":
        return -caps["thoracic"].lowest
    raise ValueError(f"unknown contact {part!r}")


# How each base is placed: which point keeps its x at 0, and what fixes the height.
ANCHOR_X: Final[dict[Base, str]] = {
    "standing": "root",
    "seated": "root",
    "all_fours": "knee_r",
    "kneeling": "knee_r",
    "lying_back": "root",
    "lying_front": "root",
    "hanging": "hand_r",
    "cycling": "root",
}


def place(figure: Figure, angles: Angles) -> Body:
    """The pose put where it belongs: on the floor, on the seat, or hanging from the bar."""
    body = pose_body(figure.view, angles)
    anchor = body.points[ANCHOR_X[figure.base]]
    dx = -anchor[0]
    if figure.base == "hanging":
        dx = -(body.points["hand_l"][0] + body.points["hand_r"][0]) / 2
    if figure.base == "seated":
        dy = -(SEAT_HEIGHT + SEAT_DROP) - body.points["root"][1]
    elif figure.base == "cycling":
        dy = -(SADDLE_HEIGHT + SEAT_DROP) - body.points["root"][1]
    elif figure.base == "hanging":
        dy = -BAR_HEIGHT - anchor[1]
    else:
        dy = -body.lowest
    return body.shifted(dx, dy)
