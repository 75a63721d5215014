"""Progress charts as small, self-contained, accessible SVG (used by the CLI and the web pages).

Written by hand rather than with a plotting library: a few hundred bytes each, labelled for
screen readers, and readable on a phone. SVG text scales with the drawing, so the drawing is
as wide as a phone's page (360 units for the 328 px a 360 px screen leaves it) and its text is
14 units: 12.8 px there, more on a wider screen (issue 17: 12-unit text in a 640-unit drawing
was 6 px on a phone).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from html import escape

WIDTH = 360
HEIGHT = 260
FONT = 14
LEFT, RIGHT, BOTTOM = 40, 12, 34
TITLE_Y = 20
# Colour-blind-safe palette (Okabe-Ito), dark enough on white for WCAG non-text contrast.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56B4E9")
# About how wide a character of 14-unit system-ui text is, to lay out legends and labels.
CHAR = 0.6 * FONT
# A label on the time axis needs this much room, "30 Nov" and a gap.
LABEL_ROOM = 7 * CHAR


def _frame(title: str, description: str, body: str) -> str:
    # Ids from the title: a page showing all three charts has each id once.
    name = "chart-" + "-".join(title.lower().replace(":", "").split()[:3])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{name}-t {name}-d" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">'
        f'<title id="{name}-t">{escape(title)}</title>'
        f'<desc id="{name}-d">{escape(description)}</desc>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
        f'<text x="{LEFT}" y="{TITLE_Y}" font-size="16" font-weight="600" fill="#111">'
        f"{escape(title)}</text>"
        f"{body}</svg>"
    )


def short_day(day: dt.date) -> str:
    """A day on the time axis: "17 Nov"."""
    return f"{day.day} {day:%b}"


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    """A point: a filled circle, or a hollow triangle (distinct without colour)."""
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="#fff" stroke="{colour}" stroke-width="2"/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _legend(entries: Sequence[tuple[str, str, str, bool]]) -> tuple[str, float]:
    """Legend entries (name, colour, marker shape, dashed line) laid out in rows under the
    title, wrapping at the drawing's width; the markup and where the plot may begin."""
    parts = []
    x, y = float(LEFT), TITLE_Y + 22.0
    for name, colour, shape, dashed in entries:
        width = 30 + len(name) * CHAR
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, y = float(LEFT), y + 20
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        parts.append(
            f'<g class="legend-entry"><line x1="{x:.1f}" x2="{x + 22:.1f}" y1="{y - 5:.1f}" '
            f'y2="{y - 5:.1f}" stroke="{colour}" stroke-width="2.5"{dash}/>'
            f"{_marker(shape, x + 11, y - 5, colour)}"
            f'<text x="{x + 28:.1f}" y="{y:.1f}" fill="#222">{escape(name)}</text></g>'
        )
        x += width + 12
    return "".join(parts), y + 14


def _y_axis(top: float, top_value: float, ticks: Sequence[float], label: str) -> str:
    plot_h = HEIGHT - top - BOTTOM
    parts = []
    for tick in ticks:
        y = top + plot_h * (1 - tick / top_value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 5:.1f}" text-anchor="end" fill="#333">{tick:g}</text>'
        )
    middle = top + plot_h / 2
    parts.append(
        f'<text x="14" y="{middle:.1f}" fill="#333" transform="rotate(-90 14 {middle:.1f})" '
        f'text-anchor="middle">{escape(label)}</text>'
    )
    return "".join(parts)


def _x_labels(positions: Sequence[tuple[float, str]]) -> str:
    """Labels under the plot, every so many so that none overlaps the next."""
    if not positions:
        return ""
    gap = (positions[-1][0] - positions[0][0]) / max(len(positions) - 1, 1)
    every = max(1, math.ceil(LABEL_ROOM / gap)) if gap > 0 else len(positions)
    return "".join(
        f'<text x="{x:.1f}" y="{HEIGHT - 12}" text-anchor="middle" fill="#333">'
        f"{escape(label)}</text>"
        for index, (x, label) in enumerate(positions)
        if index % every == 0
    )


def _series(
    name: str, colour: str, shape: str, dashed: bool, coords: Sequence[tuple[float, float]]
) -> str:
    """One series: a line through its points and a marker on each, grouped and named."""
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    line = (
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
        if len(coords) > 1
        else ""
    )
    markers = "".join(_marker(shape, x, y, colour) for x, y in coords)
    return f'<g class="series" data-series="{escape(name)}">{line}{markers}</g>'


