"""The animated figure: one self-contained SVG looping at the exercise's real tempo."""

from __future__ import annotations

import math
from dataclasses import dataclass

from unknot.domain.exercise import Exercise
from unknot.domain.figure import Figure
from unknot.figures.motion import Drawn, Loop, build_loop, drawn, refined
from unknot.figures.svg import (
    BACKGROUND,
    FAR,
    INK,
    Box,
    Placed,
    Scene,
    Style,
    _n,
    anchor_dot,
    band_anchor,
    bounds,
    figure_markup,
    floor,
    hidden_in,
    lit_parts,
    placed_keys,
    props_behind,
    title,
    trace_markup,
    weight_side,
)


def _percent(t: float, duration: float) -> str:
    """A keyframe's place in the loop, to 0.001 % (a millisecond in a 100 s loop)."""
    text = f"{100 * t / duration:.3f}".rstrip("0").rstrip(".") if duration else "0"
    return text or "0"


class _Animation:
    """Collects CSS keyframes for the groups whose transform changes during the loop."""

    def __init__(self, loop: Loop, placed: list[Placed], rules: list[str]) -> None:
        self.loop = loop
        self.placed = placed
        self.rules = rules
        """Shared by every view of one SVG, so the class names stay unique."""

    def animate(self, values: list[str]) -> str:
        """A class animating `transform` through these values, one per key."""
        name = f"k{len(self.rules)}"
        frames: list[str] = []
        previous = None
        for index, (placed, value) in enumerate(zip(self.placed, values, strict=True)):
            last = index == len(values) - 1
            # Runs of the same value need only their ends; CSS holds in between.
            following = values[index + 1] if not last else None
            if value == previous and value == following:
                continue
            frames.append(f"{_percent(placed.key.t, self.loop.duration)}%{{transform:{value}}}")
            previous = value
        self.rules.append(f"@keyframes {name}{{{''.join(frames)}}}")
        return f"a {name}"

    def group(self, group: str, transform: str, inner: str) -> str:
        """The group's markup, named by `data-j` (its origin is the joint, which the browser
        tests compare with the skeleton's)."""
        return f'<g data-j="{group}"' + self._group(group, transform, inner)[2:]

    def _group(self, group: str, transform: str, inner: str) -> str:
        transforms = [p.body.transforms[group] for p in self.placed]
        moves = {(round(t.x, 1), round(t.y, 1)) for t in transforms}
        turns = {round(t.angle, 1) for t in transforms}
        angles = _unwrapped([t.angle for t in transforms])
        if len(moves) == 1 and len(turns) == 1:
            return f'<g transform="{transform}">{inner}</g>' if transform else f"<g>{inner}</g>"
        if len(moves) == 1:
            x, y = next(iter(moves))
            outer = f' transform="translate({_n(x)} {_n(y)})"' if x or y else ""
            classes = self.animate([f"rotate({_n(a)}deg)" for a in angles])
            first = transforms[0].angle
            return f'<g{outer}><g class="{classes}" transform="rotate({_n(first)})">{inner}</g></g>'
        classes = self.animate(
            [
                f"translate({_n(t.x)}px,{_n(t.y)}px) rotate({_n(a)}deg)"
                for t, a in zip(transforms, angles, strict=True)
            ]
        )
        return f'<g class="{classes}" transform="{transform}">{inner}</g>'

    def drawing(self, group: str, markup: str) -> str:
        """A segment's own drawing, stretched as it turns out of the picture and narrowed as
        the chest turns."""
        lengths = [p.body.transforms[group].length for p in self.placed]
        widths = [p.body.transforms[group].width for p in self.placed]
        if not markup or (max(lengths) - min(lengths) < 0.5 and len(set(widths)) == 1):
            return (
                markup
                if widths[0] == 1
                else f'<g transform="scale({widths[0]:.3f} 1)">{markup}</g>'
            )
        first = lengths[0] or 1.0
        values = [
            f"scale({round(w, 3)},{round(length / first, 3)})"
            for w, length in zip(widths, lengths, strict=True)
        ]
        classes = self.animate(values)
        start = f' transform="scale({widths[0]:.3f} 1)"' if widths[0] != 1 else ""
        return f'<g class="{classes}"{start}>{markup}</g>'

    def band(self, anchor: tuple[float, float], hand: str, colour: str) -> str:
        ax, ay = anchor
        values = []
        for p in self.placed:
            hx, hy = p.body.points[hand]
            angle = math.degrees(math.atan2(hy - ay, hx - ax))
            values.append(f"rotate({_n(angle)}deg) scale({_n(math.hypot(hx - ax, hy - ay))},1)")
        classes = self.animate(values)
        hx, hy = self.placed[0].body.points[hand]
        return (
            f'<g transform="translate({_n(ax)} {_n(ay)})"><path class="{classes}" d="M0 0H1" '
            f'stroke="{colour}" stroke-width="2.5" vector-effect="non-scaling-stroke" '
            f'transform="rotate({_n(math.degrees(math.atan2(hy - ay, hx - ax)))}) '
            f'scale({_n(math.hypot(hx - ax, hy - ay))} 1)"/></g>'
        )


