"""Run every benchmark and print its figures: `make bench`."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SUITES = [
    "startup",
    "planner",
    "session",
    "history",
    "figures",
    "printed",
    "web",
    "shared",
    "reminders",
    "lighthouse",
]


def main() -> None:
    selected = sys.argv[1:] or SUITES
    for name in selected:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        for line in module.run():
            print(line)
        print()


if __name__ == "__main__":
    main()
