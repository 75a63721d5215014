"""The loop a figure plays: its keyframes laid out in time from the exercise's dosage.

One loop shows one repetition in each direction on each side. Movement between frames takes
the dosage's repetition tempo (`rep_s`, shared evenly between the transitions of a
repetition); a frame marked `hold` stays still for the low end of `hold_s`. So a hold-and-
release repetition lasts `hold_s + rep_s`, as a guided session times it (domain/timeline).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from unknot.domain.exercise import Exercise
from unknot.domain.figure import Angles, Figure, Keyframe, mirror


@dataclass(frozen=True)
class Key:
    """One pose at one moment of the loop."""

    t: float
    angles: Angles
    lifted: frozenset[str]
    label: str | None
    side: str | None
    direction: str | None
    hold: bool
    grips: tuple[tuple[str, str], ...] = ()
    """(hand, what it holds) in this pose, mirrored with the side."""


@dataclass(frozen=True)
class Loop:
    duration: float
    keys: tuple[Key, ...]
    """The first key is at 0 s and the last at `duration`, in the first key's pose."""


@dataclass(frozen=True)
class Drawn:
    """One version of an exercise with the figure that draws it (issue 18: every version has
    its own, so a desk worker doing the chair version sees the chair version)."""

    exercise: Exercise
    figure: Figure
    version: int = 0

    @property
    def per_side(self) -> bool:
        """Whether this version is done on each side (the one-arm dumbbell row is, the band
        row is not)."""
        return self.exercise.alternative_per_side(self.exercise.alternatives[self.version])

    @property
    def label(self) -> str | None:
        return self.exercise.alternatives[self.version].label


class NotDrawn(ValueError):
    """The exercise has no such version, or that version has no figure."""


def drawn(exercise: Exercise, version: int = 0) -> Drawn:
    """The figure of one version of an exercise."""
    count = len(exercise.alternatives)
    if not 0 <= version < count:
        raise NotDrawn(
            f"{exercise.id} has versions 0 to {count - 1}; version {version} is not one of them"
        )
    figure = exercise.figure_for(version)
    if figure is None:
        raise NotDrawn(f"version {version} of {exercise.id} has no figure yet")
    return Drawn(exercise, figure, version)


def every_version(exercise: Exercise) -> list[Drawn]:
    """Each version that has a figure, in the catalog's order."""
    return [drawn(exercise, v) for v in exercise.versions_drawn]


def per_side(exercise: Exercise) -> bool:
    """Whether the first version is done on each side."""
    return exercise.alternative_per_side(exercise.alternatives[0])


def movement_time(exercise: Exercise, figure: Figure) -> float:
    """Seconds of movement in one repetition (or one cycle of timed work)."""
    if exercise.dosage.work_s is not None:
        if figure.cycle_s is None:
            raise ValueError("timed work needs figure.cycle_s, one cycle's time")
        return figure.cycle_s
    return exercise.dosage.rep_s


def direction_blocks(exercise: Exercise, figure: Figure) -> list[tuple[str | None, list[Keyframe]]]:
    """The frames of each direction, in the order a session does them."""
    directions: list[str | None] = list(exercise.dosage.directions or [None])
    blocks: list[tuple[str | None, list[Keyframe]]] = []
    for index, direction in enumerate(directions):
        if figure.direction_frames is not None and direction in figure.direction_frames:
            frames = list(figure.direction_frames[direction])
        elif index % 2 == 0:
            frames = list(figure.frames)
        elif figure.path == "pass":
            frames = list(reversed(figure.frames))
        else:
            frames = [figure.frames[0], *reversed(figure.frames[1:])]
        blocks.append((direction, frames))
    return blocks


class NotInLoop(ValueError):
    """A side or direction the exercise does not have."""


