"""Spoken cues through espeak-ng, when it is installed."""

from __future__ import annotations

import shutil
import subprocess

INSTALL_HINT = "voice cues need espeak-ng: install it with `sudo apt-get install espeak-ng`"


class Voice:
    """Speaks one cue at a time; a new cue cuts off one still being spoken."""

    def __init__(self, command: str) -> None:
        self._command = command
        self._speaking: subprocess.Popen[bytes] | None = None

    def say(self, text: str) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
        self._speaking = subprocess.Popen(
            [self._command, "-s", "150", text],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def close(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()


def find_voice() -> Voice | None:
    """A voice when espeak-ng is on the PATH, else None (say INSTALL_HINT to the person)."""
    command = shutil.which("espeak-ng")
    return Voice(command) if command else None
