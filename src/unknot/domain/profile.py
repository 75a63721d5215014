"""A person's profile: what hurts, what they have, how long, and what they must avoid."""

from __future__ import annotations

from typing import Annotated, Final, Literal, cast, get_args

from pydantic import Field, field_validator

from unknot.domain.exercise import Strict
from unknot.domain.vocabulary import (
    HOUSEHOLD_ITEMS,
    Contraindication,
    Item,
    PainArea,
    PositionAvoidance,
)

Experience = Literal["new", "returning", "regular"]
EXPERIENCES: Final[tuple[Experience, ...]] = get_args(Experience)

Goal = Literal["relief", "strength", "desk_breaks"]
GOALS: Final[tuple[Goal, ...]] = get_args(Goal)

# Restrictions a screening (or a clinician) sets; the planner obeys them as hard constraints.
Restriction = Literal[
    "no_end_range_spinal_flexion",
    "no_neck_circling",
    "no_loaded_spinal_extension",
    "no_overhead_loading",
    "no_high_impact",
    "mobility_only",
]
RESTRICTIONS: Final[tuple[Restriction, ...]] = get_args(Restriction)

# Each "no_X" restriction rules out exercises tagged X.
RESTRICTED_TAGS: Final[dict[Restriction, Contraindication]] = {
    "no_end_range_spinal_flexion": "end_range_spinal_flexion",
    "no_neck_circling": "neck_circling",
    "no_loaded_spinal_extension": "loaded_spinal_extension",
    "no_overhead_loading": "overhead_loading",
    "no_high_impact": "high_impact",
}

PainScore = Annotated[int, Field(ge=0, le=10)]

# Pain at or above this in an area drops strengthening for it (planner issue).
HIGH_PAIN: Final = 7


class Profile(Strict):
    """What the planner needs to know about a person."""

    pain: dict[PainArea, PainScore] = Field(default_factory=dict)
    """Current pain per area, 0-10 (Numeric Pain Rating Scale); absent means no pain there."""
    equipment: frozenset[Item] = HOUSEHOLD_ITEMS
    """Items at hand; a chair, a wall and a doorway unless the person says otherwise."""
    minutes: Annotated[int, Field(ge=5, le=60)] = 15
    sessions_per_week: Annotated[int, Field(ge=2, le=7)] = 3
    avoid_positions: frozenset[PositionAvoidance] = frozenset()
    experience: Experience = "new"
    avoid_exercises: frozenset[str] = frozenset()
    restrictions: frozenset[Restriction] = frozenset()
    goals: frozenset[Goal] = frozenset({"relief"})

    @field_validator(
        "equipment", "avoid_positions", "avoid_exercises", "restrictions", "goals", mode="before"
    )
    @classmethod
    def _each_once(cls, value: object) -> object:
        # These are sets: a list that names an item twice is a mistake to point out, not to
        # silently merge (the API document says `uniqueItems`, issue 13).
        if isinstance(value, list | tuple):
            try:
                distinct = len(set(value))
            except TypeError:
                return value  # not names at all: the type check says so
            if distinct != len(value):
                raise ValueError("name each item once")
        return value

    @field_validator("pain")
    @classmethod
    def _drop_zero(cls, value: dict[PainArea, int]) -> dict[PainArea, int]:
        return {area: score for area, score in value.items() if score > 0}

    @property
    def painful_areas(self) -> list[PainArea]:
        """Areas that hurt, worst first (ties in the vocabulary's order)."""
        order = list(get_args(PainArea))
        return sorted(self.pain, key=lambda area: (-self.pain[area], order.index(area)))

    def pain_scores(self) -> dict[str, int]:
        """Pain per area as plain strings, for code that does not know the area names."""
        return {str(area): score for area, score in self.pain.items()}

    def pain_in(self, area: str) -> int:
        """Pain in an area, 0 when none was reported (chest, say)."""
        return cast(dict[str, int], self.pain).get(area, 0)

    @property
    def banned_tags(self) -> frozenset[Contraindication]:
        return frozenset(RESTRICTED_TAGS[r] for r in self.restrictions if r in RESTRICTED_TAGS)
