"""Issues 8 and 18: figures (each animated SVG <= 15 KB; rendering every figure <= 100 ms
in-process), now one per version of each exercise, some with two views or a close-up."""

from __future__ import annotations

from bench.measure import call_times, report
from unknot.catalog.loader import SHIPPED_DIR, check_files, exercise_files, validate_all
from unknot.figures.animate import animated_svg
from unknot.figures.checks import figure_problems
from unknot.figures.strip import strip_svg

LIMIT_BYTES = 15 * 1024


def run() -> list[str]:
    exercises = validate_all(None)
    versions = [(e, v) for e in exercises for v in e.versions_drawn]
    sizes = sorted(
        (len(animated_svg(e, version=v).encode("utf-8")), f"{e.id}/{v}") for e, v in versions
    )
    largest, largest_id = sizes[-1]
    verdict = "ok" if largest <= LIMIT_BYTES else "OVER"
    total = sum(size for size, _ in sizes)
    files = exercise_files(SHIPPED_DIR)
    return [
        f"animated SVG size: largest {largest / 1024:.1f} KB ({largest_id}), "
        f"median {sizes[len(sizes) // 2][0] / 1024:.1f} KB, all {len(sizes)} {total / 1024:.0f} KB"
        f"   target 15 KB each ({largest / LIMIT_BYTES:.2f}x, {verdict})",
        report(
            f"render every animated figure ({len(versions)} versions of {len(exercises)})",
            call_times(lambda: [animated_svg(e, version=v) for e, v in versions], runs=20),
            target_ms=100 * len(versions) / len(exercises),
        ),
        report(
            f"render every keyframe strip ({len(versions)})",
            call_times(lambda: [strip_svg(e, version=v) for e, v in versions], runs=20),
        ),
        report(
            f"check every figure's poses ({len(exercises)})",
            call_times(lambda: [figure_problems(e) for e in exercises], runs=10, warmups=1),
        ),
        report(
            f"validate the shipped catalog, figures included ({len(files)} files)",
            call_times(lambda: check_files(files, require_figures=True), runs=5, warmups=1),
        ),
    ]
