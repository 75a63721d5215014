"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of the samples fall (nearest rank)."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def process_times(
    command: Sequence[str], env: Mapping[str, str], runs: int = 10, warmups: int = 2
) -> list[float]:
    """Wall seconds of `runs` fresh processes, after `warmups` untimed ones."""
    samples: list[float] = []
    for index in range(warmups + runs):
        start = time.perf_counter()
        subprocess.run(command, env=dict(env), check=True, capture_output=True)
        elapsed = time.perf_counter() - start
        if index >= warmups:
            samples.append(elapsed)
    return samples


def call_times(function: Callable[[], object], runs: int, warmups: int = 5) -> list[float]:
    """Wall seconds of `runs` in-process calls."""
    for _ in range(warmups):
        function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def report(name: str, samples: Sequence[float], target_ms: float | None = None) -> str:
    """One line: median and p99 in ms, and the ratio to the target when there is one."""
    median = statistics.median(samples) * 1000
    p99 = percentile(samples, 0.99) * 1000
    line = f"{name:<52} median {median:8.2f} ms   p99 {p99:8.2f} ms   n={len(samples)}"
    if target_ms is not None:
        verdict = "ok" if median <= target_ms else "OVER"
        line += f"   target {target_ms:g} ms ({median / target_ms:.2f}x, {verdict})"
    return line
