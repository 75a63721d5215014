"""An exercise as unknot knows it: what it trains, how it is done, and how much of it."""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    field_validator,
    model_validator,
)

from unknot.domain.figure import Figure, FigureLike
from unknot.domain.vocabulary import (
    Area,
    Contraindication,
    DirectionOrder,
    Item,
    Phase,
    Position,
    Setting,
)

SLUG: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Count = Annotated[int, Field(ge=1, le=100)]
Seconds = Annotated[int, Field(ge=1, le=3600)]


class Strict(BaseModel):
    """Frozen, and any field not named here is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _ordered(value: tuple[int, int | None] | None) -> tuple[int, int | None] | None:
    if value is not None and value[1] is not None and value[1] < value[0]:
        raise ValueError(f"the range [{value[0]}, {value[1]}] runs backwards; write [low, high]")
    return value


class Dosage(Strict):
    """How much: each range is [low, high] as the source gives it."""

    sets: tuple[Count, Count] | None = None
    reps: tuple[Count, Count] | None = None
    hold_s: tuple[Seconds, Seconds | None] | None = None
    """Seconds per hold; a high end of null means "at least the low end"."""
    work_s: tuple[Seconds, Seconds] | None = None
    """Seconds of continuous work, for timed activities such as a cardio warm-up."""
    per_side: bool | None = None
    """Done on the left and on the right; null when it differs by alternative."""
    directions: tuple[str, ...] | None = None
    """Directions done in turn, e.g. ("backward", "forward")."""
    direction_order: DirectionOrder = "blocks"
    """blocks: all reps one way, then the other; alternating: each rep goes both ways."""
    rep_s: Annotated[float, Field(gt=0, le=30)] = 3.0
    """Our estimate of one repetition's movement time at a controlled tempo (holds excluded)."""

    _check_sets = field_validator("sets", "reps", "hold_s", "work_s")(_ordered)

    @field_validator("directions")
    @classmethod
    def _two_or_more(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and len(value) < 2:
            raise ValueError("list at least two directions, or leave directions out")
        return value

    @model_validator(mode="after")
    def _some_amount(self) -> Dosage:
        if self.reps is None and self.hold_s is None and self.work_s is None:
            raise ValueError("give at least one of reps, hold_s or work_s")
        if self.work_s is not None and (self.reps is not None or self.hold_s is not None):
            raise ValueError(
                "work_s is for timed activities; do not combine it with reps or hold_s"
            )
        return self


def _figure_kind(value: object) -> str:
    """A version's own figure has frames; one drawn like another has none."""
    if isinstance(value, Figure) or (isinstance(value, dict) and "frames" in value):
        return "own"
    return "like"


VersionFigure = Annotated[
    Annotated[Figure, Tag("own")] | Annotated[FigureLike, Tag("like")],
    Discriminator(_figure_kind),
]


class Alternative(Strict):
    """One way of doing an exercise: what it needs and the position it is done in."""

    equipment: tuple[Item, ...] = ()
    position: Position
    per_side: bool | None = None
    """Overrides the dosage's per_side for this alternative (a one-arm dumbbell row)."""
    label: str | None = None
    """A short name shown to people, e.g. "with a band"."""
    steps: tuple[str, ...] = ()
    """Steps particular to this alternative, shown after the shared ones."""
    figure: VersionFigure | None = None
    """How this version is drawn when it differs from the first (issue 18): its own keyframes,
    or another version's figure with stated changes. The first version's is the exercise's
    `figure`; a later version without one is an error for a shipped exercise."""


class Exercise(Strict):
    """One catalog entry."""

    id: str
    name: Annotated[str, Field(min_length=2, max_length=60)]
    phase: Phase
    purpose: Annotated[str, Field(min_length=10, max_length=200)]
    targets: Annotated[tuple[Area, ...], Field(min_length=1)]
    alternatives: Annotated[tuple[Alternative, ...], Field(min_length=1)]
    dosage: Dosage
    steps: Annotated[tuple[str, ...], Field(min_length=2)]
    cues: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    contraindications: tuple[Contraindication, ...] = ()
    side_words: tuple[str, str] | None = None
    """For an exercise done on each side, what each side's movement is, in words a person
    follows: the first as the figure's frames draw it (and the steps begin), the second
    mirrored ("turn to your right", "turn to your left"). The player, the voice and the strip
    say these instead of "left side", which meant the stretched side on one exercise and the
    turning direction on the next (issue 14)."""
    gentle_day: Literal["no", "also", "only"] = "no"
    """Whether it belongs to the short gentle routine of a severe day (pain 8/10 or more):
    "also" there and in ordinary sessions, "only" there (issue 14)."""
    motor_control: bool = False
    """Gentle motor-control training (the chin tuck): done at low effort, so it stays in the plan
    when pain is high and under "mobility only", where other strengthening drops out."""
    easier: str | None = None
    harder: str | None = None
    variation_of: str | None = None
    """Set on an entry that exists as another's easier or harder step; the planner uses it only
    in that role, so a session never holds two versions of one movement."""
    setting: Setting = "home"
    source: Annotated[str, Field(min_length=3)]
    """Where the exercise and its dose come from (the seed article or a cited paper)."""
    notes: tuple[str, ...] = ()
    """Where unknot departs from its source, and why."""
    figure: Figure | None = None
    """How the exercise is drawn (issue 8); every shipped exercise has one."""
    _derived: dict[int, Figure | None] = PrivateAttr(default_factory=dict)

    @field_validator("id", "easier", "harder", "variation_of")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not SLUG.match(value):
            raise ValueError(f"{value!r} is not a slug: use lowercase words joined by hyphens")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        overrides = {alt.per_side for alt in self.alternatives}
        if overrides != {None} and self.dosage.per_side is not None:
            raise ValueError(
                "per_side is set both in dosage and on an alternative; set it in one place"
            )
        if None in overrides and self.dosage.per_side is None and overrides != {None}:
            raise ValueError("when alternatives differ in per_side, every alternative must say")
        if self.id in (self.easier, self.harder):
            raise ValueError("an exercise cannot be its own easier or harder variation")
        self._check_versions_drawn()
        return self

    def _check_versions_drawn(self) -> None:
        first = self.alternatives[0].figure
        if first is not None:
            raise ValueError(
                "alternatives[0].figure: the first version is drawn by the exercise's `figure`;"
                " move it there"
            )
        for index, alternative in enumerate(self.alternatives):
            drawing = alternative.figure
            if drawing is None:
                continue
            if self.figure is None:
                raise ValueError(
                    f"alternatives[{index}].figure: give the exercise's own `figure` first"
                )
            if isinstance(drawing, FigureLike):
                target = drawing.like
                if target >= len(self.alternatives) or target == index:
                    raise ValueError(
                        f"alternatives[{index}].figure.like: {target} is not another version; "
                        f"use 0 to {len(self.alternatives) - 1}, not this one"
                    )
                if isinstance(self.alternatives[target].figure, FigureLike):
                    raise ValueError(
                        f"alternatives[{index}].figure.like: version {target} is itself drawn "
                        "like another; point at a version with its own keyframes"
                    )
                try:
                    # Worked out and validated once, here, so every copy of the exercise holds
                    # the same drawings (and pages do not validate them on each request).
                    self._derived[index] = drawing.applied_to(
                        self.figure_for(target) or self.figure
                    )
                except ValueError as error:
                    raise ValueError(f"alternatives[{index}].figure: {error}") from None

    def figure_for(self, version: int = 0) -> Figure | None:
        """How the version at this index of `alternatives` is drawn: its own figure, another
        version's with the changes it states, or (for the first) the exercise's. None when the
        exercise has no figure or the version has none of its own yet."""
        if self.figure is None or not 0 <= version < len(self.alternatives):
            return None
        if version == 0:
            return self.figure
        drawing = self.alternatives[version].figure
        if isinstance(drawing, FigureLike):
            return self._derived.get(version)
        return drawing

    @property
    def versions_drawn(self) -> tuple[int, ...]:
        """The indexes of the versions that have a figure."""
        return tuple(i for i in range(len(self.alternatives)) if self.figure_for(i) is not None)

    def alternative_per_side(self, alternative: Alternative) -> bool:
        """Whether this alternative is done once on each side."""
        if alternative.per_side is not None:
            return alternative.per_side
        return bool(self.dosage.per_side)

    @property
    def per_side(self) -> bool | None:
        """True or False when every alternative agrees; None when they differ."""
        values = {self.alternative_per_side(alt) for alt in self.alternatives}
        return values.pop() if len(values) == 1 else None
