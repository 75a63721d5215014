"""A programme: the few exercises a person does, session after session, for a few weeks.

Clinicians are advised to prescribe a handful of home exercises at a time: compliance was higher
with 2 than with 8 (Henry, Rosemond and Eckert, Phys Ther 1999;79:270-277). Doing the same ones
for weeks lets a person learn them and gives progression something to build on (issue 17). So a
session is a warm-up and the programme, and the programme is stored, not drawn afresh each day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Final, Literal

from pydantic import Field

from unknot.domain.exercise import Strict
from unknot.domain.vocabulary import Phase

PROGRAMME_DAYS: Final = 21
"""How long a programme runs before the next is chosen: three weeks (issue 17: the same
exercises recur for two to three weeks)."""

MOST_EXERCISES: Final = 6
"""A programme never holds more exercises than this, however long the session (issue 17)."""

Role = Literal["strength", "mobility", "stretch"]
ROLE_BLOCK: Final[dict[Role, Phase]] = {
    "strength": "strength",
    "mobility": "dynamic",
    "stretch": "static",
}
Aim = Literal["neck", "shoulder_blades", "spine", "any"]
"""What a place is for: a strength place the neck or the shoulder blades (shoulders or upper
back; issue 17: "1-2 neck or shoulder-blade strength"), the mobility place the upper and middle
spine, or anything of its role."""


@dataclass(frozen=True, slots=True)
class Shape:
    """How big a session of a given length is."""

    exercises: int
    """Exercises in the programme, after the warm-up."""
    warm_up_stretches: int
    """Dynamic stretches in the warm-up (the seed: 30 s to 1 min each)."""
    cardio: bool
    """Whether the warm-up starts with light cardio or the seed's marching routine."""


def shape_for(minutes: int) -> Shape:
    """The session's size for the minutes asked for (issue 17): 10 minutes or less drop the
    cardio, keep 1-2 dynamic stretches and 2-3 exercises; up to 30 minutes, 3-4 exercises;
    above 30 minutes, at most 5."""
    if minutes <= 5:
        return Shape(exercises=2, warm_up_stretches=1, cardio=False)
    if minutes <= 10:
        return Shape(exercises=3, warm_up_stretches=2, cardio=False)
    if minutes <= 20:
        return Shape(exercises=3, warm_up_stretches=2, cardio=True)
    if minutes <= 30:
        return Shape(exercises=4, warm_up_stretches=3, cardio=True)
    return Shape(exercises=5, warm_up_stretches=3, cardio=True)


# The places of a programme of each size, most important first: a session that runs out of time
# drops the last ones (example from issue 17: 1-2 neck or shoulder-blade strength, 1 mobility,
# 1 static stretch).
PLACES: Final[dict[int, tuple[tuple[Role, Aim], ...]]] = {
    2: (("strength", "neck"), ("stretch", "any")),
    # Strengthening has the best evidence for neck pain (Gross et al., Cochrane 2015), so from
    # three places two strengthen (the physiotherapist's review); the warm-up's stretches
    # give the mobility.
    3: (("strength", "neck"), ("strength", "shoulder_blades"), ("stretch", "any")),
    4: (
        ("strength", "neck"),
        ("strength", "shoulder_blades"),
        ("stretch", "any"),
        ("mobility", "spine"),
    ),
    5: (
        ("strength", "neck"),
        ("strength", "shoulder_blades"),
        ("stretch", "any"),
        ("mobility", "spine"),
        ("strength", "any"),
    ),
}


class ProgrammeSlot(Strict):
    """One place in the programme and the exercise family that fills it."""

    role: Role
    aim: Aim = "any"
    exercise_id: Annotated[str, Field(max_length=80)]
    """The family's base exercise: the planner picks the easier or harder member by history."""


class Programme(Strict):
    """The person's programme: its warm-up stretches and its places, from a start day."""

    started_on: dt.date
    minutes: Annotated[int, Field(ge=5, le=60)]
    """The session length it was sized for; a different length reshapes it."""
    warm_up: Annotated[tuple[str, ...], Field(max_length=3)] = ()
    """Dynamic stretches of the warm-up, in order."""
    slots: Annotated[tuple[ProgrammeSlot, ...], Field(max_length=MOST_EXERCISES)] = ()

    def exercise_ids(self) -> list[str]:
        return [*self.warm_up, *(s.exercise_id for s in self.slots)]

    def week_of(self, day: dt.date) -> int:
        """Which week of the programme `day` falls in, from 1."""
        return max(0, (day - self.started_on).days) // 7 + 1

    def expired(self, day: dt.date) -> bool:
        return (day - self.started_on).days >= PROGRAMME_DAYS or day < self.started_on

    @property
    def weeks(self) -> int:
        return PROGRAMME_DAYS // 7
