"""Voice cues: espeak-ng when it is on the PATH, a clear hint when it is not."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from unknot.voice import INSTALL_HINT, find_voice


def test_no_espeak_means_no_voice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_voice() is None
    assert "apt-get install espeak-ng" in INSTALL_HINT


def test_a_cue_is_spoken(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    spoken = tmp_path / "spoken.txt"
    # A stand-in espeak-ng that records what it was asked to say.
    script = tmp_path / "espeak-ng"
    script.write_text(f'#!/bin/sh\necho "$3" >> {spoken}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    voice = find_voice()
    assert voice is not None
    voice.say("Switch sides.")
    assert voice._speaking is not None
    voice._speaking.wait(timeout=10)
    voice.close()
    assert spoken.read_text(encoding="utf-8").strip() == "Switch sides."
