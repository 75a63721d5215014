"""The still strip: the key poses side by side with arrows, for print, the gallery and
people who prefer reduced motion."""

from __future__ import annotations

from dataclasses import dataclass

from unknot.domain.exercise import Exercise
from unknot.domain.figure import Angles, Keyframe, mirror
from unknot.figures import skeleton as sk
from unknot.figures.motion import Drawn, build_loop, direction_blocks, drawn
from unknot.figures.svg import (
    BACKGROUND,
    FAR,
    INK,
    Scene,
    Style,
    _n,
    _rect,
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

GAP = 34.0
MIN_WIDTH = 150.0
"""Room for a label under the narrowest figure."""
LABEL_SPACE = 22.0


@dataclass(frozen=True)
class Panel:
    angles: Angles
    label: str
    lifted: frozenset[str]


def _label(frame: Keyframe, index: int, hold_s: float, direction: str | None) -> str:
    text = frame.label or (
        "Start" if index == 0 else (direction or "").replace("_", " ").capitalize()
    )
    if frame.hold and hold_s:
        text = f"{text}, hold {hold_s:g} s" if text else f"Hold {hold_s:g} s"
    return text


def panels(version: Drawn) -> list[Panel]:
    """The distinct poses of the first side in order, then the other side's mirrored pose."""
    exercise, figure = version.exercise, version.figure
    hold_s = float(exercise.dosage.hold_s[0]) if exercise.dosage.hold_s else 0.0
    out: list[Panel] = []
    seen: list[Angles] = []
    blocks = direction_blocks(exercise, figure)
    if figure.direction_frames is None:
        blocks = blocks[:1]
    for direction, frames in blocks:
        for index, frame in enumerate(frames):
            angles = figure.frame_angles(frame)
            if angles in seen:
                continue
            seen.append(angles)
            label = _label(frame, index, hold_s, direction if figure.direction_frames else None)
            out.append(Panel(angles, label, frozenset(frame.lifted)))
    if version.per_side:
        peak = next((p for p in out[1:] if "hold" in p.label), out[-1])
        out.append(Panel(mirror(peak.angles, figure.view), "Other side", frozenset()))
    return out


def strip_svg(exercise: Exercise, *, version: int = 0) -> str:
    """One version's key poses as one still SVG any renderer can draw."""
    this = drawn(exercise, version)
    figure = this.figure
    loop = build_loop(this)
    placed_loop = placed_keys(figure, loop)
    scene = Scene(figure, placed_loop)
    chosen = panels(this)
    bodies = [sk.place(figure, p.angles) for p in chosen]
    box = bounds([*bodies, *(p.body for p in placed_loop)], scene)
    x0, y0, x1, y1 = box
    if x1 - x0 < MIN_WIDTH:
        grow = (MIN_WIDTH - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
        box = (x0, y0, x1, y1)
    width = x1 - x0
    kinds = {p.kind for p in figure.props}
    style = Style(lit=lit_parts(exercise), props=kinds)
    ghost = Style(lit=set(), props=kinds, ink=FAR, far=FAR)
    trace = trace_markup(figure, loop)
    parts: list[str] = []
    for index, (panel, body) in enumerate(zip(chosen, bodies, strict=True)):
        dx = index * (width + GAP) - x0
        parts.append(f'<g transform="translate({_n(dx)} {_n(-y0)})">')
        parts.append(_rect(x0, y0, width, y1 - y0, f' rx="8" fill="{BACKGROUND}"'))
        parts.append(props_behind(scene, box) + floor(box))
        if index > 0:
            previous = bodies[index - 1]
            parts.append(
                f'<g opacity=".35">{figure_markup(figure.view, previous.transforms, ghost)}</g>'
            )
        parts.append(figure_markup(figure.view, body.transforms, style) + trace)
        if "band" in kinds:
            ax, ay = band_anchor(scene)
            for hand, colour in (("hand_l", FAR), ("hand_r", INK)):
                hx, hy = body.points[hand]
                line = f"M{_n(ax)} {_n(ay)}L{_n(hx)} {_n(hy)}"
                parts.append(f'<path d="{line}" stroke="{colour}" stroke-width="2.5"/>')
            parts.append(anchor_dot((ax, ay)))
        parts.append(
            f'<text x="{_n(x0 + width / 2)}" y="{_n(y1 + 16)}" text-anchor="middle">'
            f"{_escape(panel.label)}</text></g>"
        )
        if index < len(chosen) - 1:
            ax = (index + 1) * (width + GAP) - GAP / 2 - 8
            ay = (y1 - y0) / 2
            parts.append(
                f'<path d="M{_n(ax - 6)} {_n(ay)}h18m-7 -7l7 7l-7 7" stroke="{INK}" '
                'stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"/>'
            )
    total_w = len(chosen) * width + (len(chosen) - 1) * GAP
    total_h = (y1 - y0) + LABEL_SPACE + 18
    notes = _summary(this)
    parts.append(f'<text x="0" y="{_n(total_h - 4)}" class="n">{_escape(notes)}</text>')
    label = title(exercise, "key poses, " + ", then ".join(p.label for p in chosen))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(total_w)} {_n(total_h)}" '
        f'width="{_n(total_w * 2)}" height="{_n(total_h * 2)}" role="img" aria-labelledby="t">'
        f'<title id="t">{label}</title>'
        f'<rect width="100%" height="100%" fill="#fff"/>'
        "<style>text{font:11px 'DejaVu Sans',Arial,sans-serif;fill:#263238}.n{fill:#546e7a}</style>"
        + "".join(parts)
        + "</svg>"
    )


def _summary(version: Drawn) -> str:
    exercise = version.exercise
    dosage = exercise.dosage
    words = [exercise.name]
    if dosage.directions:
        words.append(" then ".join(d.replace("_", " ") for d in dosage.directions))
    if version.label:
        words.append(version.label)
    if version.per_side:
        first = exercise.side_words[0] if exercise.side_words else "one side"
        words.append(f"{first}, then the other side")
    return " · ".join(words)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
