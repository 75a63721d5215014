"""Writing figures as SVG: one animated loop, and a still strip of the key poses.

The animated SVG is self-contained: nested groups whose CSS animations rotate each joint, so
the browser interpolates joint angles (arcs, not straight lines) and no script runs. People
who ask for reduced motion get the first pose, still. The strip draws the same groups with
fixed transforms, which any SVG renderer (cairosvg for the PNG) can draw.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from unknot.domain.exercise import Exercise
from unknot.domain.figure import Figure, PropKind, View
from unknot.figures import skeleton as sk
from unknot.figures.motion import Key, Loop, angles_at, lifted_at

INK = "#34444c"
FAR = "#8fa3ad"
PROP = "#8a6f5c"
PROP_LIGHT = "#e9e4df"
FLOOR = "#9aa8b0"
BACKGROUND = "#f6f8f9"
MARGIN = 8.0

BLADE = "#b8c7cf"
BLADE_EDGE = "#1f2b31"
HAIR = "#1f2b31"
LIT = "#f4511e"
"""The colour of the target area: "feel it here"."""


def _n(value: float) -> str:
    """A short number: one decimal at most, no trailing zeros, no "-0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def figure_of(exercise: Exercise) -> Figure:
    if exercise.figure is None:
        raise ValueError(f"{exercise.id} has no figure")
    return exercise.figure


def lit_parts(exercise: Exercise, figure: Figure | None = None) -> set[str]:
    """The areas drawn in the target colour: the figure's choice, else the targets."""
    figure = figure or figure_of(exercise)
    return set(figure.highlight if figure.highlight is not None else exercise.targets)


@dataclass
class Placed:
    """One key pose, placed, with its world geometry."""

    key: Key
    body: sk.Body


def placed_keys(figure: Figure, loop: Loop) -> list[Placed]:
    return [Placed(key, sk.place(figure, key.angles, key.lifted)) for key in loop.keys]


# -- the figure's groups ----------------------------------------------------------------------


def _children(view: View, group: str, behind: tuple[str, ...] = ()) -> list[str]:
    """Children in painting order: far limbs behind the body, near ones in front, and arms
    the figure puts behind its back before the trunk."""
    if view == "side":
        order = {
            "root": ["thigh_l", "@", "lumbar", "thigh_r"],
            "thorax": ["arm_l", "@", "neck", "arm_r"],
        }
    else:
        order = {
            "root": ["thigh_l", "thigh_r", "@", "lumbar"],
            "thorax": ["@", "blade_l", "blade_r", "neck", "arm_l", "arm_r"],
            "head": ["@", "face"],
        }
    default = {
        "lumbar": ["@", "thorax_low"],
        "thorax_low": ["@", "thorax"],
        "neck": ["@", "head"],
        "head": ["@"],
        "thigh_l": ["@", "shin_l"],
        "thigh_r": ["@", "shin_r"],
        "shin_l": ["@", "foot_l"] if view == "side" else ["@"],
        "shin_r": ["@", "foot_r"] if view == "side" else ["@"],
        "arm_l": ["@", "forearm_l"],
        "arm_r": ["@", "forearm_r"],
    }
    children = order.get(group) or default.get(group, ["@"])
    if group == "thorax" and behind:
        children = [*behind, *(c for c in children if c not in behind)]
    return children


@dataclass
class Style:
    """What differs between drawing for the animation and for the strip."""

    lit: set[str]
    props: set[PropKind]
    ink: str = INK
    far: str = FAR
    behind: tuple[str, ...] = ()
    held_by: str | None = None
    """The side ("l" or "r") whose hand holds a one-hand weight in this drawing; None: both."""
    wrap_weight: Callable[[str, str], str] | None = None
    """For the animation: wraps the weight of the other hand, which shows on the other side."""
    hidden: frozenset[str] = frozenset()
    """Groups left out because the view's box never shows them (a close-up's legs)."""


LEGS = frozenset({"thigh_l", "thigh_r"})


def hidden_in(figure: Figure) -> frozenset[str]:
    """What a view never shows: a close-up stops above the hips, so it draws no legs, which
    keeps its SVG small."""
    return (
        LEGS
        if figure.crop == "head" and figure.base not in ("lying_back", "lying_front")
        else frozenset()
    )


