"""A reminder as a desktop notification from the local app (issue 22): `unknot serve` as a real
process, on an accelerated clock, whose own dispatcher shows the reminder through the
freedesktop Notifications service of a private session bus (a real peer records it); pressing
Start opens the player in the person's browser ($BROWSER, here a program that reports the
address it was given), and the Reminders page lists it as sent."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import math
import re
import socket
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.notifications import NotificationPeer, notification_peer
from tests.web.serving import Server

__all__ = ["notification_peer"]

SPEED = 300
CLOCK_START = dt.datetime(2027, 3, 22, 17, tzinfo=dt.UTC)  # 17:00 in London (GMT)


def a_browser(folder: Path, listener: socket.socket) -> Path:
    """A program that takes the address it is asked to open and hands it to the test."""
    port = listener.getsockname()[1]
    program = folder / "browser"
    program.write_text(
        f"#!{sys.executable}\n"
        "import socket, sys\n"
        f"socket.create_connection(('127.0.0.1', {port})).sendall(sys.argv[1].encode())\n"
    )
    program.chmod(0o700)
    return program


def test_the_local_app_reminds_on_the_desktop_and_start_opens_the_player(
    notification_peer: NotificationPeer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(30)
    monkeypatch.setenv("BROWSER", str(a_browser(tmp_path, listener)))
    server = Server(
        tmp_path / "data",
        tmp_path / "config",
        clock_speed=str(SPEED),
        clock_start=CLOCK_START.isoformat(),
    )
    began = time.monotonic()
    server.start()
    try:
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with browser.open(server.url + "/reminders", timeout=10) as answer:
            page = answer.read().decode()
        token = re.search(r'name="form_token" value="([0-9a-f]+)"', page)
        assert token
        # The server's clock has run at most this far; the reminder goes an hour (of its
        # clock) after that, 12 s from now: time enough to save it on a busy machine.
        ran = (time.monotonic() - began) * SPEED
        due = CLOCK_START + dt.timedelta(minutes=math.ceil(ran / 60) + 60)
        form = {
            "form_token": token[1],
            "on": "1",
            "time": due.strftime("%H:%M"),
            "days_from": "planned",
            "channel": "desktop",
            "nudge_at": "20:00",
            "quiet_from": "21:30",
            "quiet_until": "08:00",
            "time_zone": "Europe/London",
        }
        days = "&".join(f"day={d}" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
        body = urllib.parse.urlencode(form | {"days_from": "chosen"}) + "&" + days
        request = urllib.request.Request(
            server.url + "/reminders", data=body.encode(), headers={"Origin": server.url}
        )
        with browser.open(request, timeout=10) as answer:
            saved = answer.read().decode()
        assert 'id="reminders-saved"' in saved
        assert f"Monday 22 Mar {due:%H:%M} reminder as a desktop notification" in saved

        [notice] = notification_peer.wait_for(1, timeout=90)
        assert notice.app_name == "unknot"
        assert notice.summary == "Your unknot session is ready"
        assert re.fullmatch(
            r"Your neck and upper-back session is ready: \d+ exercises, about \d+ minutes\.",
            notice.body,
        )
        assert list(notice.buttons) == ["Start"]

        # The log says sent once the notifier has the service's answer (and so knows the
        # notice's id): a person's press comes after that, and so does this one.
        # Sent when the dispatcher's next pass comes, within a minute of its clock.
        sent = re.compile(r"Sent Monday 22 Mar (\d\d:\d\d) as a desktop notification \(reminder\)")
        deadline = time.monotonic() + 60
        while True:
            with browser.open(server.url + "/reminders", timeout=10) as answer:
                found = sent.search(answer.read().decode())
                if found:
                    at = dt.datetime.strptime(found[1], "%H:%M").time()
                    assert due.time() <= at <= (due + dt.timedelta(minutes=1)).time()
                    break
            assert time.monotonic() < deadline, "the reminder was never logged as sent"

        notification_peer.press(notice, "Start")
        opened, _ = listener.accept()
        with opened:
            assert opened.recv(1000).decode() == f"{server.url}/today"
    finally:
        server.stop()
        listener.close()
