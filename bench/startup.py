"""Issue 3: fresh-process start-up of the quick commands (target: median <= 150 ms)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

from bench.measure import process_times, report


def run() -> list[str]:
    unknot = shutil.which("unknot", path=os.path.dirname(sys.executable)) or "unknot"
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "UNKNOT_DATA_DIR": f"{home}/data", "UNKNOT_CONFIG_DIR": f"{home}/cfg"}
        # As on a person's machine, compiled bytecode is cached (the untimed warm-up runs write
        # it); this workplace sets PYTHONDONTWRITEBYTECODE, which would recompile every start.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        lines = [
            report("python -c pass (baseline)", process_times([sys.executable, "-c", "pass"], env))
        ]
        for args in (["--help"], ["catalog", "--json"]):
            samples = process_times([unknot, *args], env, runs=20)
            lines.append(report(f"unknot {' '.join(args)}", samples, target_ms=150))
    return lines
