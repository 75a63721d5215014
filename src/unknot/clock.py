"""Clocks the players run on: the real one, a faster one for subprocess tests, a fake one.

The engine never reads a clock; interfaces pass it `clock.now()` (issue 5).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    """Seconds since the epoch, as a float."""

    def now(self) -> float: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> float:
        return time.time()


class AcceleratedClock:
    """Runs `speed` times faster than real time from the moment it is made.

    For tests that drive the player as a real process (UNKNOT_CLOCK_SPEED): a 30-minute session
    passes in seconds while the code under test stays the same.
    """

    def __init__(self, speed: float, base: Clock | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._base = base or SystemClock()
        self._origin = self._base.now()
        self.speed = speed

    def now(self) -> float:
        return self._origin + (self._base.now() - self._origin) * self.speed


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 1_764_000_000.0) -> None:
        self.time = start

    def now(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds


def today(clock: Clock) -> dt.date:
    """The local date on a clock."""
    return dt.datetime.fromtimestamp(clock.now()).date()


def instant(seconds: float) -> dt.datetime:
    """A clock reading as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
