"""Races between real server processes on one database (issue 13).

Two `unknot serve` processes share one SQLite file or one PostgreSQL database (one worker each:
two processes race as four do, and start in half the time). Every client opens its connection
first and then waits at a barrier, so the requests really arrive together; the counts before and
after are compared.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.postgres import PostgresServer
from tests.web.serving import Server
from unknot.domain.screening import QUESTION_IDS


@pytest.fixture(params=["sqlite", "postgresql"])
def servers(
    request: pytest.FixtureRequest, tmp_path: Path, postgres: PostgresServer | None
) -> Iterator[list[Server]]:
    database_url: dict[str, str] = {}
    if request.param == "postgresql":
        if postgres is None:
            pytest.skip("PostgreSQL is not installed; `make system-deps` installs it")
        database_url["database_url"] = postgres.create_database()
    pair = [
        Server(tmp_path / "data", tmp_path / "config", workers=1, **database_url) for _ in range(2)
    ]
    for server in pair:  # one after the other: the first migrates the new database
        server.start()
    yield pair
    for server in pair:
        server.stop()


def at_once(
    servers: list[Server], count: int, method: str, path: str, body: Any
) -> list[tuple[int, Any]]:
    """`count` requests, alternating between the servers, sent together; (status, body) each."""
    barrier = threading.Barrier(count)
    answers: list[tuple[int, Any]] = [(0, None)] * count
    data = json.dumps(body).encode()

    def send(number: int) -> None:
        server = servers[number % len(servers)]
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        connection.connect()
        barrier.wait(timeout=60)
        connection.request(method, path, data, {"Content-Type": "application/json"})
        response = connection.getresponse()
        text = response.read()
        answers[number] = (response.status, json.loads(text) if text else None)
        connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(status for status, _ in answers), "a request did not finish"
    return answers


def tables(server: Server) -> dict[str, list[dict[str, Any]]]:
    exported: dict[str, list[dict[str, Any]]] = server.get("/api/v1/export")["tables"]
    return exported


def test_first_writes_at_once_make_one_person_and_keep_every_check_in(
    servers: list[Server],
) -> None:
    """40 concurrent first writes made two "me" in 2 of 3 runs; a check-in then vanished."""
    checkin = {"moment": "check", "pain": {"neck": 3}}
    answers = at_once(servers, 40, "POST", "/api/v1/checkins", checkin)
    assert [status for status, _ in answers] == [201] * 40
    stored = tables(servers[1])
    assert len(stored["persons"]) == 1
    assert len(stored["checkins"]) == 40
    assert {row["person_id"] for row in stored["checkins"]} == {stored["persons"][0]["id"]}
    history = servers[0].get("/api/v1/progress")
    assert history["today"]


def test_starts_at_once_make_one_active_session_and_one_plan(servers: list[Server]) -> None:
    """30 concurrent starts made 30 active sessions and 30 plans for one day."""
    no = dict.fromkeys(QUESTION_IDS, False)
    status, _ = at_once(servers, 1, "POST", "/api/v1/screening", {"answers": no})[0]
    assert status == 201
    answers = at_once(servers, 30, "POST", "/api/v1/sessions", {})
    assert {status for status, _ in answers} == {201}
    assert len({body["session_id"] for _, body in answers}) == 1
    stored = tables(servers[0])
    assert [row["status"] for row in stored["sessions"]] == ["active"]
    assert len(stored["plans"]) == 1
