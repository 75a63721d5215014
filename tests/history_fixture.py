"""Generated histories for one person, written through the repository: eight weeks of pain
check-ins, or years of sessions planned and played."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping

from unknot.domain.engine import MarkAggravating, RecordEffort, RecordPain, SessionEnded, StepRecord
from unknot.domain.exercise import Exercise
from unknot.domain.plan import PlanImpossible, SessionPlan
from unknot.domain.planner import build_session
from unknot.domain.profile import Profile
from unknot.domain.progress import PainCheckIn
from unknot.domain.timeline import Step, build_timeline
from unknot.storage.repository import SessionWrite, Store

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


# Profiles a person goes through over the years, so that some exercise families go unplanned
# for months (mobility only, a short session, no band) and come back later.
BAND = frozenset({"chair", "wall", "doorway", "resistance_band", "anchor_point"})
PHASES = (
    Profile(minutes=30, equipment=BAND, pain={"neck": 4}),
    Profile(minutes=20, restrictions=frozenset({"mobility_only"}), pain={"neck": 5}),
    Profile(minutes=45, equipment=BAND, pain={"neck": 3, "upper_back": 4}),
    Profile(minutes=10, pain={"upper_back": 3}),
)
AREAS = ("neck", "upper_back")


def years_of_sessions(
    store: Store,
    catalog: Mapping[str, Exercise],
    count: int,
    today: dt.date,
    seed: int = 7,
    phase_length: int = 40,
) -> int:
    """`count` sessions up to `today`, each planned from the history so far with the profile of
    its phase (PHASES in turn, `phase_length` sessions each) and played unevenly: some never
    begun, some stopped part-way, steps skipped, effort answers, pain reports (some too much),
    an exercise now and then marked aggravating, and check-ins before, after, the next morning
    and at any time, some naming their session and some not. The person's id."""
    rng = random.Random(seed)
    person = store.local_person()
    day = today - dt.timedelta(days=count * 2 + count // 2)
    programme = None
    for number in range(count):
        day += dt.timedelta(days=rng.choice((1, 2, 3)))
        profile = PHASES[(number // phase_length) % len(PHASES)]
        at = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), dt.UTC)
        try:
            plan = build_session(
                catalog, profile, store.history(person), day=day, seed=number, programme=programme
            )
        except PlanImpossible:
            continue
        programme = plan.programme or programme
        _checkins_around(store, person, rng, day, at, None)
        timeline = build_timeline(plan)
        plan_id = store.save_plan(person, plan, at)
        session = store.start_session(person, plan_id, at, len(timeline), True)
        writes = _played(rng, plan, timeline, at)
        if writes:
            store.apply_writes(person, session, writes)
        else:
            store.abandon_session(session, at + dt.timedelta(hours=1))
        _checkins_around(store, person, rng, day, at, session)
    return person


def _played(
    rng: random.Random, plan: SessionPlan, timeline: tuple[Step, ...], at: dt.datetime
) -> list[tuple[SessionWrite, dt.datetime]]:
    """What one session's player wrote (see `years_of_sessions`)."""
    if rng.random() < 0.05:
        return []  # begun, never played
    stop = len(timeline) if rng.random() < 0.8 else rng.randrange(len(timeline))
    clock = at.timestamp()
    writes: list[tuple[SessionWrite, dt.datetime]] = []
    for step in timeline[:stop]:
        length = step.duration_s or 20.0
        record = StepRecord(
            index=step.index,
            item_index=step.item_index,
            exercise_id=step.exercise_id,
            kind=step.kind,
            set_number=step.set_number,
            side=step.side,
            direction=step.direction,
            reps=step.reps,
            hold_s=step.hold_s,
            started_at=clock,
            ended_at=clock + length,
            skipped=rng.random() < 0.02,
            paused_s=0.0,
        )
        clock += length
        when = dt.datetime.fromtimestamp(clock, dt.UTC)
        writes.append((record, when))
        if step.kind in ("work", "hold") and rng.random() < 0.03:
            # Mostly mild (within the limit), now and then too much.
            score = rng.randrange(10) if rng.random() < 0.3 else rng.randrange(4)
            pain = RecordPain(
                step.index, step.item_index, step.exercise_id, rng.choice(AREAS), score, frozenset()
            )
            writes.append((pain, when))
            if score >= 8 and rng.random() < 0.2:
                writes.append((MarkAggravating(step.exercise_id), when))
    reached = {s.item_index for s in timeline[:stop]}
    for number, item in enumerate(plan.items):
        if number in reached and item.block == "strength" and rng.random() < 0.7:
            writes.append((RecordEffort(number, item.exercise_id, rng.randrange(5)), at))
    end = dt.datetime.fromtimestamp(clock, dt.UTC)
    writes.append((SessionEnded(finished=stop == len(timeline)), end))
    return writes


def _checkins_around(
    store: Store,
    person: int,
    rng: random.Random,
    day: dt.date,
    at: dt.datetime,
    session: int | None,
) -> None:
    """Before a session (`session` None): perhaps one or two before-session check-ins and one
    at any time. After it: perhaps an after-session one and a next-morning one, the morning one
    naming the session or not."""

    def pain() -> dict[str, int]:
        return {area: rng.randrange(9) for area in AREAS if rng.random() < 0.7} or {"neck": 3}

    found: list[tuple[PainCheckIn, dt.datetime]] = []
    if session is None:
        for _ in range(rng.choice((0, 1, 1, 2))):
            found.append((PainCheckIn(day=day, moment="before", pain=pain()), at))
        if rng.random() < 0.2:
            found.append((PainCheckIn(day=day, moment="check", pain=pain()), at))
    else:
        if rng.random() < 0.6:
            after = PainCheckIn(day=day, moment="after", pain=pain(), session_id=session)
            found.append((after, at + dt.timedelta(minutes=30)))
        if rng.random() < 0.6:
            named = session if rng.random() < 0.5 else None
            morning = PainCheckIn(
                day=day + dt.timedelta(days=1), moment="morning", pain=pain(), session_id=named
            )
            found.append((morning, at + dt.timedelta(hours=14)))
    for checkin, taken in found:
        store.add_checkin(person, checkin, taken)
