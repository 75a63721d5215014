"""The words exercises, profiles and plans are written in.

Plain tuples (no pydantic) so the command line can check an option without paying for
pydantic's import on start-up (issue 3: `unknot --help` within 150 ms).
"""

from typing import Final, Literal, get_args

Phase = Literal["warmup", "dynamic", "strength", "static"]
PHASES: Final[tuple[Phase, ...]] = get_args(Phase)

Area = Literal["neck", "shoulders", "chest", "upper_back", "mid_back", "lower_back"]
AREAS: Final[tuple[Area, ...]] = get_args(Area)

# Areas a person can rate for pain (the planner issue's list; chest is a target, not a complaint).
PainArea = Literal["neck", "shoulders", "upper_back", "mid_back", "lower_back"]
PAIN_AREAS: Final[tuple[PainArea, ...]] = get_args(PainArea)

# The day a person's calendar weeks start on (issue 17): progress counts weeks from it.
WeekStart = Literal["monday", "sunday"]
WEEK_STARTS: Final[tuple[WeekStart, ...]] = get_args(WeekStart)

# Pinned names (issue 3): these stay; the vocabulary may grow.
Item = Literal[
    "chair",
    "wall",
    "doorway",
    "resistance_band",
    "dumbbell",
    "foam_roller",
    "mat",
    "anchor_point",
    "bike",
    "pull_up_bar",
    "barbell",
]
ITEMS: Final[tuple[Item, ...]] = get_args(Item)

# Found in nearly every home or office; assumed at hand unless a profile says otherwise.
HOUSEHOLD_ITEMS: Final[frozenset[Item]] = frozenset({"chair", "wall", "doorway"})

Position = Literal[
    "standing", "seated", "kneeling", "all_fours", "lying_back", "lying_front", "moving"
]

# What a person may ask to avoid, and the positions each one rules out.
PositionAvoidance = Literal["floor", "kneeling", "standing"]
POSITION_AVOIDANCES: Final[tuple[PositionAvoidance, ...]] = get_args(PositionAvoidance)
AVOIDED_POSITIONS: Final[dict[PositionAvoidance, frozenset[Position]]] = {
    "floor": frozenset({"kneeling", "all_fours", "lying_back", "lying_front"}),
    "kneeling": frozenset({"kneeling", "all_fours"}),
    "standing": frozenset({"standing", "moving"}),
}

# Movements a screening result, today's pain or a clinician can rule out; exercise files tag
# the movements they contain (the restriction table is `profile.RESTRICTION_RULES`).
Contraindication = Literal[
    "end_range_spinal_flexion",
    "neck_circling",
    "loaded_spinal_extension",
    "overhead_loading",
    "high_impact",
    "assisted_end_range_rotation",
    "prone_neck_extension",
    "end_range_neck_flexion",
    "neck_side_bend",
    "neck_turn_and_tilt",
    "arm_nerve_stretch",
]

Setting = Literal["home", "gym"]

DirectionOrder = Literal["blocks", "alternating"]

# See-a-clinician advice, by what it is about (the rules are `progress.clinician_advice`).
Concern = Literal["persists", "worsens", "step_downs", "function_falls", "severe_days"]
CONCERNS: Final[tuple[Concern, ...]] = get_args(Concern)

# When a pain check-in is taken: before or after a session, the morning after, or any time.
Moment = Literal["before", "after", "morning", "check"]
MOMENTS: Final[tuple[Moment, ...]] = get_args(Moment)


def moment_named(text: str) -> Moment | None:
    """The moment `text` names, or None."""
    return next((m for m in MOMENTS if m == text), None)


def parse_score(text: str, highest: int = 10) -> int | None:
    """A score typed as text, 0 to `highest`, or None.

    ASCII digits only: `str.isdigit` also accepts "²" and other digits `int` then refuses, which
    turned a typed pain score into a server error (issue 13).
    """
    text = text.strip()
    if not text or len(text) > 3 or not (text.isascii() and text.isdecimal()):
        return None
    value = int(text)
    return value if value <= highest else None