def build_loop(version: Drawn, *, side: str | None = None, direction: str | None = None) -> Loop:
    """Every key pose of the loop, with its time.

    `side` and `direction` narrow the loop to what one step of a session does (the player
    shows the right side during the right side's steps); without them it shows everything.
    A side is ignored when the figure's version is done once (a row drawn with a band, though
    its one-arm dumbbell version goes side by side), and a direction that is only half of a
    pass (a neck roll's way across) keeps both halves, so the loop still comes back to where
    it starts.
    """
    exercise, figure = version.exercise, version.figure
    move = movement_time(exercise, figure)
    hold = float(exercise.dosage.hold_s[0]) if exercise.dosage.hold_s else 0.0
    keys: list[Key] = []
    t = 0.0
    sides: list[str | None] = ["left", "right"] if version.per_side else [None]
    if side is not None:
        if side not in ("left", "right"):
            raise NotInLoop(f"a side is left or right, not {side!r}")
        if side in sides:
            sides = [side]
    blocks = direction_blocks(exercise, figure)
    if direction is not None:
        names = [d for d, _ in blocks if d is not None]
        if direction not in names:
            allowed = ", ".join(names) or "no directions"
            raise NotInLoop(f"{exercise.id} has {allowed}, not {direction!r}")
        if figure.path == "cycle":
            blocks = [b for b in blocks if b[0] == direction]
    for side_now in sides:
        for direction_now, frames in blocks:
            stops = [*frames, frames[0]] if figure.path == "cycle" else frames
            step = move / (len(stops) - 1)
            for index, frame in enumerate(stops):
                angles = figure.frame_angles(frame)
                held: tuple[tuple[str, str], ...] = tuple(figure.grips_in(frame).items())
                if side_now == "right":
                    angles = mirror(angles, figure.view)
                    lifted = frozenset(mirror_part(p) for p in frame.lifted)
                    held = tuple((mirror_part(h), mirror_part(g)) for h, g in held)
                else:
                    lifted = frozenset(frame.lifted)
                if index > 0:
                    t += step
                key = Key(t, angles, lifted, frame.label, side_now, direction_now, frame.hold, held)
                if keys and keys[-1].t == t:
                    # A block starts where the previous one ended (checks.py makes sure).
                    continue
                keys.append(key)
                if frame.hold and hold > 0 and index < len(stops) - 1:
                    t += hold
                    keys.append(
                        Key(t, angles, lifted, frame.label, side_now, direction_now, True, held)
                    )
    return Loop(duration=t, keys=tuple(keys))


def mirror_part(part: str) -> str:
    """The same part on the other side: `hand_l` is `hand_r`; `head` is itself."""
    if part.endswith("_l"):
        return part[:-2] + "_r"
    if part.endswith("_r"):
        return part[:-2] + "_l"
    return part


def angles_at(loop: Loop, t: float) -> Angles:
    """The angles at time t, linear between keys (the renderer eases in time only)."""
    t = t % loop.duration if loop.duration else 0.0
    keys = loop.keys
    for before, after in itertools.pairwise(keys):
        if before.t <= t <= after.t:
            span = after.t - before.t
            f = 0.0 if span == 0 else (t - before.t) / span
            return {k: v + (after.angles[k] - v) * f for k, v in before.angles.items()}
    return dict(keys[-1].angles)


def lifted_at(loop: Loop, t: float) -> frozenset[str]:
    """What is off the ground at time t: what the key before it lifted."""
    t = t % loop.duration if loop.duration else 0.0
    before = [k for k in loop.keys if k.t <= t]
    return before[-1].lifted if before else loop.keys[0].lifted


def refined(loop: Loop) -> Loop:
    """The loop with a key halfway between each pair of different poses, so the figure is
    placed properly there too (the browser moves the whole figure in a straight line between
    keys, which would let a planted foot slide through the floor)."""
    keys: list[Key] = [loop.keys[0]]
    for before, after in zip(loop.keys, loop.keys[1:], strict=False):
        if before.angles != after.angles:
            angles = {k: (v + after.angles[k]) / 2 for k, v in before.angles.items()}
            t = (before.t + after.t) / 2
            lifted = before.lifted | after.lifted
            held = tuple(g for g in before.grips if g in after.grips)
            keys.append(Key(t, angles, lifted, None, before.side, before.direction, False, held))
        keys.append(after)
    return Loop(loop.duration, tuple(keys))
