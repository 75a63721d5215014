"""The animated figure: one self-contained SVG looping at the exercise's real tempo."""

from __future__ import annotations

import math

from unknot.domain.exercise import Exercise
from unknot.figures.motion import Loop, build_loop, drawn, refined
from unknot.figures.svg import (
    BACKGROUND,
    FAR,
    INK,
    Placed,
    Scene,
    Style,
    _n,
    anchor_dot,
    band_anchor,
    bounds,
    figure_markup,
    floor,
    lit_parts,
    placed_keys,
    props_behind,
    title,
    trace_markup,
)

SCALE = 1.25
"""Pixels per centimetre at the figure's natural size (a standing figure is 230 px tall)."""


def _percent(t: float, duration: float) -> str:
    """A keyframe's place in the loop, to 0.001 % (a millisecond in a 100 s loop)."""
    text = f"{100 * t / duration:.3f}".rstrip("0").rstrip(".") if duration else "0"
    return text or "0"


class _Animation:
    """Collects CSS keyframes for the groups whose transform changes during the loop."""

    def __init__(self, loop: Loop, placed: list[Placed]) -> None:
        self.loop = loop
        self.placed = placed
        self.rules: list[str] = []

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
        lengths = [p.body.transforms[group].length for p in self.placed]
        if max(lengths) - min(lengths) < 0.5 or not markup:
            return markup
        first = lengths[0]
        classes = self.animate([f"scale(1,{round(length / first, 3)})" for length in lengths])
        return f'<g class="{classes}">{markup}</g>'

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


def _hold_marks(loop: Loop) -> str:
    """When the loop's first hold starts and ends (s), so a player can start a hold step or a
    release step at the right moment of the loop."""
    holds = [k.t for k in loop.keys if k.hold]
    if len(holds) < 2:
        return ""
    return f' data-hold="{_n3(holds[0])}" data-release="{_n3(holds[1])}"'


def _extent_marks(placed: list[Placed]) -> str:
    """The drawn body's box over the whole loop and the head's, in the viewBox's units
    (x y width height), so a page can tell how large the person and the head appear."""
    return f' data-content="{_box_text(placed, None)}" data-head="{_box_text(placed, "head")}"'


def _box_text(placed: list[Placed], only: str | None) -> str:
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
    return f"{_n(x0)} {_n(y0)} {_n(max(xs) - x0)} {_n(max(ys) - y0)}"


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


def animated_svg(
    exercise: Exercise,
    *,
    version: int = 0,
    side: str | None = None,
    direction: str | None = None,
) -> str:
    """One version of the exercise's figure as one looping, self-contained SVG (CSS
    animation, no script); `side` and `direction` narrow it to one step's part
    (motion.build_loop)."""
    this = drawn(exercise, version)
    figure = this.figure
    loop = refined(build_loop(this, side=side, direction=direction))
    placed = placed_keys(figure, loop)
    scene = Scene(figure, placed)
    box = bounds((p.body for p in placed), scene)
    kinds = {p.kind for p in figure.props}
    style = Style(lit=lit_parts(exercise), props=kinds)
    animation = _Animation(loop, placed)
    first = placed[0].body.transforms
    body = figure_markup(figure.view, first, style, animation.group, animation.drawing)
    bands = ""
    if "band" in kinds:
        anchor = band_anchor(scene)
        bands = animation.band(anchor, "hand_l", FAR) + animation.band(anchor, "hand_r", INK)
        bands += anchor_dot(anchor)
    x0, y0, x1, y1 = box
    easing = figure.easing
    css = (
        "g,path{transform-origin:0 0;transform-box:view-box}"
        f".a{{animation:{_n(loop.duration)}s {easing} infinite both}}"
        + "".join(f".k{i}{{animation-name:k{i}}}" for i in range(len(animation.rules)))
        + "".join(animation.rules)
        + "@media (prefers-reduced-motion:reduce){.a{animation:none}}"
    )
    label = title(exercise, f"animated figure, one loop of {_n(loop.duration)} seconds")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {x1 - x0} {y1 - y0}" '
        f'width="{_n((x1 - x0) * SCALE)}" height="{_n((y1 - y0) * SCALE)}" '
        f'role="img" aria-labelledby="t" data-duration="{_n(loop.duration)}"{_hold_marks(loop)}'
        f"{_extent_marks(placed)}>"
        f'<title id="t">{label}</title><style>{css}</style>'
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="8" fill="{BACKGROUND}"/>'
        f"{props_behind(scene, box)}{floor(box)}{body}{bands}{trace_markup(figure, loop)}</svg>"
    )
