"""A reminder worker killed with SIGKILL (issue 22), as real `unknot worker` processes against
a real SMTP server, on SQLite and PostgreSQL.

Killed after its claim and before the message reached the server: the claim runs out, the next
worker sends it, and the person gets it once. Killed after the server accepted the message and
before the worker recorded it: the next worker sends it again, and both copies carry the same
Message-ID, so a mail client shows one. Either way the delivery ends up sent, once in the log.

The SMTP server kills the worker itself, at the step each case names, so the timing is the
protocol's and not a race."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from tests.services.test_reminders import START, every_day, person_with_a_plan
from tests.storage.conftest import database_url
from tests.web.serving import free_port
from unknot.clock import FakeClock
from unknot.config import Settings
from unknot.services.application import Application
from unknot.services.reminders import LEASE, message_id

__all__ = ["database_url"]

DUE = dt.datetime(2027, 3, 22, 18, tzinfo=ZoneInfo("Europe/London"))
Step = Literal["before_sending", "after_acceptance"]


class KillingMailServer:
    """Keeps what it accepts; kills the worker `victim` at `step` of its first conversation."""

    def __init__(self, step: Step) -> None:
        self.step: Step | None = step
        self.victim: int | None = None
        self.victim_known = threading.Event()
        self.messages: list[EmailMessage] = []
        self.port = 0

    def _kill(self) -> None:
        self.victim_known.wait(30)
        assert self.victim is not None
        os.kill(self.victim, signal.SIGKILL)
        self.step = None

    async def handle_RCPT(
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
    ) -> str:
        if self.step == "before_sending":
            self._kill()
            return "451 4.3.0 gone"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        if self.step == "after_acceptance":
            # Accepted: the message is the server's now. The worker dies before it can read the
            # 250 that follows, so it never records the delivery as sent.
            self._kill()
        return "250 Message accepted for delivery"


@pytest.fixture(params=["before_sending", "after_acceptance"])
def mail_server(request: pytest.FixtureRequest) -> Iterator[KillingMailServer]:
    server = KillingMailServer(request.param)
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    server.port = port
    yield server
    controller.stop()


def worker(environment: dict[str, str], clock_start: dt.datetime) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "unknot", "worker", "--once"],
        env=environment | {"UNKNOT_CLOCK_START": clock_start.isoformat()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_killed_worker_loses_no_reminder_and_a_repeat_keeps_its_message_id(
    database_url: str,
    mail_server: KillingMailServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    step = mail_server.step
    environment = {
        **os.environ,
        "UNKNOT_DATABASE_URL": database_url,
        "UNKNOT_DATA_DIR": str(tmp_path / "data"),
        "UNKNOT_SERVER": "1",
        "UNKNOT_PUBLIC_URL": "https://unknot.example.org",
        "UNKNOT_SMTP_URL": f"smtp://127.0.0.1:{mail_server.port}",
    }
    for name, value in environment.items():
        if name.startswith("UNKNOT_"):
            monkeypatch.setenv(name, value)
    application = Application.from_settings(Settings(), FakeClock(start=START.timestamp()))
    sam = person_with_a_plan(application)
    sam.save_reminder_settings(every_day())

    first = worker(environment, DUE + dt.timedelta(seconds=30))
    mail_server.victim = first.pid
    mail_server.victim_known.set()
    out, err = first.communicate(timeout=60)
    assert first.returncode == -signal.SIGKILL, (out, err)
    [delivery] = sam.reminder_overview().deliveries
    assert delivery.status == "sending"
    assert len(mail_server.messages) == (1 if step == "after_acceptance" else 0)

    # A worker within the dead one's claim leaves it alone.
    early = worker(environment, DUE + dt.timedelta(minutes=2))
    assert early.communicate(timeout=60)[0] == ""
    assert early.returncode == 0
    assert len(mail_server.messages) == (1 if step == "after_acceptance" else 0)

    # Once the claim has run out, the next worker sends it. Its clock starts a minute past the
    # lease, so a first worker slow to start (a busy machine) still had its claim run out.
    later = worker(environment, DUE + dt.timedelta(seconds=30) + LEASE + dt.timedelta(minutes=1))
    out, err = later.communicate(timeout=60)
    assert later.returncode == 0, err
    assert re.fullmatch(r"Sent Monday 22 Mar 18:0[67] by e-mail \(reminder\)", out.strip()), out
    [delivery] = sam.reminder_overview().deliveries
    assert delivery.status == "sent"

    expected = message_id(application, sam.person_id, "reminder:2027-03-22", "email")
    if step == "before_sending":
        [mail] = mail_server.messages
        assert mail["Message-ID"] == expected
    else:
        assert [m["Message-ID"] for m in mail_server.messages] == [expected, expected]
    application.close()
