"""The gallery page: every exercise's figure and strip on one self-contained page."""

from __future__ import annotations

import html
from collections.abc import Iterable

from unknot.domain.exercise import Exercise
from unknot.figures.motion import build_loop, every_version

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:1rem auto;max-width:80rem;padding:0 1rem;
color:#1c2529}
h1{margin:.5rem 0}ul.grid{list-style:none;padding:0;display:grid;gap:1rem;
grid-template-columns:repeat(auto-fill,minmax(22rem,1fr))}
li.card{border:1px solid #d0d7db;border-radius:12px;padding:.75rem}
li.card h2{font-size:1.1rem;margin:0}.meta{color:#4a5a62;font-size:.9rem;margin:.2rem 0 .5rem}
.animated{width:12rem;height:12rem;object-fit:contain;display:block;margin:0 auto}
.strip{max-width:100%;max-height:12rem;width:auto;height:auto;margin-top:.5rem;display:block}
"""


def index_html(exercises: Iterable[Exercise]) -> str:
    """A page showing each animated figure beside its name, with its keyframe strip below."""
    cards = []
    exercises = list(exercises)
    for exercise in exercises:
        for version in every_version(exercise):
            figure = version.figure
            loop = build_loop(version)
            name = html.escape(exercise.name + (f" ({version.label})" if version.label else ""))
            file = exercise.id if version.version == 0 else f"{exercise.id}.{version.version}"
            ident = html.escape(file)
            cards.append(
                f'<li class="card" id="{ident}"><h2>{name}</h2>'
                f'<p class="meta">{ident} · {exercise.phase} · {figure.view} view · '
                f"one loop {loop.duration:g} s</p>"
                f'<picture><source media="(prefers-reduced-motion: reduce)" '
                f'srcset="{ident}-strip.svg"><img class="animated" src="{ident}.svg" '
                f'alt="{name}, animated"></picture>'
                f'<a href="{ident}-strip.png"><img class="strip" src="{ident}-strip.svg" '
                f'alt="{name}: key poses" loading="lazy"></a></li>'
            )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>unknot figures</title><style>{STYLE}</style></head><body>"
        f"<h1>unknot figures</h1><p>{len(cards)} figures of {len(exercises)} exercises, one "
        "for each version (the chair one beside the roller one), each drawn from its "
        "keyframes. Each figure loops at the exercise's own tempo; the strip below it shows "
        "the key poses (select it for the PNG).</p>"
        f'<ul class="grid">{"".join(cards)}</ul></body></html>'
    )