def _segment(group: str, view: View, length: float, style: Style, colour: str) -> str:
    """The drawing a group owns, in its own frame (pointing up, (0, -length))."""
    side = group[-1] if group[-2:] in ("_l", "_r") else None
    stem = group[:-2] if side else group
    lit = style.lit
    flat = view != "side"
    if group == "root":
        if flat:
            return f'<path d="M-14 0L-13.5 -{_n(length)}H13.5L14 0Z"{_solid(colour, 8)}/>'
        return _line(length, sk.RADIUS["pelvis"], colour)
    if group == "lumbar":
        stripe = _stripe(view, sk.RADIUS["lumbar"], length, 0.0, 0.9) if "lower_back" in lit else ""
        if flat:
            return f'<path d="M-13.5 0L-12 -{_n(length)}H12L13.5 0Z"{_solid(colour, 8)}/>' + stripe
        return _line(length, sk.RADIUS["lumbar"], colour) + stripe
    if group == "thorax_low":
        r = sk.RADIUS["thoracic_low"]
        stripes = ""
        if "mid_back" in lit:
            stripes += _stripe(view, r, length, 0.1, 1.0)
        if flat:
            return f'<path d="M-12 0L-13 -{_n(length)}H13L12 0Z"{_solid(colour, 9)}/>' + stripes
        return _line(length, r, colour) + stripes
    if group == "thorax":
        r = sk.RADIUS["thoracic"]
        stripes = ""
        if "upper_back" in lit:
            stripes += _stripe(view, r, length, 0.0, 0.9)
        if "chest" in lit and view != "back":
            stripes += _stripe(view, -r, length, 0.0, 0.7)
        if flat:
            top, half = _n(length - 3), _n(sk.SHOULDER_HALF)
            return f'<path d="M-13 0H13L{half} -{top}H-{half}Z"{_solid(colour, 9)}/>' + stripes
        return _line(length, r, colour) + stripes
    if group == "neck":
        return _line(length, sk.RADIUS["neck"], LIT if "neck" in lit else colour)
    if group == "head":
        return _head(view, colour)
    if group == "face":
        y = _n(sk.HEAD_UP + 1.5)
        return (
            f'<circle cx="-4" cy="-{y}" r="1.6" fill="#fff"/>'
            f'<circle cx="4" cy="-{y}" r="1.6" fill="#fff"/>'
            f'<path d="M0 -{y}v4.5M-2.5 -4.5h5" stroke="#fff" stroke-width="1.2" '
            'stroke-linecap="round" fill="none"/>'
        )
    if stem == "blade":
        sign = -1 if side == "l" else 1
        lit_blade = bool({"upper_back", "shoulders", "mid_back"} & lit)
        fill = LIT if lit_blade else BLADE
        return (
            f'<path d="M0 0L{-9 * sign} 1L{-8 * sign} 14Z" fill="{fill}" stroke="{BLADE_EDGE}" '
            'stroke-width="1.2" stroke-linejoin="round"/>'
        )
    if stem == "foot":
        return f'<path d="M{_n(sk.ANKLE_HEIGHT)} 4V-{_n(sk.FOOT - 4)}"{_stroke(colour, 3.5)}/>'
    radius = sk.RADIUS[SEGMENT_OF[stem]]
    parts: list[str] = []
    # A thin rim in the background colour keeps a limb readable where it crosses the body.
    parts.append(_line(length, radius + 1.3, BACKGROUND))
    parts.append(_line(length, radius, colour))
    if stem == "arm" and "shoulders" in lit:
        parts.append(f'<circle r="6.5" fill="{LIT}"/>')
    if stem == "forearm":
        parts.append(f'<circle cy="-{_n(length)}" r="4.3" fill="{colour}"/>')
        if "dumbbells" in style.props and side is not None:
            weight = _dumbbell(view, length)
            if style.held_by is None:
                parts.append(weight)
            elif style.wrap_weight is not None:
                parts.append(style.wrap_weight(side, weight))
            elif style.held_by == side:
                parts.append(weight)
        if "barbell" in style.props and side == "r":
            parts.append(
                f'<circle cy="-{_n(length)}" r="22" fill="none" stroke="{PROP}" stroke-width="3"/>'
                f'<circle cy="-{_n(length)}" r="3" fill="{PROP}"/>'
            )
    if stem == "shin" and flat:
        ankle = -(length + sk.ANKLE_HEIGHT)
        sign = (1 if side == "l" else -1) * (-1 if view == "back" else 1)
        parts.append(f'<path d="M{-2 * sign} {_n(ankle)}H{6 * sign}"{_stroke(colour, 3.5)}/>')
    return "".join(parts)


