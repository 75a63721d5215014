"""Issue 7: Lighthouse 12 on the today and player pages, median of 3 runs (targets: 95 each)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.web import Served, call
from unknot.domain.screening import QUESTION_IDS

LIGHTHOUSE = Path(__file__).resolve().parent.parent / "node_modules" / ".bin" / "lighthouse"
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"


def scores(url: str, folder: Path) -> dict[str, int]:
    report = folder / "report.json"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            f"--chrome-flags={FLAGS}",
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={report}",
        ],
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    data = json.loads(report.read_text())
    return {name: round(c["score"] * 100) for name, c in data["categories"].items()}


def run() -> list[str]:
    if not LIGHTHOUSE.exists() or not Path("/usr/bin/chromium").exists():
        return [
            "skipped: run `make bench` (it installs lighthouse with npm) with Chromium installed"
        ]
    lines = []
    with tempfile.TemporaryDirectory() as home:
        served = Served(Path(home), 1)
        try:
            call(served.url + "/api/v1/screening", {"answers": dict.fromkeys(QUESTION_IDS, False)})
            for page in ("/today", "/player"):
                runs = [scores(served.url + page, Path(home)) for _ in range(3)]
                medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                lines.append(
                    f"Lighthouse {page}: performance {medians['performance']:g}, accessibility "
                    f"{medians['accessibility']:g} (median of 3; target 95 each)"
                )
        finally:
            served.stop()
    return lines
