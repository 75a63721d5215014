"""Issue 4: planning speed (one plan: median <= 2 ms, p99 <= 10 ms; 2,000 exercises: <= 50 ms)."""

from __future__ import annotations

import datetime as dt
import random
import time
from functools import partial

from tests.domain.plan_rules import usable, violations

from bench.measure import call_times, report
from unknot.catalog.loader import validate_all
from unknot.domain.exercise import Exercise
from unknot.domain.plan import PlanImpossible
from unknot.domain.planner import build_session
from unknot.domain.profile import GOALS, RESTRICTIONS, Profile
from unknot.domain.vocabulary import ITEMS, PAIN_AREAS, POSITION_AVOIDANCES

DAY = dt.date(2026, 11, 25)


def synthetic(shipped: dict[str, Exercise], size: int) -> dict[str, Exercise]:
    """`size` exercises: the shipped ones, then renamed copies without variation links."""
    catalog = dict(shipped)
    base = [e for e in shipped.values() if e.variation_of is None]
    index = 0
    while len(catalog) < size:
        source = base[index % len(base)]
        copy = source.model_copy(
            update={"id": f"{source.id}-{index}", "easier": None, "harder": None}
        )
        catalog[copy.id] = copy
        index += 1
    return dict(list(catalog.items())[:size])


def random_profile(rng: random.Random, ids: list[str]) -> Profile:
    return Profile(
        pain={a: rng.randint(0, 10) for a in rng.sample(PAIN_AREAS, rng.randint(0, 3))},
        equipment=frozenset(rng.sample(ITEMS, rng.randint(0, len(ITEMS)))),
        minutes=rng.randint(5, 60),
        sessions_per_week=rng.randint(2, 7),
        avoid_positions=frozenset(rng.sample(POSITION_AVOIDANCES, rng.randint(0, 2))),
        experience=rng.choice(["new", "returning", "regular"]),
        avoid_exercises=frozenset(rng.sample(ids, rng.randint(0, 3))),
        restrictions=frozenset(rng.sample(RESTRICTIONS, rng.randint(0, 2))),
        goals=frozenset(rng.sample(GOALS, rng.randint(1, 3))),
    )


def run() -> list[str]:
    shipped = {e.id: e for e in validate_all(None)}
    typical = Profile(
        minutes=30,
        pain={"neck": 6},
        equipment=frozenset({"chair", "wall", "doorway", "resistance_band", "anchor_point"}),
    )
    lines = [
        report(
            "one plan, shipped catalog (30 min, neck 6/10, band)",
            call_times(lambda: build_session(shipped, typical, day=DAY), runs=2000),
            target_ms=2,
        )
    ]
    for size in (20, 200, 2000):
        catalog = synthetic(shipped, size)
        samples = call_times(partial(build_session, catalog, typical, day=DAY), runs=30, warmups=2)
        lines.append(
            report(
                f"one plan, synthetic catalog of {size}",
                samples,
                target_ms=50 if size == 2000 else None,
            )
        )
    rng = random.Random(4)
    ids = sorted(shipped)
    profiles = [random_profile(rng, ids) for _ in range(10_000)]
    invalid = impossible = 0
    start = time.perf_counter()
    for number, profile in enumerate(profiles):
        try:
            plan = build_session(shipped, profile, day=DAY, seed=number)
        except PlanImpossible:
            impossible += 1
            if any(usable(e, profile) for e in shipped.values() if e.phase != "warmup"):
                invalid += 1
            continue
        if violations(plan, profile, shipped):
            invalid += 1
    elapsed = time.perf_counter() - start
    lines.append(
        f"10,000 random profiles: {elapsed:.1f} s (checks included), "
        f"{impossible} reported impossible, {invalid} breaking a rule"
    )
    return lines
