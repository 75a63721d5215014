"""How much pain during an exercise is too much, for a person who may start in pain.

The pain-monitoring model (Silbernagel et al., Am J Sports Med 2007) is absolute: 0-2 safe, up
to 5/10 acceptable, above 5 too much. Read alone it stops every exercise for someone who starts
a session at 6. unknot's rule is relative to where the person starts, within bounds: an exercise
stops when pain during it exceeds `clamp(start + 2, 5, 7)`. That adaptation is our consensus
after a physiotherapist's review (issue 14), not Silbernagel's finding. `start` is the area's
reading before the session today, else today's latest check-in, else unknown (the limit is 5).
This is the one place the rule lives: the session engine, history ("stopped for pain") and
progression all ask it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from unknot.domain.progress import PainCheckIn

LIMIT_FLOOR: Final = 5
"""The limit for someone who starts low, or whose starting pain is unknown (Silbernagel 2007)."""
LIMIT_CEILING: Final = 7
"""Never more than this, however high the start."""
ALLOWANCE: Final = 2
"""How far above the start an exercise may take the pain."""


def pain_limit(start: int | None) -> int:
    """Pain above this during an exercise ends it."""
    if start is None:
        return LIMIT_FLOOR
    return min(LIMIT_CEILING, max(LIMIT_FLOOR, start + ALLOWANCE))


def too_much(score: int, start: int | None) -> bool:
    """Whether this pain during an exercise ends it."""
    return score > pain_limit(start)


def starting_pain(
    checkins: Sequence[PainCheckIn], session_id: int | None, day: dt.date
) -> dict[str, int]:
    """Each area's pain at the start of a session: its before-session check-in, else the
    latest check-in that day (not an after-session one), per area. Check-ins come oldest first.
    """
    latest: dict[str, int] = {}
    before: dict[str, int] = {}
    for checkin in checkins:
        if checkin.day != day or checkin.moment == "after":
            continue
        latest.update(checkin.pain)
        if checkin.moment == "before" and checkin.session_id in (None, session_id):
            before.update(checkin.pain)
    return {**latest, **before}


def limits(start: dict[str, int]) -> dict[str, int]:
    """The limit for each area with a known start."""
    return {area: pain_limit(score) for area, score in start.items()}


# Pain at or above this is severe: in any area today, a gentle day instead of a session; on days
# in a row, advice to see a clinician (issue 14).
SEVERE_PAIN: Final = 8


def is_severe(score: int) -> bool:
    """Whether a pain score (0-10) is severe (`SEVERE_PAIN`)."""
    return score >= SEVERE_PAIN