def _turned_chair(figure: Figure, animation: _Animation) -> str | None:
    """A chair sat on sideways turns round with the person for the other side."""
    chair = figure.prop("chair")
    if chair is None or not chair.turned:
        return None
    sides = [p.key.side for p in animation.placed]
    if "right" not in sides:
        return None
    if "left" not in sides:
        return ' transform="scale(-1 1)"'
    values = ["scale(-1,1)" if side == "right" else "scale(1,1)" for side in sides]
    return f' class="{animation.animate(values)}"'


def _hold_marks(loop: Loop) -> str:
    """When the loop's first hold starts and ends (s), so a player can start a hold step or a
    release step at the right moment of the loop."""
    holds = [k.t for k in loop.keys if k.hold]
    if len(holds) < 2:
        return ""
    return f' data-hold="{_n3(holds[0])}" data-release="{_n3(holds[1])}"'


def _extent_marks(views: list[_View]) -> str:
    """The drawn bodies' box over the whole loop and the largest head's, in the viewBox's
    units (x y width height), so a page can tell how large the person and the head appear.
    A close-up's body is only what its box shows."""
    boxes = [v.outer(_clipped(_box_of(v.placed, None), v.box)) for v in views]
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    head = max((v.outer(_box_of(v.placed, "head")) for v in views), key=lambda b: b[3])
    content = f"{_n(x0)} {_n(y0)} {_n(x1 - x0)} {_n(y1 - y0)}"
    return f' data-content="{content}" data-head="{" ".join(_n(v) for v in head)}"'


def _clipped(
    box: tuple[float, float, float, float], view: Box
) -> tuple[float, float, float, float]:
    x0, y0 = max(box[0], view[0]), max(box[1], view[1])
    x1, y1 = min(box[0] + box[2], view[2]), min(box[1] + box[3], view[3])
    return (x0, y0, x1 - x0, y1 - y0)


def _box_of(placed: list[Placed], only: str | None) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for p in placed:
        for name, c in p.body.capsules.items():
            if only is not None and name != only:
                continue
            for x, y in (c.start, c.end):
                xs += [x - c.radius, x + c.radius]
                ys += [y - c.radius, y + c.radius]
    x0, y0 = min(xs), min(ys)
    return (x0, y0, max(xs) - x0, max(ys) - y0)