def _head(view: View, colour: str) -> str:
    """The head in its own frame (the nodding joint at the origin, the centre above it). From
    the side it has a face: brow, nose, lips and a chin pointing the way the face looks, and an
    eye, so a nod (the chin drawn in) reads differently from pushing the head back or bending
    the neck."""
    r, up = sk.HEAD_R, sk.HEAD_UP
    cranium = f'<circle cy="-{_n(up)}" r="{_n(r)}" fill="{colour}"/>'

    def at(x: float, y: float) -> str:
        """A point given from the head's centre."""
        return f"{_n(x)} {_n(y - up)}"

    if view == "side":
        face = (
            f'<path d="M{at(-5, 8)}Q{at(0, 12)} {at(7, 11.5)}Q{at(10.5, 11)} {at(10.5, 8)}'
            f"L{at(11.2, 5)}L{at(10.6, 3.8)}L{at(13.6, 0.6)}L{at(11.4, -1.5)}"
            f'L{at(10.4, -5)}L{at(8.5, -7.5)}Z" '
            f'fill="{colour}" stroke="{colour}" stroke-width="1.2" stroke-linejoin="round"/>'
        )
        eye = f'<circle cx="7.2" cy="{_n(-2.8 - up)}" r="1.6" fill="#fff"/>'
        return cranium + face + eye
    if view == "back":
        hair = (
            f'<path d="M{at(-r, -2)}A{_n(r)} {_n(r)} 0 0 1 {at(r, -2)}Q{at(0, 2)} {at(-r, -2)}Z" '
            f'fill="{HAIR}"/>'
        )
        ears = (
            f'<circle cx="-{_n(r + 0.2)}" cy="-{_n(up)}" r="2.4" fill="{colour}"/>'
            f'<circle cx="{_n(r + 0.2)}" cy="-{_n(up)}" r="2.4" fill="{colour}"/>'
        )
        return ears + cranium + hair
    return cranium


SEGMENT_OF = {"arm": "upper_arm", "forearm": "forearm", "thigh": "thigh", "shin": "shin"}


def weight_side(figure: Figure, mirrored: bool) -> str | None:
    """Which side's hand holds a one-hand weight ("l" or "r"), None when both hands do."""
    weights = figure.prop("dumbbells")
    if weights is None or weights.hand is None:
        return None
    side = weights.hand[-1]
    return {"l": "r", "r": "l"}[side] if mirrored else side


def _dumbbell(view: View, length: float) -> str:
    y = _n(-length)
    if view == "side":
        return f'<circle cy="{y}" r="6" fill="{PROP}"/><circle cy="{y}" r="2" fill="#fff"/>'
    return (
        f'<path d="M-9 {y}H9" stroke="{PROP}" stroke-width="3"/>'
        f'<rect x="-12" y="{_n(-length - 6)}" width="5" height="12" rx="1.5" fill="{PROP}"/>'
        f'<rect x="7" y="{_n(-length - 6)}" width="5" height="12" rx="1.5" fill="{PROP}"/>'
    )


def _stroke(colour: str, radius: float) -> str:
    return f' stroke="{colour}" stroke-width="{_n(2 * radius)}" stroke-linecap="round" fill="none"'


def _solid(colour: str, width: float) -> str:
    return f' fill="{colour}" stroke="{colour}" stroke-width="{_n(width)}" stroke-linejoin="round"'


def _line(length: float, radius: float, colour: str) -> str:
    return f'<path d="M0 0V-{_n(length)}"{_stroke(colour, radius)}/>'


def _stripe(view: View, radius: float, length: float, start: float, end: float) -> str:
    """A band of the target colour along the back (positive radius) or the front (negative)
    of a trunk segment, from `start` to `end` of its length; down the middle from the front."""
    x = 0.0 if view != "side" else -(radius - 4.5) if radius > 0 else -radius - 4.5
    width = {"side": 9, "front": 12, "back": 5}[view]
    return (
        f'<path d="M{_n(x)} -{_n(length * start)}V-{_n(length * end)}" stroke="{LIT}" '
        f'stroke-width="{width}" stroke-linecap="round"/>'
    )


def transform_attr(t: sk.Transform) -> str:
    parts = []
    if t.x or t.y:
        parts.append(f"translate({_n(t.x)} {_n(t.y)})")
    if t.angle % 360:
        parts.append(f"rotate({_n(t.angle)})")
    return " ".join(parts)


