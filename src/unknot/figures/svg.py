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
from unknot.figures.motion import Key, Loop, angles_at

INK = "#34444c"
FAR = "#8fa3ad"
PROP = "#8a6f5c"
PROP_LIGHT = "#e9e4df"
FLOOR = "#9aa8b0"
BACKGROUND = "#f6f8f9"
MARGIN = 8.0

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


def lit_parts(exercise: Exercise) -> set[str]:
    """The areas drawn in the target colour: the figure's choice, else the targets."""
    figure = figure_of(exercise)
    return set(figure.highlight if figure.highlight is not None else exercise.targets)


@dataclass
class Placed:
    """One key pose, placed, with its world geometry."""

    key: Key
    body: sk.Body


def placed_keys(figure: Figure, loop: Loop) -> list[Placed]:
    return [Placed(key, sk.place(figure, key.angles)) for key in loop.keys]


# -- the figure's groups ----------------------------------------------------------------------


def _children(view: View, group: str) -> list[str]:
    """Children in painting order: far limbs behind the body, near ones in front."""
    if view == "side":
        order = {
            "root": ["thigh_l", "@", "thorax", "thigh_r"],
            "thorax": ["arm_l", "@", "neck", "arm_r"],
        }
    else:
        order = {
            "root": ["thigh_l", "thigh_r", "@", "thorax"],
            "thorax": ["@", "neck", "arm_l", "arm_r"],
            "head": ["@", "face"],
        }
    default = {
        "neck": ["@", "head"],
        "head": ["@"],
        "thigh_l": ["@", "shin_l"],
        "thigh_r": ["@", "shin_r"],
        "shin_l": ["@", "foot_l"] if view == "side" else ["@"],
        "shin_r": ["@", "foot_r"] if view == "side" else ["@"],
        "arm_l": ["@", "forearm_l"],
        "arm_r": ["@", "forearm_r"],
    }
    return order.get(group) or default.get(group, ["@"])


@dataclass
class Style:
    """What differs between drawing for the animation and for the strip."""

    lit: set[str]
    props: set[PropKind]
    ink: str = INK
    far: str = FAR


