"""Shared by the browser tests: Debian's Chromium, a real `unknot serve`, and onboarding.

Time in the page is Playwright's clock; the server keeps real time. Stopping the server is the
offline test (Playwright's offline switch misses service-worker traffic).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI
from unknot.domain.screening import QUESTION_IDS

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling test module without Chromium; under CI=true, fail it (issue 3)."""
    if not Path(CHROMIUM).exists():
        message = (
            "Chromium is not installed (Debian package chromium); `make system-deps` installs it"
        )
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)


require_chromium()

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`unknot serve` as a real process, stoppable and restartable on the same port."""

    def __init__(self, data: Path, config: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "UNKNOT_DATA_DIR": str(data),
            "UNKNOT_CONFIG_DIR": str(config),
            "LANG": "en_GB.UTF-8",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "unknot", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("unknot serve did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def get(self, path: str) -> Any:
        import urllib.request

        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "data", tmp_path / "config")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    opened.clock.install()
    yield opened
    context.close()


def onboard(page: Page, server: Server, minutes: int = 10) -> None:
    """Screening, then the profile, then today's plan."""
    page.goto(server.url + "/")
    assert page.url.endswith("/screening")
    for question in QUESTION_IDS:
        page.check(f"input[name={question}][value=no]")
    page.click("button[type=submit]")
    assert "no warning signs" in page.locator("h1").inner_text()
    page.click("text=Continue")
    assert page.url.endswith("/profile")
    page.select_option("select[name=pain_neck]", "5")
    page.fill("input[name=minutes]", str(minutes))
    page.click("text=Save and plan today")
    assert page.url.endswith("/today")
    assert "which you rated 5/10" in page.content()


def begin_session(page: Page, neck: int = 5) -> None:
    page.click("#start")
    page.wait_for_selector("#before-form")
    page.select_option("#before-form select[name=neck]", str(neck))
    page.click("#before-form button")
    page.wait_for_selector("#stage:not([hidden])")


def step_now(page: Page) -> int:
    return int(page.locator("#player").get_attribute("data-step") or "-1")


def wait_saved(page: Page) -> None:
    """Let the outbox deliver everything (its retries run on the page clock)."""
    for _ in range(60):
        page.clock.run_for(3500)
        if page.locator("#status-line").inner_text() == "Everything is saved.":
            return
        time.sleep(0.25)
    raise AssertionError(page.locator("#status-line").inner_text())
