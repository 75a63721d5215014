""" "Use unknot on your phone" on the Your data page (issue 21), against `unknot serve` with two
processes as `make run` starts it: the process that answers starts listening on the network
over HTTPS; from then on every process asks every browser to sign in (this one is signed in as
the computer); a phone pairs through that listener; "Stop" ends it, and loopback is answered
without a sign-in again."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import IN_CI
from tests.web.browsing import ARGS, CHROMIUM
from tests.web.serving import free_port, wait_for_port
from tests.web.test_pairing import phone_context, read_qr, trust_in_chromium
from unknot.config import Settings
from unknot.services.application import Application
from unknot.services.devices import Devices


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        with error:
            return int(error.code)


def until(check: object, what: str, limit_s: float = 10) -> None:
    """Poll a condition the server reaches on its own (the other process reads the listening
    row at most once a second)."""
    deadline = time.monotonic() + limit_s
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, int, Path, Path]]:
    found = [a for a in Devices.network_addresses() if ":" not in a]
    if not found:
        message = "this machine has no IPv4 network address for a phone to reach"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    data, config, home = tmp_path / "data", tmp_path / "config", tmp_path / "home"
    application = Application.from_settings(Settings(data_dir=data, config_dir=config))
    # The authority the button will use, made first so that the test's browser trusts it.
    made = application.devices().certificates([found[0]])
    application.close()
    trust_in_chromium(home, made.authority)
    port, pair_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "unknot", "serve", "--port", str(port), "--workers", "2"],
        env={
            **os.environ,
            "UNKNOT_DATA_DIR": str(data),
            "UNKNOT_CONFIG_DIR": str(config),
            "UNKNOT_PAIR_PORT": str(pair_port),
            "UNKNOT_PAIR_ADDRESS": found[0],
            "LANG": "en_GB.UTF-8",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, "unknot serve")
    yield f"http://127.0.0.1:{port}", f"https://{found[0]}:{pair_port}", pair_port, home, data
    process.terminate()
    process.wait(timeout=15)


def test_the_your_data_button_lets_a_phone_in_until_stopped(
    served: tuple[str, str, int, Path, Path],
) -> None:
    here, phone_url, pair_port, home, _data = served
    status_url = f"{here}/api/v1/status"
    assert status(status_url) == 200  # loopback alone: no sign-in
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, env={**os.environ, "HOME": str(home)}
        )
        desk = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        desk.goto(f"{here}/data")
        desk.click("#use-phone")
        desk.wait_for_url("**/devices")
        assert "This computer" in desk.locator("#devices").inner_text()
        wait_for_port(pair_port, "the network listener")  # it binds after every process knows
        # Now nothing on loopback is served without a sign-in, in either process.
        for _ in range(8):
            assert status(status_url) == 401
        # A phone pairs through the new listener, over HTTPS the browser trusts.
        desk.click("#pair")
        link = read_qr(desk.locator("#qr").screenshot())
        assert link.startswith(f"{phone_url}/join/")
        hand = phone_context(browser).new_page()
        hand.goto(link)
        hand.fill("input[name=name]", "Sam's phone")
        hand.tap("#join button")
        desk.wait_for_selector("#asking-name", timeout=15_000)
        desk.click("#admit")
        hand.wait_for_function("() => !location.pathname.startsWith('/join')", timeout=15_000)
        assert hand.evaluate("fetch('/api/v1/status').then(r => r.status)") == 200
        # Stop: loopback without a sign-in again, and no network connection is answered.
        desk.goto(f"{here}/devices")
        desk.click("#stop-network")
        desk.wait_for_url("**/data")
        until(
            lambda: all(status(status_url) == 200 for _ in range(4)),
            "loopback still asks for a sign-in after stopping",
        )
        refused = hand.evaluate(
            "fetch('/api/v1/status', {cache: 'no-store'}).then(r => r.status, () => 0)"
        )
        assert refused in (0, 403), refused  # the listener is gone, or the guard refuses
        browser.close()
