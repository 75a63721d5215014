"""Screening, sessions, history and the database from the command line (issue 5)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.answers import typed
from unknot.cli import app
from unknot.services.workspace import Workspace, close_stores
from unknot.storage.repository import Store

runner = CliRunner()
ALL_NO = typed()
URGENT_FIRST = typed("chest_pain")


@pytest.fixture(autouse=True)
def known_emergency_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)


# Ten in the morning: a player at 400 times real speed started late in the evening would cross
# midnight within a minute, and its "today" would no longer be the day of the check-in.
MORNING = "2026-06-10T10:00:00"


def store() -> Store:
    return Workspace.from_environment().open_store()


def test_screen_clear() -> None:
    result = runner.invoke(app, ["screen"], input=ALL_NO)
    assert result.exit_code == 0, result.output
    assert "You can exercise. Nothing you answered needs" in result.stdout
    latest = store().latest_screening(store().local_person())
    assert latest is not None
    assert latest.result.tier == "clear"


def test_screen_urgent_says_what_to_do_and_blocks_sessions() -> None:
    result = runner.invoke(app, ["screen"], input=URGENT_FIRST)
    assert result.exit_code == 1
    assert "Get help now. Call " in result.stdout
    assert "Call 999 now" in result.stdout
    blocked = runner.invoke(app, ["session", "--plain"])
    assert blocked.exit_code == 1
    assert "Sessions wait until you record that a clinician has seen you" in blocked.stdout
    cleared = runner.invoke(app, ["cleared", "--by", "Dr Rao, GP", "--note", "ECG normal"])
    assert cleared.exit_code == 0
    assert "Recorded: a clinician saw you and cleared you" in cleared.stdout


def test_answering_no_again_does_not_lift_the_lock() -> None:
    """Issue 12: after an urgent result, all "no" lifted the lock at once."""
    import datetime as dt

    assert runner.invoke(app, ["screen"], input=URGENT_FIRST).exit_code == 1
    again = runner.invoke(app, ["screen"], input=ALL_NO)
    assert again.exit_code == 1
    assert "Today's answers: You can exercise; an earlier warning still stands" in again.stdout
    assert "Get help now. Call 999 now" in again.stdout
    blocked = runner.invoke(app, ["session", "--plain"])
    assert blocked.exit_code == 1
    assert "Sessions wait until" in blocked.stdout
    plan = runner.invoke(app, ["plan"])
    assert plan.exit_code == 1
    assert "Call 999 now" in plan.stdout
    assert "Strength" not in plan.stdout
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    early = runner.invoke(app, ["cleared", "--date", yesterday])
    assert early.exit_code == 2
    assert f"came after {yesterday}" in early.stderr
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert "in the future" in runner.invoke(app, ["cleared", "--date", tomorrow]).stderr
    assert runner.invoke(app, ["plan"]).exit_code == 1  # nothing was recorded
    assert runner.invoke(app, ["cleared", "--by", "A&E"]).exit_code == 0
    assert runner.invoke(app, ["plan"]).exit_code == 0
    nothing = runner.invoke(app, ["cleared"])
    assert nothing.exit_code == 2
    assert "no warning sign on record is waiting" in nothing.stderr


def test_screen_needs_every_answer_and_saves_nothing_otherwise() -> None:
    result = runner.invoke(app, ["screen"], input="n\nn\nmaybe\n")
    assert result.exit_code == 2
    assert "Please answer y (yes) or n (no)." in result.stdout
    assert "nothing was saved" in result.stderr
    assert store().latest_screening(store().local_person()) is None


def test_cleared_needs_a_screening() -> None:
    result = runner.invoke(app, ["cleared"])
    assert result.exit_code == 2
    assert "no screening on record to clear" in result.stderr
    bad = runner.invoke(app, ["cleared", "--date", "yesterday"])
    assert bad.exit_code == 2


def test_history_and_db_upgrade() -> None:
    empty = runner.invoke(app, ["history", "--json"])
    assert json.loads(empty.stdout) == []
    assert "No sessions yet" in runner.invoke(app, ["history"]).stdout
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0
    assert "already at revision" in upgraded.stdout


def test_a_database_from_a_newer_unknot_is_refused() -> None:
    with store().engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    close_stores()  # as a new process would: the schema is checked when a store opens
    result = runner.invoke(app, ["history"])
    assert result.exit_code == 2
    assert "written by a newer unknot" in result.stderr
    assert result.stderr.count("\n") == 1


def unknot(*args: str) -> list[str]:
    return [sys.executable, "-m", "unknot", *args]


def wait_for_line(process: subprocess.Popen[str], prefix: str, limit_s: float = 60) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + limit_s
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith(prefix):
            return seen
    raise AssertionError(f"no line starting {prefix!r} in:\n{''.join(seen)}")


def test_killed_mid_session_resumes_at_the_exact_step(private_folders: dict[str, Path]) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "UNKNOT_CLOCK_START": MORNING}
    subprocess.run(
        unknot("screen"), input=ALL_NO, env=env, text=True, check=True, capture_output=True
    )
    target = 12
    # The clock all but stopped (a second takes 10^6 s): every step ends by the "d" typed for
    # it, none by time, so the kill comes at exactly the step reached (issue 15: by events, not
    # by waiting 20 s of real time for the clock to get there).
    with subprocess.Popen(
        unknot("session", "--plain", "--minutes", "10"),
        env={**env, "UNKNOT_CLOCK_SPEED": "0.000001"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as player:
        assert player.stdin is not None
        try:
            wait_for_line(player, "[step 1/")
            for reached in range(2, target + 1):
                player.stdin.write("d\n")
                player.stdin.flush()
                wait_for_line(player, f"[step {reached}/")
            player.send_signal(signal.SIGKILL)
        finally:
            player.wait(timeout=30)
    assert player.returncode == -signal.SIGKILL
    saved = store()
    session = saved.sessions(saved.local_person())[-1]
    assert session.status == "active"
    assert [r["step_index"] for r in saved.step_records(session.id)] == list(range(target - 1))

    resumed = subprocess.run(
        unknot("session", "--plain"),
        env={**env, "UNKNOT_CLOCK_SPEED": "400"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    first_line = resumed.stdout.splitlines()[0]
    assert first_line.startswith(f"Resuming session {session.id} at step {target}:")
    assert f"[step {target}/" in resumed.stdout
    assert f"[step {target - 1}/" not in resumed.stdout
    rows = saved.step_records(session.id)
    assert [r["step_index"] for r in rows] == list(range(session.steps_total))
    final = saved.sessions(saved.local_person())[-1]
    assert (final.id, final.status) == (session.id, "finished")
    history = json.loads(runner.invoke(app, ["history", "--json"]).stdout)
    assert history[0]["completion"] == 1.0


def test_a_severe_day_offers_the_gentle_routine_in_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14: a neck at 10/10 got neck rolls "because you rated it 10/10"."""
    monkeypatch.setenv("UNKNOT_CLOCK_START", MORNING)
    assert runner.invoke(app, ["checkin", "--moment", "before", "--pain", "neck=9"]).exit_code == 0
    assert runner.invoke(app, ["screen"], input=ALL_NO).exit_code == 0
    plan = runner.invoke(app, ["plan", "--pain", "neck=9"])
    assert plan.exit_code == 0, plan.output
    assert "A gentle day" in plan.stdout
    assert "Rest is fine today too" in plan.stdout
    assert "neck-roll" not in plan.stdout
    session = subprocess.run(
        unknot("session", "--plain"),
        input="q\n",
        env={**os.environ, "UNKNOT_CLOCK_SPEED": "400"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "A gentle day. Your neck pain is 9/10 today, so there is no ordinary session" in (
        session.stdout
    )
    assert "Neck roll" not in session.stdout


def test_the_country_sets_the_emergency_number() -> None:
    result = runner.invoke(app, ["screen", "--country", "us"], input=URGENT_FIRST)
    assert result.exit_code == 1
    assert "Call 911 now" in result.stdout
    assert "is a guess" not in result.stdout
    guessed = runner.invoke(app, ["screen"], input=ALL_NO)
    assert "is a guess" not in guessed.stdout  # kept from last time
    bad = runner.invoke(app, ["screen", "--country", "Narnia"])
    assert bad.exit_code == 2
    assert "unknown country 'Narnia'" in bad.stderr


def test_without_a_country_the_number_is_a_guess_to_check() -> None:
    result = runner.invoke(app, ["screen"], input=ALL_NO)
    assert "The emergency number 999 is a guess" in result.stdout
