"""The still strip: the key poses side by side with arrows, for print, the gallery and
people who prefer reduced motion. A figure with two views (issue 18) gets one row per view,
the poses in step; a close-up is cut to the head and shoulders and drawn as large as the
whole-body poses."""

from __future__ import annotations

from dataclasses import dataclass

from unknot.domain.exercise import Exercise
from unknot.domain.figure import Angles, Figure, Keyframe, mirror
from unknot.figures import skeleton as sk
from unknot.figures.motion import Drawn, build_loop, direction_blocks, drawn, mirror_part
from unknot.figures.svg import (
    BACKGROUND,
    FAR,
    INK,
    Box,
    Scene,
    Style,
    _n,
    _rect,
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

ROW_H = 240.0
"""Height of every drawn pose in the strip's units (about CSS px at natural size)."""
GAP = 40.0
MIN_CELL_W = 240.0
"""Room for a label under the narrowest pose."""
LABEL_SPACE = 30.0
CAPTION_SPACE = 28.0
FONT = 20

VIEW_WORDS = {"side": "From the side", "front": "From the front", "back": "From behind"}


@dataclass(frozen=True)
class Panel:
    """One key pose: which frame of which direction, on which side."""

    direction: str | None
    index: int
    label: str
    mirrored: bool = False


def _label(frame: Keyframe, index: int, hold_s: float, direction: str | None) -> str:
    text = frame.label or (
        "Start" if index == 0 else (direction or "").replace("_", " ").capitalize()
    )
    if frame.hold and hold_s:
        text = f"{text}, hold {hold_s:g} s" if text else f"Hold {hold_s:g} s"
    return text


def _frames(figure: Figure, version: Drawn, direction: str | None) -> list[Keyframe]:
    blocks = dict(direction_blocks(version.exercise, figure))
    return list(blocks.get(direction, figure.frames))


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
            out.append(Panel(direction if figure.direction_frames else None, index, label))
    if version.per_side:
        peak = next((p for p in out[1:] if "hold" in p.label), out[-1])
        out.append(Panel(peak.direction, peak.index, "Other side", mirrored=True))
    return out


def pose_of(version: Drawn, figure: Figure, panel: Panel) -> sk.Body:
    """One view's pose for a panel, placed."""
    frame = _frames(figure, version, panel.direction)[panel.index]
    angles = figure.frame_angles(frame)
    lifted: frozenset[str] = frozenset(frame.lifted)
    if panel.mirrored:
        angles = mirror(angles, figure.view)
        lifted = frozenset(mirror_part(p) for p in lifted)
    return sk.place(figure, angles, lifted)


def style_of(exercise: Exercise, figure: Figure, *, mirrored: bool = False) -> Style:
    kinds = {p.kind for p in figure.props}
    return Style(
        lit=lit_parts(exercise, figure),
        props=kinds,
        behind=figure.behind,
        hidden=hidden_in(figure),
        held_by=weight_side(figure, mirrored),
    )


def still(
    scene: Scene,
    box: Box,
    body: sk.Body,
    style: Style,
    *,
    ghost: sk.Body | None = None,
    trace: str = "",
    mirrored: bool = False,
) -> str:
    """One still pose with its props and floor, in the view's own units (cm)."""
    figure = scene.figure
    parts = [_rect(box[0], box[1], box[2] - box[0], box[3] - box[1], f' fill="{BACKGROUND}"')]
    parts.append(props_behind(scene, box, ' transform="scale(-1 1)"' if mirrored else None))
    parts.append(floor(box))
    if ghost is not None:
        faint = Style(
            lit=set(),
            props=style.props,
            ink=FAR,
            far=FAR,
            behind=style.behind,
            held_by=style.held_by,
            hidden=style.hidden,
        )
        parts.append(f'<g opacity=".35">{figure_markup(figure.view, ghost.transforms, faint)}</g>')
    parts.append(figure_markup(figure.view, body.transforms, style) + trace)
    if "band" in style.props:
        ax, ay = band_anchor(scene)
        for hand, colour in (("hand_l", FAR), ("hand_r", INK)):
            hx, hy = body.points[hand]
            line = f"M{_n(ax)} {_n(ay)}L{_n(hx)} {_n(hy)}"
            parts.append(f'<path d="{line}" stroke="{colour}" stroke-width="2.5"/>')
        parts.append(anchor_dot((ax, ay)))
    return "".join(parts)


def nested(x: float, y: float, width: float, height: float, box: Box, inner: str, clip: str) -> str:
    """A view's drawing (in cm) placed in the outer layout, clipped to its box so a close-up
    shows only the head and shoulders. A group with a transform and a clip path, not a nested
    `<svg>`: every renderer agrees on those (cairosvg misplaces a nested viewBox)."""
    x0, y0, x1, y1 = box
    scale = min(width / (x1 - x0), height / (y1 - y0))
    return (
        f'<clipPath id="{clip}"><rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" '
        f'height="{_n(y1 - y0)}"/></clipPath>'
        f'<g transform="translate({_n(x - x0 * scale)} {_n(y - y0 * scale)}) scale({scale:.4f})">'
        f'<g clip-path="url(#{clip})">{inner}</g></g>'
    )


def _arrow(x: float, y: float) -> str:
    return (
        f'<path d="M{_n(x - 9)} {_n(y)}h18m-7 -7l7 7l-7 7" stroke="{INK}" '
        'stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"/>'
    )


def strip_svg(exercise: Exercise, *, version: int = 0) -> str:
    """One version's key poses as one still SVG any renderer can draw."""
    this = drawn(exercise, version)
    chosen = panels(this)
    views = this.figure.views
    rows: list[tuple[Figure, Box, list[sk.Body], Scene, str]] = []
    for figure in views:
        seen = Drawn(exercise, figure, version)
        loop = build_loop(seen)
        placed_loop = placed_keys(figure, loop)
        scene = Scene(figure, placed_loop)
        bodies = [pose_of(this, figure, p) for p in chosen]
        box = bounds([*bodies, *(p.body for p in placed_loop)], scene)
        rows.append((figure, box, bodies, scene, trace_markup(figure, loop)))
    cell_w = max(
        max(MIN_CELL_W, ROW_H * (box[2] - box[0]) / (box[3] - box[1])) for _, box, *_ in rows
    )
    # Wide enough for the longest label (DejaVu Sans averages about 0.6 em a character).
    cell_w = max(cell_w, max(len(p.label) for p in chosen) * FONT * 0.6 + 8)
    captioned = len(rows) > 1
    parts: list[str] = []
    y = 0.0
    for figure, box, bodies, scene, trace in rows:
        if captioned:
            caption = VIEW_WORDS[figure.view] + (", close up" if figure.crop == "head" else "")
            parts.append(f'<text x="0" y="{_n(y + FONT)}" class="c">{caption}</text>')
            y += CAPTION_SPACE
        style = style_of(exercise, figure)
        box_w, box_h = box[2] - box[0], box[3] - box[1]
        scale = min(cell_w / box_w, ROW_H / box_h)
        for index, (panel, body) in enumerate(zip(chosen, bodies, strict=True)):
            x = index * (cell_w + GAP)
            ghost = bodies[index - 1] if index > 0 else None
            chair = figure.prop("chair")
            turned = chair is not None and chair.turned
            own = style_of(exercise, figure, mirrored=True) if panel.mirrored else style
            inner = still(
                scene,
                box,
                body,
                own,
                ghost=ghost,
                trace=trace,
                mirrored=panel.mirrored and turned,
            )
            w, h = box_w * scale, box_h * scale
            parts.append(_rect(x, y, cell_w, ROW_H, f' rx="10" fill="{BACKGROUND}"'))
            clip = f"c{len(parts)}"
            parts.append(nested(x + (cell_w - w) / 2, y + (ROW_H - h) / 2, w, h, box, inner, clip))
            parts.append(
                f'<text x="{_n(x + cell_w / 2)}" y="{_n(y + ROW_H + FONT + 2)}" '
                f'text-anchor="middle">{_escape(panel.label)}</text>'
            )
            if index < len(chosen) - 1:
                parts.append(_arrow(x + cell_w + GAP / 2, y + ROW_H / 2))
        y += ROW_H + LABEL_SPACE + 6
    total_w = len(chosen) * cell_w + (len(chosen) - 1) * GAP
    total_h = y + FONT + 8
    parts.append(f'<text x="0" y="{_n(total_h - 8)}" class="n">{_escape(_summary(this))}</text>')
    label = title(exercise, "key poses, " + ", then ".join(p.label for p in chosen))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(total_w)} {_n(total_h)}" '
        f'width="{_n(total_w)}" height="{_n(total_h)}" role="img" aria-labelledby="t">'
        f'<title id="t">{label}</title>'
        f'<rect width="100%" height="100%" fill="#fff"/>'
        f"<style>text{{font:{FONT}px 'DejaVu Sans',Arial,sans-serif;fill:#263238}}"
        ".n{fill:#546e7a}.c{font-weight:bold}</style>" + "".join(parts) + "</svg>"
    )


def _summary(version: Drawn) -> str:
    exercise = version.exercise
    dosage = exercise.dosage
    words = [exercise.name]
    if version.label:
        words.append(version.label)
    if dosage.directions:
        words.append(" then ".join(d.replace("_", " ") for d in dosage.directions))
    if version.per_side:
        first = exercise.side_words[0] if exercise.side_words else "one side"
        words.append(f"{first}, then the other side")
    return " · ".join(words)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
