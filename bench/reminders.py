"""Issue 22: reminders. One dispatcher pass over 300 people's due reminders, sent to a real
SMTP server on loopback, on SQLite and on PostgreSQL, and two dispatchers at once on
PostgreSQL (each claim a row lock the other skips). Every reminder must arrive exactly once.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PEOPLE = 300
PASSWORD = "correct horse battery"


class Counting:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        with self.lock:
            for line in envelope.content.decode().splitlines():
                if line.lower().startswith("message-id:"):
                    self.ids.append(line.split(":", 1)[1].strip())
        return "250 OK"


@contextmanager
def mail_server() -> Iterator[tuple[str, Counting]]:
    from aiosmtpd.controller import Controller
    from tests.web.serving import free_port

    box = Counting()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", box
    finally:
        controller.stop()


def measure(url: str, workers: int) -> str:
    from unknot.clock import FakeClock
    from unknot.config import Settings
    from unknot.domain.reminders import Channel, ReminderSettings
    from unknot.services.accounts import hash_password
    from unknot.services.application import Application
    from unknot.services.reminders import dispatcher_for

    start = dt.datetime(2027, 3, 22, 7, tzinfo=dt.UTC)
    clock = FakeClock(start=start.timestamp())
    with mail_server() as (smtp, box):
        os.environ.update(
            UNKNOT_DATABASE_URL=url,
            UNKNOT_SERVER="1",
            UNKNOT_PUBLIC_URL="https://unknot.example.org",
            UNKNOT_SMTP_URL=smtp,
        )
        app = Application.from_settings(Settings(), clock)
        accounts = app.accounts()
        made = accounts.create_first_administrator("Bench", "admin@example.org", PASSWORD)
        settings = ReminderSettings(
            on=True,
            days=frozenset(range(1, 8)),
            time=dt.time(18, 0),
            time_zone="UTC",
            channels=frozenset({Channel.EMAIL}),
        )
        password = hash_password(PASSWORD)
        for n in range(PEOPLE):
            accounts.records.create_account(
                organisation_id=made.organisation_id,
                role="person",
                now=accounts._now(),
                email=f"p{n}@example.org",
                password_hash=password,
                new_person=True,
            )
            row = accounts.records.account_by_email(f"p{n}@example.org")
            assert row is not None
            assert row.person_id is not None
            app.acting_as(row.person_id).save_reminder_settings(settings)
        clock.advance(11 * 3600)  # 18:00
        done: list[int] = []
        began = time.perf_counter()

        def work() -> None:
            done.append(len(dispatcher_for(app, "https://unknot.example.org").run_pass()))

        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.perf_counter() - began
        app.close()
    assert sum(done) == PEOPLE, done
    assert len(box.ids) == PEOPLE == len(set(box.ids)), "each reminder exactly once"
    dialect = url.split(":", 1)[0].split("+")[0]
    return (
        f"{dialect}, {workers} dispatcher{'s' if workers > 1 else ''}: {PEOPLE} reminders "
        f"in {took:.2f} s = {PEOPLE / took:.0f} per second, each once"
    )


def run() -> list[str]:
    from tests.postgres import running_server

    lines = []
    with tempfile.TemporaryDirectory() as home:
        lines.append(measure(f"sqlite:///{Path(home) / 'unknot.db'}", 1))
    with running_server() as postgres:
        lines.append(measure(postgres.create_database(), 1))
        lines.append(measure(postgres.create_database(), 2))
    return lines
