"""A person's profile: what hurts, what they have, how long, and what they must avoid."""

from __future__ import annotations

from typing import Annotated, Final, Literal, NamedTuple, cast, get_args

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
    "no_assisted_end_range_rotation",
    "no_end_range_neck_flexion",
    "no_arm_nerve_provocation",
    "no_prone_neck_extension",
    "no_progression",
]
RESTRICTIONS: Final[tuple[Restriction, ...]] = get_args(Restriction)


class RestrictionRule(NamedTuple):
    """One row of the restriction table: what a restriction rules out, and why."""

    restriction: Restriction
    rules_out: frozenset[Contraindication]
    source: str


# The restriction table (issue 14): each restriction and the movement tags it rules out. Which
# warning sign sets which restriction is a column of the screening's question table.
RESTRICTION_RULES: Final[tuple[RestrictionRule, ...]] = (
    RestrictionRule(
        "no_end_range_spinal_flexion",
        frozenset({"end_range_spinal_flexion"}),
        "Osteoporosis or long steroid use: avoid loaded end-range spinal flexion (clinical "
        "notes, red flags; Finucane et al., JOSPT 2020)",
    ),
    RestrictionRule(
        "no_assisted_end_range_rotation",
        frozenset({"assisted_end_range_rotation"}),
        "Osteoporosis or long steroid use; inflammatory arthritis or neck surgery: no hand-"
        "assisted twist at the end of range (consensus, ours, after the physiotherapist's "
        "review of issue 14)",
    ),
    RestrictionRule(
        "no_neck_circling",
        frozenset({"neck_circling"}),
        "Arm nerve symptoms, arterial signs, inflammatory arthritis: no neck circling (clinical "
        "notes, red flags)",
    ),
    RestrictionRule(
        "no_loaded_spinal_extension",
        frozenset({"loaded_spinal_extension"}),
        "Clinician's restriction: no loaded spinal extension",
    ),
    RestrictionRule(
        "no_prone_neck_extension",
        frozenset({"prone_neck_extension"}),
        "Neck pain 7/10 or more: no lifts lying face down that load the neck extensors "
        "(consensus, ours, after the physiotherapist's review of issue 14)",
    ),
    RestrictionRule(
        "no_overhead_loading",
        frozenset({"overhead_loading"}),
        "Clinician's restriction: no overhead loading",
    ),
    RestrictionRule(
        "no_high_impact",
        frozenset({"high_impact"}),
        "Breathlessness on exercise: no jogging or jumping until checked (seed article, when to "
        "seek medical advice: difficulty breathing)",
    ),
    RestrictionRule(
        "no_end_range_neck_flexion",
        frozenset({"end_range_neck_flexion"}),
        "Lhermitte's sign (an electric-shock feeling on bending the head forward): no end-range "
        "neck flexion (consensus, ours, after the physiotherapist's review of issue 14)",
    ),
    RestrictionRule(
        "no_arm_nerve_provocation",
        frozenset({"neck_side_bend", "neck_turn_and_tilt", "arm_nerve_stretch"}),
        "Nerve symptoms in one arm: leave out the stretches that side-bend the neck away from "
        "the arm or turn and tilt it towards it, and the doorway chest stretch, which tension "
        "or narrow the nerve's path (consensus, ours, after the physiotherapist's review of "
        "issue 14; Blanpied et al., JOSPT 2017, neck pain with radiating pain)",
    ),
    RestrictionRule(
        "no_progression",
        frozenset(),
        "Any warning sign waiting for a clinician: doses stay where they are (clinical notes, "
        "red flags: soon = no progression until cleared)",
    ),
    RestrictionRule(
        "mobility_only",
        frozenset(),
        "Waiting for a clinician after a warning sign: no strengthening and no progression "
        "(clinical notes, red flags: soon)",
    ),
)
RESTRICTED_TAGS: Final[dict[Restriction, frozenset[Contraindication]]] = {
    rule.restriction: rule.rules_out for rule in RESTRICTION_RULES
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
        """The movements ruled out: by the restrictions, and by today's neck pain."""
        tags: set[Contraindication] = set()
        for restriction in self.restrictions:
            tags |= RESTRICTED_TAGS[restriction]
        if self.pain_in("neck") >= HIGH_PAIN:
            # Neck pain of 7/10 or more: no lying face down with the head up, and no neck
            # circles (the physiotherapist's review, issue 17); gentle turns stay.
            tags |= RESTRICTED_TAGS["no_prone_neck_extension"]
            tags |= RESTRICTED_TAGS["no_neck_circling"]
        return frozenset(tags)