GroupWriter = Callable[[str, str, str], str]
"""(group, transform attribute, drawing and children) -> the group's markup."""


def static_group(group: str, transform: str, inner: str) -> str:
    return f'<g transform="{transform}">{inner}</g>' if transform else f"<g>{inner}</g>"


def figure_markup(
    view: View,
    transforms: dict[str, sk.Transform],
    style: Style,
    write: GroupWriter = static_group,
    drawing: Callable[[str, str], str] | None = None,
) -> str:
    """The nested groups of one figure. `drawing(group, markup)` may wrap a group's own
    drawing (the animation scales segments that turn out of the view's plane)."""

    def colour_of(group: str) -> str:
        if view == "side" and group[-2:] == "_l":
            return style.far
        if group in style.behind or group.replace("forearm", "arm") in style.behind:
            return style.far
        return style.ink

    def emit(group: str) -> str:
        t = transforms[group]
        inner: list[str] = []
        for child in _children(view, group, style.behind):
            if child == "@":
                own = _segment(group, view, t.length, style, colour_of(group))
                if drawing:
                    inner.append(drawing(group, own))
                elif t.width != 1:
                    inner.append(f'<g transform="scale({t.width:.3f} 1)">{own}</g>')
                else:
                    inner.append(own)
            elif child in transforms and child not in style.hidden:
                inner.append(emit(child))
        return write(group, transform_attr(t), "".join(inner))

    return emit("root")


# -- props ------------------------------------------------------------------------------------


@dataclass
class Scene:
    """Where the props go for a figure, found from its poses."""

    figure: Figure
    placed: list[Placed]

    def prop_xy(self, kind: PropKind, default: tuple[float, float]) -> tuple[float, float]:
        prop = self.figure.prop(kind)
        x = prop.x if prop is not None and prop.x is not None else default[0]
        y = prop.y if prop is not None and prop.y is not None else default[1]
        return x, y

    def roller(self) -> tuple[float, float]:
        # Across the back just below the shoulder blades: where the two thoracic segments meet.
        x = self.placed[0].body.points["thorax"][0]
        return self.prop_xy("foam_roller", (x, -sk.ROLLER_R))

    def crank(self) -> tuple[float, float]:
        ankles = [p.body.points["shin_r_end"] for p in self.placed]
        return (sum(a[0] for a in ankles) / len(ankles), sum(a[1] for a in ankles) / len(ankles))


def _rect(x: float, y: float, width: float, height: float, extra: str = "") -> str:
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"{extra}/>'


def _chair(view: View, turned: bool = False) -> str:
    seat = -sk.SEAT_HEIGHT
    if turned and view != "side":
        # Side-on beside the person, its back post at their right.
        x = sk.TURNED_CHAIR_BACK_X - 2
        parts = [_rect(x, seat, 46, 4, ' rx="2"'), _rect(x, -95, 4, 95), _rect(x + 41, -42, 4, 42)]
    elif view == "side":
        parts = [_rect(-24, seat, 46, 4, ' rx="2"'), _rect(-24, -95, 4, 95), _rect(17, -42, 4, 42)]
    else:
        parts = [
            _rect(-20, -92, 40, 40, ' rx="3" fill-opacity=".6"'),
            _rect(-24, seat, 48, 4, ' rx="2"'),
            _rect(-23, -42, 4, 42),
            _rect(19, -42, 4, 42),
        ]
    return f'<g fill="{PROP}">{"".join(parts)}</g>'


def _bike(scene: Scene) -> str:
    cx, cy = scene.crank()
    saddle = _n(sk.SADDLE_HEIGHT)
    frame = (
        f"M-9 -{saddle}h16M0 -{saddle}L{_n(cx)} {_n(cy)}L{_n(cx + 40)} -95h8"
        f"M{_n(cx)} {_n(cy)}L{_n(cx + 55)} -28M{_n(cx - 30)} 0h100"
    )
    return (
        f'<g stroke="{PROP}" stroke-width="4" fill="none" stroke-linecap="round">'
        f'<path d="{frame}"/><circle cx="{_n(cx + 55)}" cy="-28" r="26"/>'
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="15" stroke-width="2"/></g>'
    )


