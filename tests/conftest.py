"""Shared fixtures: every test gets its own data and config folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.postgres import PostgresServer, find_binary, running_server
from unknot.services.workspace import close_stores

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Property tests run in full under CI=true and at a tenth locally (issue 15: one planner test
# took 33 s on every local run). `examples(n)` scales a test's own count the same way.
settings.register_profile("ci", max_examples=100, deadline=None)
settings.register_profile("local", max_examples=20, deadline=None)
settings.load_profile("ci" if IN_CI else "local")


# Tests that start processes (Chromium, `unknot serve`, PostgreSQL, the terminal player, the
# races) run in a serial pass after the rest have run on two workers (issue 15): two of them at
# once would fight over the two cores and their timing-free waits would only get slower.
SERIAL_MODULES = frozenset(
    {
        "tests.test_cli_session",
        "tests.test_breaks_companion",
        "tests.test_worker_crash",
        "tests.web.test_attacks",
        "tests.web.test_browser",
        "tests.web.test_desktop_reminders",
        "tests.web.test_pairing",
        "tests.web.test_phone_button",
        "tests.web.test_passkeys",
        "tests.web.test_phone_progress",
        "tests.web.test_emergency_path",
        "tests.web.test_faults",
        "tests.web.test_player_keys",
        "tests.web.test_programme_pages",
        "tests.web.test_proxy",
        "tests.web.test_races",
        "tests.web.test_scale_out",
        "tests.web.test_serve",
        "tests.web.test_shared_browser",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        name = module.__name__ if module is not None else ""
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("database_url") == "postgresql"
        if name in SERIAL_MODULES or on_postgres or "postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.serial)


def examples(full: int) -> int:
    """`full` examples under CI=true, a tenth (at least 20) otherwise."""
    return full if IN_CI else max(20, full // 10)


def require(command: str, why: str) -> str:
    """The path of `command`; skip the test without it, but fail under CI=true (issue 3)."""
    found = shutil.which(command)
    if found is None:
        message = f"{command} is not installed ({why}); `make system-deps` installs it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """Point UNKNOT_DATA_DIR and UNKNOT_CONFIG_DIR at a fresh temporary folder."""
    folders = {"data": tmp_path / "data", "config": tmp_path / "config"}
    monkeypatch.setenv("UNKNOT_DATA_DIR", str(folders["data"]))
    monkeypatch.setenv("UNKNOT_CONFIG_DIR", str(folders["config"]))
    monkeypatch.delenv("UNKNOT_DATABASE_URL", raising=False)
    yield folders
    close_stores()


@pytest.fixture
def own_exercises(private_folders: dict[str, Path]) -> Path:
    """The person's own exercise folder, created empty."""
    folder = private_folders["config"] / "exercises"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    """A throwaway PostgreSQL server for the session; None where it is not installed (and a
    failure under CI=true)."""
    if find_binary("initdb") is None:
        message = "PostgreSQL is not installed; `make system-deps` installs it"
        if IN_CI:
            pytest.fail(message)
        yield None
        return
    with running_server() as server:
        yield server
