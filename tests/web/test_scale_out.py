"""Two `unknot serve --server` processes on one PostgreSQL (issue 20): they keep nothing of their
own, so a sign-in on one is a sign-in on the other, and a session begun on one is finished on
the other."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.answers import answers_for
from tests.postgres import PostgresServer
from tests.signing import add_account
from tests.web.serving import Server
from unknot.clock import SystemClock
from unknot.config import Settings
from unknot.services.application import Application

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')


@pytest.fixture
def two_servers(
    postgres: PostgresServer | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Server, Server]]:
    assert postgres is not None  # the fixture fails under CI=true without PostgreSQL
    url = postgres.create_database()
    monkeypatch.setenv("UNKNOT_DATABASE_URL", url)
    application = Application.from_settings(Settings(), SystemClock())
    accounts = application.accounts()
    made = accounts.create_first_administrator("Riverside", "admin@example.org", PASSWORD)
    add_account(accounts, made.organisation_id, "ann@example.org")
    application.close()
    # The same folders: the installation's secret (which signs form tokens) is shared, as a
    # deployment shares it between its processes.
    servers = tuple(
        Server(tmp_path / "data", tmp_path / "config", workers=1, server="1", database_url=url)
        for _ in range(2)
    )
    for server in servers:
        server.start()
    yield servers[0], servers[1]
    for server in servers:
        server.stop()


def test_a_sign_in_and_a_session_carry_across_processes(
    two_servers: tuple[Server, Server],
) -> None:
    one, two = two_servers
    # Cookies ignore ports: one browser, two processes on 127.0.0.1.
    with httpx.Client(follow_redirects=False, timeout=20) as browser:
        page = browser.get(f"{one.url}/sign-in")
        token = TOKEN.search(page.text)
        assert token
        signed = browser.post(
            f"{one.url}/sign-in",
            data={
                "email": "ann@example.org",
                "password": PASSWORD,
                "next": "/",
                "form_token": token[1],
            },
        )
        assert signed.status_code == 303
        assert browser.get(f"{two.url}/api/v1/status").status_code == 200
        screened = browser.post(f"{two.url}/api/v1/screening", json={"answers": answers_for()})
        assert screened.status_code == 201, screened.text
        profile = browser.get(f"{one.url}/api/v1/profile").json()
        profile["minutes"] = 10
        assert browser.put(f"{one.url}/api/v1/profile", json=profile).status_code == 200
        session = browser.post(f"{one.url}/api/v1/sessions", json={}).json()
        base = f"/api/v1/sessions/{session['session_id']}"
        run = browser.post(
            f"{one.url}{base}/runs", json={"resume_at": 0, "session_key": session["session_key"]}
        ).json()
        total = sum(s["duration_s"] or 0 for s in session["steps"])

        def event(server: Server, seq: int, kind: str, at: float) -> int:
            body = {
                "run_id": run["run_id"],
                "seq": seq,
                "kind": kind,
                "at": at,
                "session_key": session["session_key"],
            }
            return browser.post(f"{server.url}{base}/events", json=body).status_code

        assert event(one, 0, "start", 0.0) in (200, 201)
        assert event(two, 1, "tick", float(total) + 5) in (200, 201)
        history = browser.get(f"{one.url}/api/v1/history").json()
        assert history[0]["status"] == "finished"
        assert browser.get(f"{two.url}{base}/summary").status_code == 200
        # Signing out on one ends the sign-in on both.
        token = TOKEN.search(browser.get(f"{two.url}/account").text)
        assert token
        browser.post(f"{two.url}/sign-out", data={"form_token": token[1]})
        assert browser.get(f"{one.url}/api/v1/status").status_code == 401
