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

# Adult proportions for a person about 1.78 m tall (cm). The trunk is four segments (issue 18),
# so rounding and arching show as curves: the pelvis, the lumbar spine, and the lower and upper
# thoracic spine, with the neck's two joints above (lower cervical at the neck's base, upper
# cervical where the head nods).
PELVIS: Final = 6.0
LUMBAR: Final = 18.0
LOWER_THORACIC: Final = 14.0
UPPER_THORACIC: Final = 16.0
THORACIC: Final = LOWER_THORACIC + UPPER_THORACIC
TRUNK: Final = PELVIS + LUMBAR + THORACIC
NECK: Final = 9.0
HEAD_R: Final = 11.0
HEAD_UP: Final = 4.0
"""The head's centre above the joint it nods at (the upper cervical joints sit below and a
little behind the ear), so a nod turns the head about its own base, not about the neck's top:
lying down, the back of the head stays on the floor."""
NECK_DRAWN: Final = NECK + HEAD_R - HEAD_UP
"""From the neck's base to the nodding joint, inside the head's outline."""
SHOULDER_DROP: Final = 4.0  # shoulder joint below the top of the thoracic segment
SHOULDER_HALF: Final = 19.0  # front view
BLADE_X: Final = 6.0  # back view: a shoulder blade's inner edge from the spine
HIP_HALF: Final = 9.0  # front view
UPPER_ARM: Final = 29.0
FOREARM: Final = 25.0
HAND: Final = 8.0
THIGH: Final = 44.0
SHIN: Final = 43.0
FOOT: Final = 17.0
ANKLE_HEIGHT: Final = 5.0  # sole line below the ankle, before the foot's thickness
SEAT_DROP: Final = 6.0  # sitting bones below the hip joints
# Side view, in the head's own frame (the nodding joint at the origin, the face toward +x).
CHIN: Final = (9.0, 7.0)
NOSE: Final = (12.5, -3.5)

RADIUS: Final[dict[str, float]] = {
    "pelvis": 11.0,
    "lumbar": 11.0,
    "thoracic_low": 12.0,
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
TURNED_CHAIR_BACK_X: Final = -32.0
"""Front view of a chair sat on sideways: its back post beside the person's right hip."""
CHAIR_BACK_X: Final = -22.0
"""Side view: the middle of the chair's back post; its top is 95 cm up, about the height of
a seated person's lower shoulder blades."""
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
    width: float = 1.0
    """How wide the group's own drawing is, as a share of its usual width (a turned chest)."""


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
        Node("root", None, "pelvis"),
        Node("lumbar", "root", "lumbar"),
        Node("thorax_low", "lumbar", "thoracic_low"),
        Node("thorax", "thorax_low", "thoracic"),
        Node("neck", "thorax", "neck"),
        Node("head", "neck", None),
    ]
    if view == "front":
        tree.append(Node("face", "head", None))
    if view == "back":
        tree += [Node("blade_l", "thorax", None, "l"), Node("blade_r", "thorax", None, "r")]
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
    # Seen from behind, the figure's left is the viewer's left: sideways angles and the limbs'
    # sides are the front view's, mirrored.
    flip = -1.0 if view == "back" else 1.0
    # From the front or behind, a trunk hinged forward (`lean`) points partly out of the
    # picture, so it is drawn shorter by the cosine, as an arm turned out of the plane is.
    short = max(_cos(a.get("lean", 0.0)), 0.2) if view != "side" else 1.0
    pelvis, lumbar = PELVIS * short, LUMBAR * short
    lower, upper_t = LOWER_THORACIC * short, UPPER_THORACIC * short
    t: dict[str, Transform] = {"root": Transform(root[0], root[1], flip * a["body"], pelvis)}
    # The thoracic bend is shared by its two segments, so it draws as a curve.
    half = flip * a["spine"] / 2
    t["lumbar"] = Transform(0, -pelvis, flip * a.get("lumbar", 0.0), lumbar)
    t["thorax_low"] = Transform(0, -lumbar, half, lower)
    # Turning the chest (`twist`) narrows the shoulders as seen from the front.
    twist = _cos(a.get("twist", 0.0))
    width = max(twist, 0.35) if view != "side" else 1.0
    t["thorax"] = Transform(0, -lower, half, upper_t, width)
    nod = a.get("nod", 0.0)
    t["neck"] = Transform(0, -upper_t, flip * a["neck"], NECK_DRAWN * max(_cos(nod), 0.2))
    # Nodding in the front view brings the head forward and down: the neck looks shorter and
    # the head sinks toward the chest by what its own height loses to the turn.
    sink = HEAD_UP * (1 - _cos(nod)) if view != "side" else 0.0
    t["head"] = Transform(0, -t["neck"].length + sink, flip * a["head"], 0)
    if view == "front":
        # The face slides across as the head turns and down as it nods (2D, issue 8).
        t["face"] = Transform(HEAD_R * _sin(a["turn"]), HEAD_R * 0.9 * _sin(nod), 0, 0)
    shoulder_y = -(upper_t - SHOULDER_DROP * short)
    for side, sign in (("l", flip), ("r", -flip)):
        upper = UPPER_ARM * max(_cos(a[f"arm_depth_{side}"]), 0.05)
        fore = (FOREARM + HAND) * max(_cos(a[f"forearm_depth_{side}"]), 0.05)
        thigh = THIGH * max(_cos(a[f"thigh_depth_{side}"]), 0.01)
        shin = SHIN * max(_cos(a[f"shin_depth_{side}"]), 0.05)
        if view == "side":
            t[f"arm_{side}"] = Transform(
                a[f"protract_{side}"],
                shoulder_y - a[f"shrug_{side}"],
                180 - a[f"shoulder_{side}"],
                upper,
            )
            t[f"forearm_{side}"] = Transform(0, -upper, -a[f"elbow_{side}"], fore)
            t[f"thigh_{side}"] = Transform(0, 0, 180 - a[f"hip_{side}"], thigh)
            t[f"shin_{side}"] = Transform(0, -thigh, a[f"knee_{side}"], shin)
            t[f"foot_{side}"] = Transform(0, -shin, -90 + a[f"ankle_{side}"], FOOT)
        else:
            # The figure's left is the viewer's right (+x) from the front, and the viewer's left
            # from behind. Limbs mirror across the midline; drawing the shoulders back
            # (negative protraction) narrows them a little.
            width = SHOULDER_HALF * twist + 0.4 * a[f"protract_{side}"]
            t[f"arm_{side}"] = Transform(
                sign * width,
                shoulder_y - a[f"shrug_{side}"],
                180 - sign * a[f"shoulder_{side}"],
                upper,
            )
            t[f"forearm_{side}"] = Transform(0, -upper, -sign * a[f"elbow_{side}"], fore)
            t[f"thigh_{side}"] = Transform(sign * HIP_HALF, 0, 180 - sign * a[f"hip_{side}"], thigh)
            t[f"shin_{side}"] = Transform(0, -thigh, -sign * a[f"knee_{side}"], shin)
            if view == "back":
                # The blade slides out as the shoulder comes forward, in as it is drawn back,
                # rises with a shrug, and turns upward with the arm beyond 30 degrees (about a
                # third of the arm's elevation: the scapulohumeral rhythm, Inman 1944).
                turn = max(0.0, a[f"shoulder_{side}"] - 30) / 3
                t[f"blade_{side}"] = Transform(
                    sign * (BLADE_X + 9 + 0.8 * a[f"protract_{side}"]),
                    shoulder_y - 1 - a[f"shrug_{side}"],
                    -sign * turn,
                    0,
                )
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
    head = frames["head"].apply(0, -HEAD_UP)
    points["head_centre"] = head
    points["crown"] = frames["head"].apply(0, -(HEAD_UP + HEAD_R))
    if view == "front":
        face = frames["face"].apply(0, -3)
    elif view == "side":
        face = frames["head"].apply(CHIN[0], CHIN[1])
    else:
        face = frames["head"].apply(0, -3)
    points["chin"] = face
    if view == "side":
        points["nose"] = frames["head"].apply(NOSE[0], NOSE[1])
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
            sign = (1.0 if side == "l" else -1.0) * (-1.0 if view == "back" else 1.0)
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
        return -max(caps["thoracic"].lowest, caps["thoracic_low"].lowest)
    if part == "head":
        return -caps["head"].lowest
    raise ValueError(f"unknown contact {part!r}")