def _n3(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _unwrapped(angles: list[float]) -> list[float]:
    """Each angle within half a turn of the one before, so a circle keeps turning the same
    way instead of unwinding (an arm circle's last quarter)."""
    out = [angles[0]]
    for angle in angles[1:]:
        delta = (angle - out[-1] + 180) % 360 - 180
        out.append(out[-1] + delta)
    return out


@dataclass
class _View:
    """One view of the animation, drawn in its own units (cm) and placed in the layout."""

    figure: Figure
    loop: Loop
    placed: list[Placed]
    box: Box
    x: float = 0.0
    y: float = 0.0
    scale: float = 1.0

    @property
    def width(self) -> float:
        return (self.box[2] - self.box[0]) * self.scale

    def outer(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box in this view's units, in the layout's."""
        x0, y0, w, h = box
        return (
            self.x + (x0 - self.box[0]) * self.scale,
            self.y + (y0 - self.box[1]) * self.scale,
            w * self.scale,
            h * self.scale,
        )


HEIGHT = 240.0
"""Every view is drawn this tall in the layout's units (CSS px at natural size), so a close-up
is as tall as a whole-body view beside it."""
VIEW_GAP = 12.0


def animated_svg(
    exercise: Exercise,
    *,
    version: int = 0,
    side: str | None = None,
    direction: str | None = None,
) -> str:
    """One version of the exercise's figure as one looping, self-contained SVG (CSS
    animation, no script); `side` and `direction` narrow it to one step's part
    (motion.build_loop). A figure with a second view draws both side by side, in step."""
    this = drawn(exercise, version)
    views: list[_View] = []
    for figure in this.figure.views:
        loop = refined(build_loop(Drawn(exercise, figure, version), side=side, direction=direction))
        placed = placed_keys(figure, loop)
        box = bounds((p.body for p in placed), Scene(figure, placed))
        views.append(_View(figure, loop, placed, box))
    x = 0.0
    for view in views:
        view.scale = HEIGHT / (view.box[3] - view.box[1])
        view.x = x
        x += view.width + VIEW_GAP
    width = x - VIEW_GAP
    rules: list[str] = []
    drawings: list[str] = []
    for index, view in enumerate(views):
        drawings.append(_view_markup(exercise, view, index, rules))
    loop = views[0].loop
    easing = this.figure.easing
    css = (
        "g,path{transform-origin:0 0;transform-box:view-box}"
        f".a{{animation:{_n(loop.duration)}s {easing} infinite both}}"
        + "".join(f".k{i}{{animation-name:k{i}}}" for i in range(len(rules)))
        + "".join(rules)
        + "@media (prefers-reduced-motion:reduce){.a{animation:none}}"
    )
    label = title(exercise, f"animated figure, one loop of {_n(loop.duration)} seconds")
    crop = ' data-crop="head"' if this.figure.crop == "head" else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(HEIGHT)}" '
        f'width="{_n(width)}" height="{_n(HEIGHT)}" '
        f'role="img" aria-labelledby="t" data-duration="{_n(loop.duration)}"{_hold_marks(loop)}'
        f'{_extent_marks(views)}{crop} data-views="{len(views)}">'
        f'<title id="t">{label}</title><style>{css}</style>{"".join(drawings)}</svg>'
    )


def _view_markup(exercise: Exercise, view: _View, index: int, rules: list[str]) -> str:
    figure, placed = view.figure, view.placed
    scene = Scene(figure, placed)
    kinds = {p.kind for p in figure.props}
    animation = _Animation(view.loop, placed, rules)
    held = weight_side(figure, False)

    def wrap_weight(side: str, markup: str) -> str:
        """The weight shows in the holding hand: this side's on the first side's keys, the
        other's on the mirrored side's."""
        values = [
            "scale(1,1)" if (p.key.side == "right") == (side != held) else "scale(0,0)"
            for p in placed
        ]
        if len(set(values)) == 1:
            return markup if values[0] == "scale(1,1)" else ""
        return f'<g class="{animation.animate(values)}">{markup}</g>'

    style = Style(
        lit=lit_parts(exercise, figure),
        props=kinds,
        behind=figure.behind,
        hidden=hidden_in(figure),
        held_by=held,
        wrap_weight=wrap_weight if held is not None else None,
    )
    first = placed[0].body.transforms
    body = figure_markup(figure.view, first, style, animation.group, animation.drawing)
    bands = ""
    if "band" in kinds:
        anchor = band_anchor(scene)
        bands = animation.band(anchor, "hand_l", FAR) + animation.band(anchor, "hand_r", INK)
        bands += anchor_dot(anchor)
    x0, y0, x1, y1 = view.box
    return (
        f'<svg x="{_n(view.x)}" y="{_n(view.y)}" width="{_n(view.width)}" height="{_n(HEIGHT)}" '
        f'viewBox="{x0} {y0} {x1 - x0} {y1 - y0}" data-v="{index}">'
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{_n(8 / view.scale)}" '
        f'fill="{BACKGROUND}"/>'
        f"{props_behind(scene, view.box, _turned_chair(figure, animation))}{floor(view.box)}"
        f"{body}{bands}"
        f"{trace_markup(figure, view.loop)}</svg>"
    )
