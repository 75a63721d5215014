"""A valid exercise file to break in tests."""

from __future__ import annotations

from pathlib import Path

VALID = """\
name: Towel chin nod
phase: strength
purpose: A gentle nod for the deep front neck muscles.
targets: [neck]
alternatives:
  - equipment: []
    position: seated
dosage:
  reps: [5, 8]
  hold_s: [5, 10]
steps:
  - Sit tall.
  - Nod gently and hold.
source: My physiotherapist, 2026
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path
