"""Issue 20: the shared server under load: 200 signed-in people in sessions at once against two
app processes and one PostgreSQL, and what an Argon2id sign-in costs.

All 200 sign in before the timed window, at most two at once (each hash takes 64 MiB). Then for
60 s each person's player sends session events at an open-model rate: the next event is due at
a time drawn ahead of the last one's due time, not of its answer, so a slow answer does not
slow the load. Sessions run 10 times faster than real time (an event's `at` is ten times the
time since its run began), and each event goes to either process. Afterwards every
acknowledged event must be stored exactly once.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.measure import percentile

PEOPLE = 200
SECONDS = 60
EVENTS_PER_S = 100
SPEED_UP = 10
SIGN_INS_AT_ONCE = 2
PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')


@dataclass
class Person:
    email: str
    client: Any
    session: dict[str, Any] = field(default_factory=dict)
    run_id: int = 0
    began: float = 0.0
    seq: int = 0
    acknowledged: list[tuple[int, int]] = field(default_factory=list)


async def sign_in(person: Person, url: str) -> float:
    page = await person.client.get(f"{url}/sign-in")
    found = TOKEN.search(page.text)
    assert found, page.text[:200]
    started = time.perf_counter()
    answer = await person.client.post(
        f"{url}/sign-in",
        data={"email": person.email, "password": PASSWORD, "next": "/", "form_token": found[1]},
    )
    took = time.perf_counter() - started
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in of {person.email}: {answer.status_code}")
    return took


async def begin(person: Person, url: str, answers: dict[str, bool]) -> None:
    client = person.client
    assert (
        await client.post(f"{url}/api/v1/screening", json={"answers": answers})
    ).status_code == 201
    profile = (await client.get(f"{url}/api/v1/profile")).json()
    profile["minutes"] = 30
    assert (await client.put(f"{url}/api/v1/profile", json=profile)).status_code == 200
    made = await client.post(f"{url}/api/v1/sessions", json={})
    assert made.status_code == 201, made.text
    person.session = made.json()
    run = await client.post(
        f"{url}/api/v1/sessions/{person.session['session_id']}/runs",
        json={"resume_at": 0, "session_key": person.session["session_key"]},
    )
    assert run.status_code == 201, run.text
    person.run_id = run.json()["run_id"]


async def play(
    person: Person, urls: list[str], until: float, latencies: list[float], errors: list[str]
) -> None:
    """Start, then pause and resume in turn (a session that never ends by itself)."""
    rng = random.Random(person.email)
    mean_gap = PEOPLE / EVENTS_PER_S
    due = time.perf_counter() + rng.expovariate(1 / mean_gap)
    person.began = time.perf_counter()
    base = f"/api/v1/sessions/{person.session['session_id']}/events"
    while due < until:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        kind = "start" if person.seq == 0 else ("pause" if person.seq % 2 else "resume")
        body = {
            "run_id": person.run_id,
            "seq": person.seq,
            "kind": kind,
            "at": round((time.perf_counter() - person.began) * SPEED_UP, 3),
            "session_key": person.session["session_key"],
        }
        url = urls[person.seq % len(urls)]
        sent = time.perf_counter()
        try:
            answer = await person.client.post(f"{url}{base}", json=body)
        except Exception as error:  # every failure is counted, none retried
            errors.append(f"{type(error).__name__}: {error}")
        else:
            latencies.append((time.perf_counter() - sent) * 1000)
            if answer.status_code in (200, 201):
                person.acknowledged.append((person.run_id, person.seq))
            else:
                errors.append(f"{answer.status_code} {answer.text[:120]}")
        person.seq += 1
        due += rng.expovariate(1 / mean_gap)


async def load(urls: list[str], emails: list[str], answers: dict[str, bool]) -> dict[str, Any]:
    import httpx2 as httpx

    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    people = [Person(e, httpx.AsyncClient(timeout=30, limits=limits)) for e in emails]
    gate = asyncio.Semaphore(SIGN_INS_AT_ONCE)

    async def one(person: Person) -> float:
        async with gate:
            return await sign_in(person, urls[0])  # all on one process: its sign-in rate

    started = time.perf_counter()
    sign_in_times = await asyncio.gather(*(one(p) for p in people))
    signing_s = time.perf_counter() - started
    setup = asyncio.Semaphore(16)

    async def ready(index: int, person: Person) -> None:
        async with setup:
            await begin(person, urls[index % len(urls)], answers)

    await asyncio.gather(*(ready(i, p) for i, p in enumerate(people)))
    latencies: list[float] = []
    errors: list[str] = []
    began = time.perf_counter()
    until = began + SECONDS
    await asyncio.gather(*(play(p, urls, until, latencies, errors) for p in people))
    elapsed = time.perf_counter() - began
    for person in people:
        await person.client.aclose()
    return {
        "sign_in_ms": [t * 1000 for t in sign_in_times],
        "sign_ins_per_s": len(people) / signing_s,
        "latencies": latencies,
        "errors": errors,
        "rate": len(latencies) / elapsed,
        "acknowledged": [a for p in people for a in p.acknowledged],
    }


def single_person(url: str, email: str, answers: dict[str, bool]) -> list[float]:
    """One person alone, one event after another: the figure beside the 200."""
    import httpx2 as httpx

    async def alone() -> list[float]:
        async with httpx.AsyncClient(timeout=30) as client:
            person = Person(email, client)
            await sign_in(person, url)
            await begin(person, url, answers)
            person.began = time.perf_counter()
            times = []
            base = f"/api/v1/sessions/{person.session['session_id']}/events"
            for seq in range(300):
                body = {
                    "run_id": person.run_id,
                    "seq": seq,
                    "kind": "start" if seq == 0 else ("pause" if seq % 2 else "resume"),
                    "at": round((time.perf_counter() - person.began) * SPEED_UP, 3),
                    "session_key": person.session["session_key"],
                }
                sent = time.perf_counter()
                answer = await client.post(f"{url}{base}", json=body)
                times.append((time.perf_counter() - sent) * 1000)
                assert answer.status_code in (200, 201), answer.text
            return times

    return asyncio.run(alone())


def stored(database_url: str) -> dict[tuple[int, int], int]:
    import psycopg

    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as db:
        rows = db.execute(
            "SELECT run_id, seq, count(*) FROM session_events GROUP BY run_id, seq"
        ).fetchall()
    return {(int(r), int(s)): int(n) for r, s, n in rows}


def run() -> list[str]:
    from tests.answers import answers_for
    from tests.postgres import running_server
    from tests.web.serving import Server

    from unknot.clock import SystemClock
    from unknot.config import Settings
    from unknot.services.accounts import hash_password
    from unknot.services.application import Application

    answers = answers_for()
    with tempfile.TemporaryDirectory() as home, running_server() as postgres:
        url = postgres.create_database()
        application = Application.from_settings(
            Settings(
                server=True,
                database_url=url,
                data_dir=Path(home) / "data",
                config_dir=Path(home) / "config",
            ),
            SystemClock(),
        )
        accounts = application.accounts()
        made = accounts.create_first_administrator("Load test", "admin@example.org", PASSWORD)
        one_hash = hash_password(PASSWORD)  # the accounts are made, not signed in: one hash
        emails = [f"person{n}@example.org" for n in range(PEOPLE + 1)]
        for email in emails:
            accounts.records.create_account(
                organisation_id=made.organisation_id,
                role="person",
                now=accounts._now(),
                email=email,
                password_hash=one_hash,
                new_person=True,
            )
        application.close()
        servers = [
            Server(
                Path(home) / "data", Path(home) / "config", workers=1, server="1", database_url=url
            )
            for _ in range(2)
        ]
        for server in servers:
            server.start()
        try:
            alone = single_person(servers[0].url, emails[-1], answers)
            result = asyncio.run(load([s.url for s in servers], emails[:PEOPLE], answers))
            counts = stored(url)
        finally:
            for server in servers:
                server.stop()
    acknowledged = result["acknowledged"]
    missing = sum(1 for key in acknowledged if counts.get(key, 0) != 1)
    repeated = sum(1 for n in counts.values() if n > 1)
    latencies = result["latencies"]
    sign_ins = result["sign_in_ms"]
    lines = [
        f"one Argon2id sign-in (RFC 9106 low-memory, 64 MiB): median "
        f"{percentile(sign_ins, 0.5):.0f} ms, p99 {percentile(sign_ins, 0.99):.0f} ms, two at once",
        f"sign-ins one process sustains: {result['sign_ins_per_s']:.1f}/s ({PEOPLE} people)",
        f"one person alone, event post: p50 {percentile(alone, 0.5):.1f} ms, "
        f"p99 {percentile(alone, 0.99):.1f} ms (n={len(alone)})",
        f"{PEOPLE} people, 2 processes, {SECONDS} s: {result['rate']:.0f} events/s, event post "
        f"p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms (goal p99 <= 50 ms: "
        f"{50 / max(percentile(latencies, 0.99), 0.001):.2f}x)",
        f"errors {len(result['errors'])}; acknowledged {len(acknowledged):,}, "
        f"not stored exactly once {missing}, stored twice {repeated}",
    ]
    if result["errors"]:
        lines.append(f"first error: {result['errors'][0]}")
    os.environ.pop("UNKNOT_SERVER", None)
    return lines
