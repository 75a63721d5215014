"""Clocks the players run on: the real one, a faster one for subprocess tests, a fake one.

Every clock gives two readings: `monotonic()` for timing (it never jumps, so a countdown measured
on it is right when the wall clock is set) and `now()` for records (seconds since the epoch).
The fake and the accelerated clock move both together. The engine never reads a clock;
interfaces pass it monotonic offsets from a run's start and date its records with `now()`
(issue 15).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    """Two readings of time, in seconds as floats."""

    def now(self) -> float:
        """Wall time: seconds since the epoch, for what is recorded."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps, from an arbitrary start: for timing."""
        ...


class SystemClock:
    """The machine's clocks."""

    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class AcceleratedClock:
    """Runs `speed` times faster than real time from the moment it is made.

    For tests that drive the player as a real process (UNKNOT_CLOCK_SPEED): a 30-minute session
    passes in seconds while the code under test stays the same.
    """

    def __init__(
        self, speed: float, base: Clock | None = None, *, start: float | None = None
    ) -> None:
        """`start`: the wall time (seconds since the epoch) it reads when made; default now."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._base = base or SystemClock()
        self._wall_origin = self._base.now() if start is None else start
        self._origin = self._base.monotonic()
        self.speed = speed

    def _elapsed(self) -> float:
        return (self._base.monotonic() - self._origin) * self.speed

    def now(self) -> float:
        return self._wall_origin + self._elapsed()

    def monotonic(self) -> float:
        return self._origin + self._elapsed()


class FakeClock:
    """A clock that moves only when told to; both readings advance together."""

    def __init__(self, start: float = 1_764_000_000.0) -> None:
        self.time = start
        self.elapsed = 0.0

    def now(self) -> float:
        return self.time

    def monotonic(self) -> float:
        return self.elapsed

    def advance(self, seconds: float) -> None:
        self.time += seconds
        self.elapsed += seconds


class RunTime:
    """A session run's time: monotonic offsets from its start, and their wall times.

    The engine counts in offsets; records are dated by the wall time the run started at plus
    the offset, so a wall clock set during the session moves nothing.
    """

    def __init__(self, clock: Clock, wall_origin: float | None = None) -> None:
        self.clock = clock
        self.wall_origin = clock.now() if wall_origin is None else wall_origin
        self._origin = clock.monotonic()

    def offset(self) -> float:
        return self.clock.monotonic() - self._origin

    def wall(self, offset: float) -> float:
        return self.wall_origin + offset


def today(clock: Clock) -> dt.date:
    """The local date on a clock."""
    return dt.datetime.fromtimestamp(clock.now()).date()


def instant(seconds: float) -> dt.datetime:
    """A clock reading as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