def props_behind(
    scene: Scene, box: tuple[float, float, float, float], chair: str | None = None
) -> str:
    """The props drawn behind the figure (the band and hand-held weights come later).
    `chair` wraps a turned chair's drawing (the other side sits the other way round)."""
    figure = scene.figure
    kinds = {p.kind for p in figure.props}
    view = figure.view
    x0, _, x1, _ = box
    out: list[str] = []
    if "wall" in kinds:
        if view != "side":
            out.append(_rect(-62, -225, 124, 225, f' fill="{PROP_LIGHT}"'))
        else:
            x, _ = scene.prop_xy("wall", (-24, 0))
            out.append(_rect(x - 8, -225, 8, 225, f' fill="{PROP_LIGHT}"'))
    if "doorway" in kinds:
        x, _ = scene.prop_xy("doorway", (30, 0))
        out.append(_rect(x, -210, 9, 210, f' fill="{PROP}" fill-opacity=".55"'))
    if "chair" in kinds:
        seat = figure.prop("chair")
        drawing = _chair(view, seat is not None and seat.turned)
        out.append(f"<g{chair}>{drawing}</g>" if chair else drawing)
    if "mat" in kinds:
        out.append(_rect(x0 + 4, -2, x1 - x0 - 8, 2, ' fill="#7aa37a"'))
    if "foam_roller" in kinds:
        x, y = scene.roller()
        out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(sk.ROLLER_R)}" fill="#5c8fb0"/>')
    if "bike" in kinds:
        out.append(_bike(scene))
    if "pull_up_bar" in kinds:
        bar = _n(sk.BAR_HEIGHT)
        if view != "side":
            out.append(f'<path d="M-60 -{bar}H60"{_stroke(PROP, 2.5)}/>')
        else:
            out.append(f'<circle cy="-{bar}" r="3.5" fill="{PROP}"/>')
    return "".join(out)


def band_anchor(scene: Scene) -> tuple[float, float]:
    """Where the band is tied (cm): in front at chest height unless the figure says."""
    return scene.prop_xy("band", (80, -110))


def anchor_dot(anchor: tuple[float, float]) -> str:
    return f'<circle cx="{_n(anchor[0])}" cy="{_n(anchor[1])}" r="4" fill="#5c6b73"/>'


def floor(box: tuple[float, float, float, float]) -> str:
    x0, _, x1, _ = box
    return f'<path d="M{_n(x0)} 0H{_n(x1)}" stroke="{FLOOR}" stroke-width="2"/>'


Box = tuple[float, float, float, float]
CLOSE_REACH = 24.0
"""cm around the head a close-up keeps a hand in view (a hand on the head, at the chin)."""


def bounds(bodies: Iterable[sk.Body], scene: Scene) -> Box:
    """The box every pose and prop fits in, with a margin; for a close-up, the head and
    shoulders."""
    if scene.figure.crop == "head":
        return close_up_box(list(bodies))
    if scene.figure.crop == "upper":
        return upper_box(list(bodies))
    xs: list[float] = []
    ys: list[float] = [0.0]
    for body in bodies:
        for c in body.capsules.values():
            for x, y in (c.start, c.end):
                xs += [x - c.radius, x + c.radius]
                ys += [y - c.radius, y + c.radius]
    kinds = {p.kind for p in scene.figure.props}
    if "chair" in kinds:
        seat = scene.figure.prop("chair")
        turned = seat is not None and seat.turned and scene.figure.view != "side"
        xs += [-38, 38] if turned else [-26, 24]
        ys.append(-96)
    if "band" in kinds:
        ax, ay = band_anchor(scene)
        xs += [ax - 4, ax + 4]
        ys += [ay - 4]
    if "doorway" in kinds:
        x, _ = scene.prop_xy("doorway", (30, 0))
        xs += [x, x + 9]
        ys.append(-210)
    if "pull_up_bar" in kinds:
        ys.append(-sk.BAR_HEIGHT - 4)
        xs += [-60, 60] if scene.figure.view != "side" else []
    if "bike" in kinds:
        cx, _ = scene.crank()
        xs += [cx - 30, cx + 82]
    if "barbell" in kinds:
        for body in bodies:
            hx, hy = body.points["hand_r"]
            xs += [hx - 23, hx + 23]
            ys += [hy - 23]
    x0, x1 = min(xs) - MARGIN, max(xs) + MARGIN
    y0, y1 = min(ys) - MARGIN, max(ys) + MARGIN / 2
    return (math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1))


UPPER_PARTS = ("head", "neck", "thoracic", "thoracic_low", "lumbar", "pelvis")