def _segment(group: str, view: View, length: float, style: Style, colour: str) -> str:
    """The drawing a group owns, in its own frame (pointing up, (0, -length))."""
    side = group[-1] if group[-2:] in ("_l", "_r") else None
    stem = group[:-2] if side else group
    lit = style.lit
    if group == "root":
        stripe = (
            _stripe(view, sk.RADIUS["lumbar"], length, 0.15, 0.9) if "lower_back" in lit else ""
        )
        if view == "front":
            return f'<path d="M-14 0L-12 -{_n(length)}H12L14 0Z"{_solid(colour, 8)}/>' + stripe
        return _line(length, sk.RADIUS["lumbar"], colour) + stripe
    if group == "thorax":
        r = sk.RADIUS["thoracic"]
        stripes = ""
        if "upper_back" in lit:
            stripes += _stripe(view, r, length, 0.5, 0.95)
        if "mid_back" in lit:
            stripes += _stripe(view, r, length, 0.08, 0.5)
        if "chest" in lit:
            stripes += _stripe(view, -r, length, 0.5, 0.85)
        if view == "front":
            top, half = _n(length - 3), _n(sk.SHOULDER_HALF)
            return f'<path d="M-12 0H12L{half} -{top}H-{half}Z"{_solid(colour, 9)}/>' + stripes
        return _line(length, r, colour) + stripes
    if group == "neck":
        return _line(length, sk.RADIUS["neck"], LIT if "neck" in lit else colour)
    if group == "head":
        r = sk.HEAD_R
        head = f'<circle cy="-{_n(r)}" r="{_n(r)}" fill="{colour}"/>'
        if view == "side":
            head += f'<circle cx="{_n(r - 0.5)}" cy="-{_n(r - 1)}" r="2.6" fill="{colour}"/>'
            head += f'<circle cx="5" cy="-{_n(r + 2)}" r="1.6" fill="#fff"/>'
        return head
    if group == "face":
        y = _n(sk.HEAD_R + 1.5)
        return (
            f'<circle cx="-4" cy="-{y}" r="1.6" fill="#fff"/>'
            f'<circle cx="4" cy="-{y}" r="1.6" fill="#fff"/>'
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
        if "dumbbells" in style.props:
            parts.append(_dumbbell(view, length))
        if "barbell" in style.props and side == "r":
            parts.append(
                f'<circle cy="-{_n(length)}" r="22" fill="none" stroke="{PROP}" stroke-width="3"/>'
                f'<circle cy="-{_n(length)}" r="3" fill="{PROP}"/>'
            )
    if stem == "shin" and view == "front":
        ankle = -(length + sk.ANKLE_HEIGHT)
        sign = 1 if side == "l" else -1
        parts.append(f'<path d="M{-2 * sign} {_n(ankle)}H{6 * sign}"{_stroke(colour, 3.5)}/>')
    return "".join(parts)


SEGMENT_OF = {"arm": "upper_arm", "forearm": "forearm", "thigh": "thigh", "shin": "shin"}


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
    x = 0.0 if view == "front" else -(radius - 4.5) if radius > 0 else -radius - 4.5
    width = 9 if view == "side" else 12
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
        return style.far if view == "side" and group[-2:] == "_l" else style.ink

    def emit(group: str) -> str:
        t = transforms[group]
        inner: list[str] = []
        for child in _children(view, group):
            if child == "@":
                own = _segment(group, view, t.length, style, colour_of(group))
                inner.append(drawing(group, own) if drawing else own)
            elif child in transforms:
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
        first = self.placed[0].body.capsules["thoracic"]
        x = (first.start[0] + first.end[0]) / 2
        return self.prop_xy("foam_roller", (x, -sk.ROLLER_R))

    def crank(self) -> tuple[float, float]:
        ankles = [p.body.points["shin_r_end"] for p in self.placed]
        return (sum(a[0] for a in ankles) / len(ankles), sum(a[1] for a in ankles) / len(ankles))


def _rect(x: float, y: float, width: float, height: float, extra: str = "") -> str:
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"{extra}/>'


def _chair(view: View) -> str:
    seat = -sk.SEAT_HEIGHT
    if view == "side":
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


def props_behind(scene: Scene, box: tuple[float, float, float, float]) -> str:
    """The props drawn behind the figure (the band and hand-held weights come later)."""
    figure = scene.figure
    kinds = {p.kind for p in figure.props}
    view = figure.view
    x0, _, x1, _ = box
    out: list[str] = []
    if "wall" in kinds:
        if view == "front":
            out.append(_rect(-62, -225, 124, 225, f' fill="{PROP_LIGHT}"'))
        else:
            x, _ = scene.prop_xy("wall", (-24, 0))
            out.append(_rect(x - 8, -225, 8, 225, f' fill="{PROP_LIGHT}"'))
    if "doorway" in kinds:
        x, _ = scene.prop_xy("doorway", (30, 0))
        out.append(_rect(x, -210, 9, 210, f' fill="{PROP}" fill-opacity=".55"'))
    if "chair" in kinds:
        out.append(_chair(view))
    if "mat" in kinds:
        out.append(_rect(x0 + 4, -2, x1 - x0 - 8, 2, ' fill="#7aa37a"'))
    if "foam_roller" in kinds:
        x, y = scene.roller()
        out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(sk.ROLLER_R)}" fill="#5c8fb0"/>')
    if "bike" in kinds:
        out.append(_bike(scene))
    if "pull_up_bar" in kinds:
        bar = _n(sk.BAR_HEIGHT)
        if view == "front":
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


def bounds(bodies: Iterable[sk.Body], scene: Scene) -> tuple[float, float, float, float]:
    """The box every pose and prop fits in, with a margin."""
    xs: list[float] = []
    ys: list[float] = [0.0]
    for body in bodies:
        for c in body.capsules.values():
            for x, y in (c.start, c.end):
                xs += [x - c.radius, x + c.radius]
                ys += [y - c.radius, y + c.radius]
    kinds = {p.kind for p in scene.figure.props}
    if "chair" in kinds:
        xs += [-26, 24]
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
        xs += [-60, 60] if scene.figure.view == "front" else []
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
            sk.place(figure, angles_at(loop, end * i / TRACE_SAMPLES)).points[point]
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
