"""Eight weeks of generated history for one person, written through the repository."""

from __future__ import annotations

import datetime as dt
import random

from unknot.domain.plan import SessionPlan
from unknot.domain.profile import Profile
from unknot.domain.progress import PainCheckIn
from unknot.storage.repository import Store

TRENDS = {
    "improving": (6.0, 2.5),
    "flat": (5.0, 5.0),
    "worsening": (4.0, 7.0),
}


def eight_weeks(store: Store, trend: str, today: dt.date, seed: int = 1) -> None:
    """Three sessions a week for 8 weeks, with pain before and after, ending `today`."""
    start_pain, end_pain = TRENDS[trend]
    rng = random.Random(seed)
    person = store.local_person()
    store.save_profile(person, Profile(pain={"neck": round(start_pain)}), dt.datetime.now(dt.UTC))
    first = today - dt.timedelta(days=55)
    for offset in range(56):
        day = first + dt.timedelta(days=offset)
        if offset % 7 not in (0, 2, 4):
            continue
        share = offset / 55
        level = start_pain + (end_pain - start_pain) * share
        before = max(0, min(10, round(level + rng.choice((-0.5, 0, 0.5)))))
        after = max(0, min(10, before - 1))
        at = dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC)
        plan = SessionPlan(day=day, minutes=15, items=(), total_s=900)
        plan_id = store.save_plan(person, plan, at)
        session = store.start_session(person, plan_id, at, steps_total=1, paced=True)
        store.end_session(session, "finished", at + dt.timedelta(minutes=15))
        store.add_checkin(person, PainCheckIn(day=day, moment="before", pain={"neck": before}), at)
        store.add_checkin(
            person,
            PainCheckIn(day=day, moment="after", pain={"neck": after}, session_id=session),
            at + dt.timedelta(minutes=16),
        )
