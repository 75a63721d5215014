"""Other sites attack a running unknot in real Chromium, and change and read nothing (issue 12).

The attacker is a second web server on another local port, reached as 127.0.0.1 and as
localhost: a page there is same-site with unknot (cookies ignore ports) but never same-origin.
A DNS-rebinding page is a document Playwright serves for http://rebind.test:PORT, a name Chromium
resolves to 127.0.0.1: its requests reach unknot as that page's own origin.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.web.browsing import (
    ARGS,
    CHROMIUM,
    begin_session,
    module_server,
    onboard,
    page,
    server,
    wait_saved,
)
from tests.web.serving import Server, free_port
from unknot.domain.engine import symptom_stop

__all__ = [
    "module_server",
    "page",
    "server",
]  # fixtures, used by name (`page` opens in this module's browser)

REBIND_HOST = "rebind.test"

# Every page form that changes something, with what an attacker would send.
FORMS: dict[str, dict[str, str]] = {
    "/data/forget": {"confirm": "forget me"},
    "/screening": {},  # filled below: every question "yes"
    "/screening/mistake": {"screening_id": "1"},
    "/profile": {"pain_neck": "10", "minutes": "60"},
    "/checkin": {"moment": "check", "pain_neck": "10", "next": "https://evil.example"},
    "/advice/dismiss": {"concern": "persists", "choice": "attacker"},
    "/today/swap": {"exercise_id": "neck-roll"},
    "/progress/activities": {"activity_0": "x", "score_0": "0"},
    "/clearance": {"seen_by": "attacker", "seen_on": "2000-01-01", "confirm": "yes"},
}
# JSON API routes that change something, sent as a cross-site page can without a preflight.
API_POSTS = [
    ("/api/v1/forget", '{"confirm": "forget me"}'),
    ("/api/v1/sessions", ""),
    ("/api/v1/screening", '{"answers": {}}'),
    ("/api/v1/checkins", '{"moment": "check", "pain": {"neck": 10}}'),
    ("/api/v1/clearance", '{"seen_on": "2000-01-01", "seen_by": "x", "confirm": true}'),
]


class Attacker:
    """A plain web server on another port serving the attack pages it is given."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path.split("?")[0], "not here").encode()
                self.send_response(200 if self.path.split("?")[0] in pages else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.port = free_port()
        self.http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def __enter__(self) -> Attacker:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def attacker() -> Iterator[Attacker]:
    with Attacker() as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    rules = f"--host-resolver-rules=MAP {REBIND_HOST} 127.0.0.1"
    # Chromium's own checks on pages reaching local addresses would stop the rebinding page
    # first; other browsers have no such checks, so they are off here to test unknot's own.
    checks = (
        "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,"
        "PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, rules, checks])
        yield launched
        launched.close()


def exported(server: Server) -> dict[str, Any]:
    tables: dict[str, Any] = server.get("/api/v1/export")["tables"]
    return tables


def auto_submitting_form(action: str, fields: dict[str, str]) -> str:
    inputs = "".join(
        f'<input name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items()
    )
    # An attacker who knows the cookie's name plants one of its own for 127.0.0.1 first.
    return (
        f'<form method="post" action="{html.escape(action)}">{inputs}'
        f'<input name="form_token" value="{"0" * 64}"></form>'
        '<script>document.cookie = "unknot_browser=' + "A" * 32 + '; path=/";'
        "document.forms[0].submit();</script>"
    )


def test_other_sites_change_nothing(page: Page, server: Server, attacker: Attacker) -> None:
    from unknot.domain.screening import QUESTION_IDS

    onboard(page, server)
    before = exported(server)
    assert before["screenings"]
    assert before["profiles"]
    FORMS["/screening"] = dict.fromkeys(QUESTION_IDS, "yes")
    for name in ("127.0.0.1", "localhost"):
        for path, fields in FORMS.items():
            attack = f"/form{path.replace('/', '-')}"
            attacker.pages[attack] = auto_submitting_form(server.url + path, fields)
            with page.expect_navigation(url=server.url + path):
                page.goto(f"http://{name}:{attacker.port}{attack}")
            # The form reached unknot and was refused there (not stopped by the browser).
            refusal = json.loads(page.locator("body").inner_text())
            assert refusal["status"] == 403, (name, path, refusal)
            assert "nothing was changed" in refusal["detail"]
        # fetch() as a cross-site page may send it: text/plain, no-cors, no preflight.
        attacker.pages["/fetch"] = "<p>fetching</p>"
        page.goto(f"http://{name}:{attacker.port}/fetch")
        statuses = page.evaluate(
            """async ([base, posts]) => {
                const out = [];
                for (const [path, body] of posts) {
                    const sent = {method: "POST", mode: "no-cors", body,
                                  headers: {"Content-Type": "text/plain"}};
                    out.push((await fetch(base + path, sent)).type);
                    out.push((await fetch(base + path, {method: "POST", mode: "no-cors"})).type);
                }
                return out;
            }""",
            [server.url, API_POSTS],
        )
        assert set(statuses) == {"opaque"}  # sent, and unreadable to the attacker
    assert exported(server) == before
    page.goto(server.url + "/today")
    assert "which you rated 5/10" in page.content()  # the person's own page still works


def test_a_rebinding_page_can_neither_read_nor_change(page: Page, server: Server) -> None:
    onboard(page, server)
    before = exported(server)
    origin = f"http://{REBIND_HOST}:{server.port}"

    def attacker_document(route: Route) -> None:
        # Before the rebinding, the attacker's own server answered for this name.
        route.fulfill(status=200, content_type="text/html", body="<p>rebinding</p>")

    page.route(f"{origin}/attack", attacker_document)
    page.goto(f"{origin}/attack")
    answers = page.evaluate(
        """async () => {
            const read = await fetch("/api/v1/export");
            const forget = await fetch("/api/v1/forget", {method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({confirm: "forget me"})});
            return [read.status, await read.text(), forget.status];
        }"""
    )
    read_status, read_body, forget_status = answers
    assert (read_status, forget_status) == (421, 421)
    assert "answers only to 127.0.0.1" in read_body
    assert '"tables"' not in read_body
    assert exported(server) == before


def test_offline_symptoms_say_what_the_server_says(page: Page, server: Server) -> None:
    """Offline, every symptom said "Stop now and rest…": visual change never said to call. The
    page now applies the engine's rules from the session's rules block (every tier is checked
    against the engine by the conformance traces); the stop reaches the server when it is back.
    """
    onboard(page, server)
    begin_session(page)
    server.stop()
    symptoms = ["numbness_both_arms_or_legs", "dizziness"]
    page.click("#hurts")
    for symptom in symptoms:
        page.check(f"#pain-form input[value={symptom}]")
    page.click("#pain-form button[value=report]")
    page.wait_for_selector("#stopped:not([hidden])")
    tier, expected = symptom_stop(frozenset(symptoms), "999")  # type: ignore[arg-type]
    assert tier == "emergency"
    assert page.locator("#stopped-text").inner_text() == expected
    call = page.locator("#stopped-call")
    assert call.get_attribute("href") == "tel:999"  # en_GB
    assert call.inner_text() == "Call 999 now"
    server.start()
    wait_saved(page)
    status = server.get("/api/v1/status")
    assert (status["may_start"], status["tier"]) == (False, "emergency")
    assert server.get("/api/v1/history")[0]["status"] == "stopped"


def test_the_locked_player_shows_the_number(page: Page, server: Server) -> None:
    """After an urgent result the player said "Emergency number: ." with nothing after it."""
    from tests.web.browsing import answer_screening

    onboard(page, server)
    page.goto(server.url + "/screening")
    answer_screening(page, "stroke_signs")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Get help now"
    page.goto(server.url + "/player")
    page.wait_for_selector("#stopped:not([hidden])")
    assert "Sessions wait until" in page.locator("#stopped-text").inner_text()
    assert "Call 999 now" in page.locator("#stopped-text").inner_text()
    call = page.locator("#stopped-call")
    assert call.get_attribute("href") == "tel:999"
    assert call.inner_text() == "Call 999 now"