def upper_box(bodies: list[sk.Body]) -> Box:
    """The trunk, the head and both arms over every pose: the shoulder blades and the arms'
    path, large."""
    xs: list[float] = []
    ys: list[float] = []
    for body in bodies:
        for name, c in body.capsules.items():
            if name in UPPER_PARTS or name.startswith(("upper_arm", "forearm")):
                for x, y in (c.start, c.end):
                    xs += [x - c.radius, x + c.radius]
                    ys += [y - c.radius, y + c.radius]
    x0, x1 = min(xs) - MARGIN, max(xs) + MARGIN
    y0, y1 = min(ys) - MARGIN, min(max(ys), 0.0) + MARGIN / 2
    return (math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1))


def close_up_box(bodies: list[sk.Body]) -> Box:
    """The head, the neck and the top of the shoulders over every pose, and a hand when it is
    near the head; the floor too when the head rests on it. At least as wide as it is tall
    less a quarter, so a nod is not squeezed into a sliver."""
    xs: list[float] = []
    ys: list[float] = []
    for body in bodies:
        head = body.capsules["head"]
        hx, hy = head.start
        for name in ("head", "neck"):
            c = body.capsules[name]
            for x, y in (c.start, c.end):
                xs += [x - c.radius, x + c.radius]
                ys += [y - c.radius, y + c.radius]
        (ax, ay), (bx, by) = body.points["thorax"], body.points["thorax_low"]
        xs.append((ax + bx) / 2)
        ys.append((ay + by) / 2)
        for side in ("l", "r"):
            sx, sy = body.points[f"shoulder_{side}"]
            xs += [sx - 7, sx + 7]
            ys += [sy - 7, sy + 7]
            x, y = body.points[f"hand_{side}"]
            if math.hypot(x - hx, y - hy) < sk.HEAD_R + CLOSE_REACH:
                # A hand at the head, and its elbow, so the arm reads as resting there.
                ex, ey = body.points[f"elbow_{side}"]
                xs += [x - 5, x + 5, ex - 6, ex + 6]
                ys += [y - 5, y + 5, ey - 6, ey + 6]
        if head.lowest > -6:
            ys.append(0.0)
    x0, x1 = min(xs) - MARGIN, max(xs) + MARGIN
    y0, y1 = min(ys) - MARGIN, min(max(ys), 0.0) + MARGIN / 2
    if x1 - x0 < 0.75 * (y1 - y0):
        grow = (0.75 * (y1 - y0) - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    widest = 1.4 * (y1 - y0)
    if x1 - x0 > widest:
        # Lying down the shoulders run on sideways: keep the head and the neck's base.
        middle = sum((b.points["neck"][0] + b.points["head_centre"][0]) / 2 for b in bodies) / len(
            bodies
        )
        x0 = max(x0, min(middle - widest / 2, x1 - widest))
        x1 = x0 + widest
    return (math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1))


def title(exercise: Exercise, what: str) -> str:
    return html.escape(f"{exercise.name}: {what}")


TRACE_POINTS = {"head": "crown", "ankle_l": "shin_l_end", "ankle_r": "shin_r_end"}
TRACE_SAMPLES = 24


def trace_markup(figure: Figure, loop: Loop) -> str:
    """The path each traced point takes through the first repetition, dotted, with an arrow
    at its end showing which way it goes."""
    if not figure.trace:
        return ""
    first = loop.keys[0]
    end = max(k.t for k in loop.keys if (k.side, k.direction) == (first.side, first.direction))
    out: list[str] = []
    for name in figure.trace:
        point = TRACE_POINTS.get(name, name)
        path = [
            sk.place(
                figure,
                angles_at(loop, end * i / TRACE_SAMPLES),
                lifted_at(loop, end * i / TRACE_SAMPLES),
            ).points[point]
            for i in range(TRACE_SAMPLES + 1)
        ]
        d = "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in path)
        out.append(
            f'<path d="{d}" fill="none" stroke="{LIT}" stroke-width="1.6" '
            'stroke-dasharray="3 2.5" stroke-linecap="round"/>'
        )
        (x1, y1), (x2, y2) = path[-3], path[-1]
        angle = math.degrees(math.atan2(y2 - y1, x2 - x1))
        out.append(
            f'<path d="M0 0L-6 -3.5L-6 3.5Z" fill="{LIT}" '
            f'transform="translate({_n(x2)} {_n(y2)}) rotate({_n(angle)})"/>'
        )
    return "".join(out)
