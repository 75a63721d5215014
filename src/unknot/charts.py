"""Progress charts as small, self-contained, accessible SVG (used by the CLI and the web pages).

Written by hand rather than with a plotting library: a few hundred bytes each, readable on a
phone (they scale to their container), and labelled for screen readers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape

WIDTH = 640
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 36, 40
# Colour-blind-safe palette (Okabe-Ito), dark enough on white for WCAG non-text contrast.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56B4E9")


def _frame(title: str, description: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="t d" '
        'font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
        f'<text x="{LEFT}" y="20" font-size="15" font-weight="600" fill="#111">'
        f"{escape(title)}</text>"
        f"{body}</svg>"
    )


def _y_axis(top_value: float, ticks: Sequence[float], label: str) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for tick in ticks:
        y = TOP + plot_h * (1 - tick / top_value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{tick:g}</text>'
        )
    parts.append(
        f'<text x="12" y="{TOP + plot_h / 2:.1f}" fill="#333" '
        f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})" text-anchor="middle">'
        f"{escape(label)}</text>"
    )
    return "".join(parts)


def pain_over_time(series: Mapping[str, Sequence[tuple[dt.date, float]]]) -> str:
    """One line per area, pain 0-10 against the date."""
    points = [d for values in series.values() for d, _ in values]
    title = "Pain over time"
    if not points:
        return _frame(title, "No pain check-ins yet.", "")
    first, last = min(points), max(points)
    span = max((last - first).days, 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    body = [_y_axis(10, (0, 2, 4, 6, 8, 10), "pain 0-10")]
    body.append(
        f'<text x="{LEFT}" y="{HEIGHT - 12}" fill="#333">{first.isoformat()}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 12}" text-anchor="end" fill="#333">'
        f"{last.isoformat()}</text>"
    )
    described = []
    for number, (area, values) in enumerate(sorted(series.items())):
        colour = COLOURS[number % len(COLOURS)]
        coords = [
            (LEFT + plot_w * (d - first).days / span, TOP + plot_h * (1 - v / 10))
            for d, v in sorted(values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        body.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in coords)
        body.append(
            f'<text x="{LEFT + 8 + number * 110}" y="{TOP - 4}" fill="{colour}" font-weight="600">'
            f"■ {escape(area.replace('_', ' '))}</text>"
        )
        ordered = sorted(values)
        described.append(
            f"{area.replace('_', ' ')}: {ordered[0][1]:g} on {ordered[0][0]} to "
            f"{ordered[-1][1]:g} on {ordered[-1][0]}"
        )
    return _frame(title, "; ".join(described) + ".", "".join(body))


def _bars(
    title: str,
    groups: Sequence[tuple[str, Sequence[float]]],
    names: Sequence[str],
    top_value: float,
    axis: str,
) -> str:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    if not groups:
        return _frame(title, "Nothing recorded yet.", "")
    step = plot_w / len(groups)
    width = min(28.0, step * 0.8 / max(len(names), 1))
    ticks = sorted({0.0, round(top_value / 2, 1), float(top_value)})
    body = [_y_axis(top_value, ticks, axis)]
    for number, name in enumerate(names):
        body.append(
            f'<text x="{LEFT + 8 + number * 120}" y="{TOP - 4}" fill="{COLOURS[number]}" '
            f'font-weight="600">■ {escape(name)}</text>'
        )
    every = max(1, len(groups) // 8)
    described = []
    for index, (label, values) in enumerate(groups):
        x0 = LEFT + index * step + (step - width * len(values)) / 2
        for number, value in enumerate(values):
            height = plot_h * min(value, top_value) / top_value
            body.append(
                f'<rect x="{x0 + number * width:.1f}" y="{TOP + plot_h - height:.1f}" '
                f'width="{width - 2:.1f}" height="{height:.1f}" fill="{COLOURS[number]}"/>'
            )
        if index % every == 0:
            body.append(
                f'<text x="{LEFT + index * step + step / 2:.1f}" y="{HEIGHT - 22}" '
                f'text-anchor="middle" fill="#333">{escape(label)}</text>'
            )
        described.append(
            f"{label}: " + ", ".join(f"{n} {v:g}" for n, v in zip(names, values, strict=True))
        )
    return _frame(title, "; ".join(described) + ".", "".join(body))


def before_after(sessions: Sequence[tuple[str, float, float]]) -> str:
    """Worst pain before and after each session."""
    return _bars(
        "Pain before and after each session",
        [(label, (before, after)) for label, before, after in sessions],
        ("before", "after"),
        10,
        "pain 0-10",
    )


def weekly_adherence(weeks: Sequence[tuple[str, int, int]]) -> str:
    """Sessions done against planned, per week."""
    top = max([max(done, planned) for _, done, planned in weeks] + [1])
    return _bars(
        "Sessions per week: done and planned",
        [(label, (done, planned)) for label, done, planned in weeks],
        ("done", "planned"),
        top,
        "sessions",
    )
