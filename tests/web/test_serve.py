"""`unknot serve` as a process: the host names it prints, and whose forwarded headers count."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web.serving import Server


def first_lines(process: subprocess.Popen[bytes], count: int) -> list[str]:
    """The first lines a process prints, waiting at most 60 s for them."""
    import selectors
    import time

    assert process.stdout is not None
    deadline = time.monotonic() + 60
    seen = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while seen.count(b"\n") < count and time.monotonic() < deadline:
            if selector.select(timeout=deadline - time.monotonic()):
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
    lines = seen.decode().splitlines()
    assert len(lines) >= count, lines
    return lines[:count]


def post_status(server: Server, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        server.url + "/api/v1/screening",
        data=b'{"answers": {}}',
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.parametrize("trusted", [False, True])
def test_forwarded_headers_count_only_from_trusted_proxies(tmp_path: Path, trusted: bool) -> None:
    """A page claiming https through X-Forwarded-Proto is believed only from a configured proxy:
    otherwise any local process could make an https origin look like unknot's own."""
    settings = {"trusted_proxies": "127.0.0.1"} if trusted else {}
    server = Server(tmp_path / "data", tmp_path / "config", workers=None, **settings)
    server.start()
    try:
        https_origin = {"Origin": f"https://127.0.0.1:{server.port}", "X-Forwarded-Proto": "https"}
        # 422: past the guard, to the unanswered questions; 403: refused as another origin.
        assert post_status(server, https_origin) == (422 if trusted else 403)
        plain = {"Origin": f"http://127.0.0.1:{server.port}"}
        assert post_status(server, plain) == 422
    finally:
        server.stop()


def test_serve_prints_the_host_names_it_answers_to(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", tmp_path / "config", public_url="https://unknot.example.org")
    command = [sys.executable, "-m", "unknot", "serve", "--port", str(server.port)]
    with subprocess.Popen(
        [*command, "--workers", "1"],
        env=server.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as process:
        try:
            first, second = first_lines(process, 2)
        finally:
            process.terminate()
            process.wait(timeout=15)
    assert f"http://127.0.0.1:{server.port}" in first
    assert (
        f"127.0.0.1:{server.port}, localhost:{server.port}, [::1]:{server.port}, "
        "unknot.example.org (add more" in second
    )


def test_a_bad_public_url_stops_serve_with_one_line(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", tmp_path / "config", public_url="ftp://nowhere")
    done = subprocess.run(
        [sys.executable, "-m", "unknot", "serve", "--port", str(server.port)],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "UNKNOT_PUBLIC_URL" in done.stderr
    assert "is not a public URL" in done.stderr
