"""A contact sheet per exercise (issue 18): every version's key-pose strip and its animation
sampled at even moments of the loop, in one image, so a reviewer looks at one picture per
exercise instead of hundreds of frames."""

from __future__ import annotations

import html

from unknot.domain.exercise import Exercise
from unknot.figures import skeleton as sk
from unknot.figures.motion import Drawn, angles_at, build_loop, every_version, lifted_at
from unknot.figures.strip import nested, still, strip_svg, style_of
from unknot.figures.svg import Scene, _n, bounds, placed_keys

SAMPLES = 8
"""Moments of the loop drawn per view: enough to see a pose pass through the wrong place."""
SAMPLE_H = 160.0
SHEET_W = 1600.0
HEADING = 34.0


def contact_sheet_svg(exercise: Exercise) -> str:
    """Every version of one exercise: its strip, then each view's loop at `SAMPLES` moments."""
    parts: list[str] = []
    y = 0.0
    for version in every_version(exercise):
        heading = f"{exercise.name}, version {version.version}"
        if version.label:
            heading += f": {version.label}"
        parts.append(f'<text x="0" y="{_n(y + 24)}" class="h">{html.escape(heading)}</text>')
        y += HEADING
        strip = strip_svg(exercise, version=version.version)
        width, height = _size(strip)
        scale = min(1.0, SHEET_W / width)
        inner = strip.split(">", 1)[1].rsplit("</svg>", 1)[0]
        inner = inner.replace('id="c', f'id="v{version.version}c').replace(
            "url(#c", f"url(#v{version.version}c"
        )
        parts.append(f'<g transform="translate(0 {_n(y)}) scale({scale:.4f})">{inner}</g>')
        y += height * scale + 10
        for figure in version.figure.views:
            y = _samples(Drawn(exercise, figure, version.version), parts, y)
        y += 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(SHEET_W)} {_n(y)}" '
        f'width="{_n(SHEET_W)}" height="{_n(y)}">'
        f'<rect width="100%" height="100%" fill="#fff"/>'
        "<style>text{font:16px 'DejaVu Sans',Arial,sans-serif;fill:#263238}"
        ".h{font-size:22px;font-weight:bold}</style>" + "".join(parts) + "</svg>"
    )


def _samples(version: Drawn, parts: list[str], y: float) -> float:
    figure = version.figure
    loop = build_loop(version)
    scene = Scene(figure, placed_keys(figure, loop))
    times = [loop.duration * i / SAMPLES for i in range(SAMPLES)]
    bodies = [sk.place(figure, angles_at(loop, t), lifted_at(loop, t)) for t in times]
    box = bounds([*bodies, *(p.body for p in scene.placed)], scene)
    cell_w = SHEET_W / SAMPLES - 8
    scale = min(cell_w / (box[2] - box[0]), SAMPLE_H / (box[3] - box[1]))
    w, h = (box[2] - box[0]) * scale, (box[3] - box[1]) * scale
    style = style_of(version.exercise, figure)
    for index, (t, body) in enumerate(zip(times, bodies, strict=True)):
        x = index * (cell_w + 8)
        clip = f"s{version.version}{figure.view}{index}y{int(y)}"
        parts.append(nested(x, y, w, h, box, still(scene, box, body, style), clip))
        parts.append(f'<text x="{_n(x)}" y="{_n(y + h + 16)}">{figure.view} {t:.1f} s</text>')
    return y + h + 26


def _size(svg: str) -> tuple[float, float]:
    head = svg.split(">", 1)[0]
    width = float(head.split('width="', 1)[1].split('"', 1)[0])
    height = float(head.split('height="', 1)[1].split('"', 1)[0])
    return width, height
