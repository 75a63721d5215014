"""`unknot serve` as a real process on a free port, for the end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, what: str, deadline_s: float = 30) -> None:
    """Until something listens on the loopback port; a deadline a busy 2-core machine meets."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start listening on {port}")


class Server:
    """`unknot serve` as a real process, stoppable and restartable on the same port."""

    def __init__(
        self, data: Path, config: Path, *, workers: int | None = None, **settings: str
    ) -> None:
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "UNKNOT_DATA_DIR": str(data),
            "UNKNOT_CONFIG_DIR": str(config),
            "LANG": "en_GB.UTF-8",
            **{f"UNKNOT_{name.upper()}": value for name, value in settings.items()},
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        workers = [] if self.workers is None else ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "unknot", "serve", "--port", str(self.port), *workers],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, "unknot serve")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def forget(self) -> None:
        """Delete everything stored, as the person's "forget me" does: the next visit is a
        first one again."""
        self.send("POST", "/api/v1/forget", {"confirm": "forget me"})

    def send(self, method: str, path: str, body: Any) -> Any:
        """A JSON call that changes something, as a program (not a page) makes it."""
        import urllib.request

        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert 200 <= response.status < 300, response.status
            return json.loads(response.read() or b"null")

    def get(self, path: str) -> Any:
        import urllib.request

        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read())
