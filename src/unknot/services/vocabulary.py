"""The words interfaces offer and check before they ask anything: phases, areas, items,
moments, and reading a typed score.

The domain's own tuples, named here so that interfaces import only services (issue 16). Plain
tuples, no pydantic: the command line checks its options with these at start-up.
"""

from __future__ import annotations

from unknot.domain.vocabulary import (
    AREAS,
    CONCERNS,
    ITEMS,
    MOMENTS,
    PAIN_AREAS,
    PHASES,
    POSITION_AVOIDANCES,
    WEEK_STARTS,
    Area,
    Concern,
    Item,
    Moment,
    PainArea,
    Phase,
    moment_named,
    parse_score,
)

__all__ = [
    "AREAS",
    "CONCERNS",
    "ITEMS",
    "MOMENTS",
    "PAIN_AREAS",
    "PHASES",
    "POSITION_AVOIDANCES",
    "WEEK_STARTS",
    "Area",
    "Concern",
    "Item",
    "Moment",
    "PainArea",
    "Phase",
    "moment_named",
    "parse_score",
]
