"""Issue 7: the API under load (wrk, h2load), page weight, and the countdown in Chromium."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.measure import percentile
from unknot.domain.screening import QUESTION_IDS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def call(url: str, body: Any | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        headers={"Content-Type": "application/json"},
        method="POST" if data else "GET",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
    return json.loads(text) if text else None


class Served:
    def __init__(self, home: Path, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "UNKNOT_DATA_DIR": str(home / "d"),
            "UNKNOT_CONFIG_DIR": str(home / "c"),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "unknot",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                call(self.url + "/api/v1/status")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def wrk(url: str, script: Path | None = None) -> tuple[float, float, int]:
    """Requests per second, p99 latency (ms) and requests sent, over 10 s and 32 connections."""
    command = ["wrk", f"-t{THREADS}", "-c32", "-d10s", "--latency", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99_text = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert p99_text is not None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99_text.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed requests:\n{out}")
    lost = re.search(r"Socket errors: .*", out)
    if lost:
        print(f"wrk: {lost.group(0)}", file=sys.stderr)
    sent = re.search(r"(\d+) requests in", out)
    assert sent is not None
    return rate, float(p99_text.group(1)) * scale, int(sent.group(1))


def fixed_rate_p99(url: str, rate: int, seconds: int = 10) -> tuple[float, int]:
    """p99 latency (ms) at a fixed request rate, from h2load's per-request log."""
    clients = 10
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        subprocess.run(
            [
                "h2load",
                "--h1",
                "-c",
                str(clients),
                "--rps",
                str(rate // clients),
                "-D",
                str(seconds),
                f"--log-file={log.name}",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows = [line.split("\t") for line in Path(log.name).read_text().splitlines() if line]
    latencies = [int(r[2]) / 1000 for r in rows if r[1] == "200"]
    return percentile(latencies, 0.99), len(rows)


def page_weight(url: str) -> tuple[int, dict[str, int]]:
    """Bytes transferred (gzip) for the player page and everything it loads but figures."""
    parts = [
        "/player",
        "/static/app.css",
        "/static/js/player.js",
        "/static/js/api.js",
        "/static/js/outbox.js",
        "/static/js/session.js",
        "/static/js/sound.js",
        "/static/js/view.js",
        "/static/js/register.js",
        "/manifest.webmanifest",
        "/static/icon.svg",
    ]
    sizes = {}
    for part in parts:
        request = urllib.request.Request(url + part, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
            if response.headers.get("Content-Encoding") != "gzip":
                body = gzip.compress(body)  # what a compressing server would send
        sizes[part] = len(body)
    return sum(sizes.values()), sizes


# Session events as players send them: RUNS runs, each of its own session, each getting its
# events in order (0, 1, 2...): start, then skip, pause and resume in turn, half a second apart.
# wrk's two threads take half the runs each (each thread counts on its own), so no event is sent
# twice: each is stored, replayed through the engine, and its writes (the skipped steps, new in
# its session) stored. With SPANS, each run's numbers wrap at its span, the events it has stored
# already: each request takes the duplicate path.
EVENT_SCRIPT = """
counter = 0
runs = {RUNS}
sessions = {SESSIONS}
keys = {KEYS}
spans = {SPANS}
threads = THREADS
kinds = {"skip", "pause", "resume"}
local made = 0
function setup(thread)
  thread:set("tid", made)
  made = made + 1
end
request = function()
  local per = math.floor(#runs / threads)
  local i = (counter % per) * threads + tid + 1
  local seq = math.floor(counter / per)
  if #spans > 0 then seq = seq % spans[i] end
  counter = counter + 1
  local kind = seq == 0 and "start" or kinds[seq % 3 + 1]
  local body = string.format(
    '{"run_id": %d, "seq": %d, "kind": "%s", "at": %.1f, "session_key": "%s"}',
    runs[i], seq, kind, seq * 0.5, keys[i])
  return wrk.format(
    "POST", "/api/v1/sessions/" .. sessions[i] .. "/events",
    {["Content-Type"] = "application/json"}, body)
end
"""
RUNS = 64
THREADS = 2


def lua_list(values: list[Any]) -> str:
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"


def runs_of_their_own(url: str, database: Path) -> list[tuple[int, str, int]]:
    """RUNS sessions, each with a run: (session id, key, run id). Each session is set aside
    (abandoned, in the database) once its run has begun, so that the next POST starts another;
    events still land in an abandoned session's run."""
    made = []
    for _ in range(RUNS):
        session = call(url + "/api/v1/sessions", {})
        run = call(
            f"{url}/api/v1/sessions/{session['session_id']}/runs",
            {"session_key": session["session_key"]},
        )
        made.append((session["session_id"], session["session_key"], run["run_id"]))
        with sqlite3.connect(database) as db:
            db.execute("UPDATE sessions SET status = 'abandoned' WHERE status = 'active'")
    return made


def stored_counts(database: Path) -> tuple[int, int, dict[int, int]]:
    """Events stored, steps stored, and per run how many of its events are stored with none
    missing (numbered 0, 1, 2...), once the requests wrk left in flight have landed (the counts
    hold still for half a second)."""
    counts = _counts(database)
    while True:
        time.sleep(0.5)
        again = _counts(database)
        if again == counts:
            return counts
        counts = again


def _counts(database: Path) -> tuple[int, int, dict[int, int]]:
    with sqlite3.connect(database) as db:
        steps = db.execute("SELECT COUNT(*) FROM session_steps").fetchone()[0]
        numbers: dict[int, set[int]] = {}
        for run, seq in db.execute("SELECT run_id, seq FROM session_events"):
            numbers.setdefault(int(run), set()).add(int(seq))
    prefix = {run: next(n for n in range(len(s) + 1) if n not in s) for run, s in numbers.items()}
    return sum(len(s) for s in numbers.values()), int(steps), prefix


def event_script(home: Path, made: list[tuple[int, str, int]], spans: list[int]) -> Path:
    """The wrk script for these runs; with `spans`, each run's numbers wrap at its span."""
    script = home / f"events-{len(spans)}.lua"
    script.write_text(
        EVENT_SCRIPT.replace("{RUNS}", lua_list([r for _, _, r in made]))
        .replace("{SESSIONS}", lua_list([s for s, _, _ in made]))
        .replace("{KEYS}", lua_list([k for _, k, _ in made]))
        .replace("{SPANS}", lua_list(spans))
        .replace("THREADS", str(THREADS))
    )
    return script


def run() -> list[str]:
    missing = [tool for tool in ("wrk", "h2load") if shutil.which(tool) is None]
    if missing:
        return [f"skipped: {', '.join(missing)} not installed (apt-get install wrk nghttp2-client)"]
    lines = []
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as home:
            served = Served(Path(home), workers)
            try:
                call(
                    served.url + "/api/v1/screening",
                    {"answers": dict.fromkeys(QUESTION_IDS, False)},
                )
                call(served.url + "/api/v1/sessions", {})
                call(served.url + "/api/v1/plan/today")
                rate, p99, _ = wrk(served.url + "/api/v1/plan/today")
                lines.append(
                    f"GET today's plan, 32 connections, {workers} worker(s): {rate:,.0f} req/s "
                    f"(target 1,500: {rate / 1500:.2f}x), p99 {p99:.1f} ms"
                )
                database = Path(home) / "d" / "unknot.db"
                made = runs_of_their_own(served.url, database)
                script = event_script(Path(home), made, [])
                rate, p99, sent = wrk(served.url + "/api/v1/plan/today", script)
                events, steps, stored = stored_counts(database)
                # wrk falls back to plain GETs when its script fails: the events must have landed.
                if events < sent:
                    raise RuntimeError(f"{sent:,} events sent, {events:,} stored: check the script")
                lines.append(
                    f"POST session event, stored (new, replayed, {steps:,} skipped steps "
                    f"written), 32 connections, {workers} worker(s): {rate:,.0f} req/s "
                    f"(target 1,000: {rate / 1000:.2f}x), p99 {p99:.1f} ms"
                )
                again = [m for m in made if stored.get(m[2], 0) > 0]
                script = event_script(Path(home), again, [stored[m[2]] for m in again])
                rate, p99, sent = wrk(served.url + "/api/v1/plan/today", script)
                if stored_counts(database)[0] != events:
                    raise RuntimeError("events sent again stored something new")
                lines.append(
                    f"POST session event, sent again (stored before: 200), 32 connections, "
                    f"{workers} worker(s): {rate:,.0f} req/s, p99 {p99:.1f} ms"
                )
                p99, sent = fixed_rate_p99(served.url + "/api/v1/plan/today", 500)
                lines.append(
                    f"GET today's plan at a fixed 500 req/s, {workers} worker(s): p99 {p99:.1f} ms "
                    f"over {sent:,} requests (target 25 ms: {p99 / 25:.2f}x)"
                )
                if workers == 1:
                    total, sizes = page_weight(served.url)
                    lines.append(
                        f"player page transferred (gzip, figures excluded): {total / 1024:.1f} KB "
                        f"(target 60 KB) = "
                        + ", ".join(f"{k} {v / 1024:.1f}" for k, v in sizes.items())
                    )
            finally:
                served.stop()
    if not os.environ.get("UNKNOT_BENCH_QUICK"):
        with tempfile.TemporaryDirectory() as home:
            served = Served(Path(home), 1)
            try:
                call(
                    served.url + "/api/v1/screening",
                    {"answers": dict.fromkeys(QUESTION_IDS, False)},
                )
                call(served.url + "/api/v1/sessions", {})
                lines.extend(countdown_accuracy(served.url))
            finally:
                served.stop()
    return lines


RECORDER = """
window.__steps = [];
document.addEventListener('DOMContentLoaded', () => {
  const box = document.getElementById('player');
  new MutationObserver(() => window.__steps.push([performance.now(), Number(box.dataset.step)]))
    .observe(box, {attributes: true, attributeFilter: ['data-step']});
});
"""


def countdown_accuracy(url: str) -> list[str]:
    """How far from its exact length (plus any pause) a step ends, in real Chromium time."""
    if not Path("/usr/bin/chromium").exists():
        return ["countdown accuracy: skipped (no Chromium)"]
    from playwright.sync_api import sync_playwright

    lines = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for hidden_s in (0.0, 5.0):
            page = browser.new_page()
            page.add_init_script(RECORDER)
            page.goto(url + "/player")
            page.wait_for_selector("#stage:not([hidden])")
            session = call(url + "/api/v1/sessions/active")
            step = int(page.locator("#player").get_attribute("data-step") or "0")
            length = session["steps"][step]["duration_s"]
            paused_ms = 0.0
            if hidden_s:
                hide = (
                    "Object.defineProperty(document, 'hidden', {value: %s, configurable: true});"
                    "document.dispatchEvent(new Event('visibilitychange')); performance.now()"
                )
                hidden_at = page.evaluate(hide % "true")
                time.sleep(hidden_s)
                shown_at = page.evaluate(hide % "false")
                resumed_at = page.evaluate(
                    "document.getElementById('pause').click(); performance.now()"
                )
                paused_ms = resumed_at - hidden_at
                del shown_at
            page.wait_for_function(
                # A function, not a string to evaluate: the page's policy forbids eval.
                f"() => window.__steps.some(([, s]) => s === {step + 1})",
                timeout=600_000,
            )
            marks = page.evaluate("window.__steps")
            began = next(t for t, s in marks if s == step)
            ended = next(t for t, s in marks if s == step + 1)
            error_ms = (ended - began) - (length * 1000 + paused_ms)
            lines.append(
                f"countdown in Chromium: a {length:g} s step"
                + (
                    f" with the page hidden {hidden_s:g} s of it (paused meanwhile)"
                    if hidden_s
                    else ""
                )
                + f" ended {error_ms:+.1f} ms from exact (target within 50 ms)"
            )
            page.close()
        browser.close()
    return lines