def pain_over_time(series: Mapping[str, Sequence[tuple[dt.date, float]]]) -> str:
    """One line per area, pain 0-10 against the date."""
    points = [d for values in series.values() for d, _ in values]
    title = "Pain over time"
    if not points:
        return _frame(title, "No pain check-ins yet.", "")
    first, last = min(points), max(points)
    span = max((last - first).days, 1)
    areas = sorted(series.items())
    legend, top = _legend(
        [
            (area.replace("_", " "), COLOURS[n % len(COLOURS)], "circle", False)
            for n, (area, _) in enumerate(areas)
        ]
    )
    plot_w = WIDTH - LEFT - RIGHT - 8
    plot_h = HEIGHT - top - BOTTOM
    body = [legend, _y_axis(top, 10, (0, 2, 4, 6, 8, 10), "pain 0-10")]
    body.append(
        f'<text x="{LEFT}" y="{HEIGHT - 12}" fill="#333">{short_day(first)}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 12}" text-anchor="end" fill="#333">'
        f"{short_day(last)}</text>"
    )
    described = []
    for number, (area, values) in enumerate(areas):
        colour = COLOURS[number % len(COLOURS)]
        coords = [
            (LEFT + 4 + plot_w * (d - first).days / span, top + plot_h * (1 - v / 10))
            for d, v in sorted(values)
        ]
        body.append(_series(area.replace("_", " "), colour, "circle", False, coords))
        ordered = sorted(values)
        described.append(
            f"{area.replace('_', ' ')}: {ordered[0][1]:g} on {ordered[0][0]} to "
            f"{ordered[-1][1]:g} on {ordered[-1][0]}"
        )
    return _frame(title, "; ".join(described) + ".", "".join(body))


def before_after(sessions: Sequence[tuple[dt.date, float, float]]) -> str:
    """Worst pain before and after each session: two series, each with its own line and
    marker, one point per session in order (a session's two readings are not joined)."""
    title = "Pain before and after sessions"
    if not sessions:
        return _frame(title, "Nothing recorded yet.", "")
    before_name, after_name = "before a session", "after it"
    legend, top = _legend(
        [(before_name, COLOURS[0], "circle", False), (after_name, COLOURS[1], "triangle", True)]
    )
    plot_w = WIDTH - LEFT - RIGHT - 16
    plot_h = HEIGHT - top - BOTTOM
    step = plot_w / max(len(sessions) - 1, 1)
    xs = [LEFT + 8 + (step * i if len(sessions) > 1 else plot_w / 2) for i in range(len(sessions))]

    def y(value: float) -> float:
        return top + plot_h * (1 - min(value, 10) / 10)

    body = [
        legend,
        _y_axis(top, 10, (0, 5, 10), "pain 0-10"),
        _series(
            before_name,
            COLOURS[0],
            "circle",
            False,
            [(x, y(b)) for x, (_, b, _) in zip(xs, sessions, strict=True)],
        ),
        _series(
            after_name,
            COLOURS[1],
            "triangle",
            True,
            [(x, y(a)) for x, (_, _, a) in zip(xs, sessions, strict=True)],
        ),
        _x_labels([(x, short_day(d)) for x, (d, _, _) in zip(xs, sessions, strict=True)]),
    ]
    described = [f"{short_day(d)}: {b:g} before, {a:g} after" for d, b, a in sessions]
    return _frame(title, "; ".join(described) + ".", "".join(body))


def weekly_adherence(weeks: Sequence[tuple[dt.date, int, int]]) -> str:
    """Sessions done against planned, per week (by the week's first day)."""
    title = "Sessions per week"
    if not weeks:
        return _frame(title, "Nothing recorded yet.", "")
    names = ("done", "planned")
    legend, top = _legend([(n, COLOURS[i], "square", False) for i, n in enumerate(names)])
    top_value = max([max(done, planned) for _, done, planned in weeks] + [1])
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - top - BOTTOM
    step = plot_w / len(weeks)
    width = min(22.0, step * 0.8 / len(names))
    every = 1 if top_value <= 6 else math.ceil(top_value / 6)
    ticks = sorted({*(float(t) for t in range(0, top_value + 1, every)), float(top_value)})
    body = [legend, _y_axis(top, top_value, ticks, "sessions")]
    described = []
    for index, (start, done, planned) in enumerate(weeks):
        x0 = LEFT + index * step + (step - width * len(names)) / 2
        for number, value in enumerate((done, planned)):
            height = plot_h * min(value, top_value) / top_value
            body.append(
                f'<rect x="{x0 + number * width:.1f}" y="{top + plot_h - height:.1f}" '
                f'width="{width - 2:.1f}" height="{height:.1f}" fill="{COLOURS[number]}"/>'
            )
        described.append(f"week from {short_day(start)}: {done} done, {planned} planned")
    body.append(
        _x_labels(
            [
                (LEFT + i * step + step / 2, short_day(start))
                for i, (start, _, _) in enumerate(weeks)
            ]
        )
    )
    return _frame(title, "; ".join(described) + ".", "".join(body))
