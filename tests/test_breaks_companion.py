"""The desk-break companion (issue 22): `unknot breaks` as a real process on an accelerated
clock, its notices shown by a real Notifications peer on a private session bus. Start opens the
routine's page in the browser ($BROWSER: a program that hands the address to the test), Later
asks again sooner, Skip waits a full span; each answer is recorded, the routine's page takes a
pain check-in, and Progress shows the breaks beside the sessions."""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.answers import answers_for
from tests.notifications import NotificationPeer, notification_peer
from tests.web.test_desktop_reminders import a_browser
from unknot.config import Settings
from unknot.services.application import Application
from unknot.web.app import create_app

__all__ = ["notification_peer"]

SPEED = 600  # ten minutes of the clock in a second


def line_with(process: subprocess.Popen[str], pattern: str, timeout_s: float = 30) -> str:
    """The next line the companion prints that matches `pattern`."""
    assert process.stdout is not None
    seen = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not selector.select(deadline - time.monotonic()):
                break
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if re.search(pattern, line):
                return line
    raise AssertionError(f"no line matching {pattern!r}; the companion said {seen}")


def test_a_desk_break_from_a_notice_start_later_and_skip(
    notification_peer: NotificationPeer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    settings = Settings(data_dir=data, config_dir=config)
    application = Application.from_settings(settings)
    application.local().submit_screening(answers_for(), country="GB")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(30)
    environment = {
        name: value for name, value in os.environ.items() if name not in ("DISPLAY",)
    } | {
        "UNKNOT_DATA_DIR": str(data),
        "UNKNOT_CONFIG_DIR": str(config),
        "UNKNOT_CLOCK_SPEED": str(SPEED),
        "UNKNOT_CLOCK_START": "2027-03-22T10:00:00+00:00",
        "BROWSER": str(a_browser(tmp_path, listener)),
    }
    companion = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "unknot",
            "breaks",
            "--every",
            "10",
            "--later",
            "2",
            "--port",
            "8123",
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "a plain timer (no idle detection here" in line_with(companion, "unknot breaks:")
        assert line_with(companion, "Your break:").strip() == (
            "Your break: Wall angel, Chin tuck, Shoulder roll (about 2 minutes)."
        )
        answers = {}
        for count, button in enumerate(("Start", "Later", "Skip", "close"), start=1):
            offered = line_with(companion, r"^Break \d+ offered")
            break_id = int(offered.split()[1])
            notice = notification_peer.wait_for(count)[-1]
            assert notice.app_name == "unknot"
            assert notice.summary == "Time for a 2-minute neck break"
            assert notice.body == (
                "Wall angel, Chin tuck, Shoulder roll. Seated or standing, at your desk."
            )
            assert list(notice.buttons) == ["Start", "Later", "Skip"]
            if button == "close":
                notification_peer.dismiss(notice)
            else:
                notification_peer.press(notice, button)
            answer = {"Start": "started", "Later": "later", "Skip": "skipped", "close": "later"}[
                button
            ]
            assert line_with(companion, r"^Break \d+: ").strip() == f"Break {break_id}: {answer}."
            answers[button] = break_id
            if button == "Start":
                opened, _ = listener.accept()
                with opened:
                    assert opened.recv(1000).decode() == (
                        f"http://127.0.0.1:8123/breaks/{break_id}"
                    )
        companion.send_signal(signal.SIGTERM)
        _, errors = companion.communicate(timeout=30)
        assert companion.returncode == 0, errors
    finally:
        if companion.poll() is None:
            companion.kill()
        companion.communicate()
        listener.close()

    with TestClient(create_app(application), base_url="http://127.0.0.1:8000") as client:
        page = client.get(f"/breaks/{answers['Start']}")
        assert page.status_code == 200
        assert "Chin tuck" in page.text
        assert "5 repetitions, holding 5 seconds" in page.text
        token = re.search(r'name="form_token" value="([0-9a-f]+)"', page.text)
        assert token
        bad = client.post(
            f"/breaks/{answers['Start']}/check-in", data={"form_token": token[1], "pain": "11"}
        )
        assert bad.status_code == 400
        assert "is not a pain score" in bad.text
        noted = client.post(
            f"/breaks/{answers['Start']}/check-in", data={"form_token": token[1], "pain": "2"}
        )
        assert "Noted: 2/10 after this break." in noted.text
        progress = client.get("/progress").text
        assert (
            "1 break routine started, 2 put off, 1 skipped, and 0 times away from the desk"
        ) in progress
        assert "Pain after a break: 2 (out of 10)" in progress
        assert client.get("/breaks/999").status_code == 404
        assert client.get("/breaks/99999999999999999999").status_code == 422
    application.close()