# How each base is placed: which points may hold it in place, in order (the first that rests
# in a pose keeps the x it has in the base's own posture, so a hinge keeps its feet where they
# are and moves its hips back), and what fixes the height.
ANCHORS: Final[dict[Base, tuple[str, ...]]] = {
    "standing": ("heel_r", "heel_l", "root"),
    "seated": ("root",),
    "all_fours": ("knee_r", "knee_l"),
    "kneeling": ("knee_r", "knee_l"),
    "lying_back": ("root",),
    "lying_front": ("root",),
    "hanging": ("hand_r",),
    "cycling": ("root",),
}
_CONTACT_OF: Final = {"heel_r": "sole_r", "heel_l": "sole_l"}


@functools.cache
def _neutral_x(view: View, base: Base, point: str) -> float:
    """Where a point is, across, in the base's own posture placed by its root."""
    from unknot.domain.figure import BASE_POSES, expand

    angles = dict.fromkeys(_all_angles(view), 0.0)
    angles.update({k: float(v) for k, v in expand(BASE_POSES[base]).items() if k in angles})
    body = pose_body(view, angles)
    return body.points[point][0] - body.points["root"][0]


def _all_angles(view: View) -> tuple[str, ...]:
    from unknot.domain.figure import joint_names

    return joint_names(view)


def place(figure: Figure, angles: Angles, lifted: frozenset[str] = frozenset()) -> Body:
    """The pose put where it belongs: on the floor, on the seat, or hanging from the bar.
    `lifted` names the resting parts off the ground in this pose (they cannot hold it)."""
    body = pose_body(figure.view, angles)
    candidates = ANCHORS[figure.base]
    name = next(
        (c for c in candidates if _CONTACT_OF.get(c, c) not in lifted),
        candidates[-1],
    )
    anchor = body.points[name]
    offset = (
        0.0
        if name in ("root", "knee_r", "knee_l", "hand_r")
        else _neutral_x(figure.view, figure.base, name)
    )
    dx = offset - anchor[0]
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
