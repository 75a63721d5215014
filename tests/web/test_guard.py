"""No other site, host or form can change anything (issue 12), in-process.

The same attacks in real Chromium, from pages on other local origins, are in test_attacks.py.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from tests.web.forms import form_token, local_client, post_form
from unknot.clock import FakeClock
from unknot.domain.screening import QUESTION_IDS
from unknot.services.application import Application
from unknot.services.workspace import Workspace
from unknot.web.app import create_app
from unknot.web.guard import parse_host, parse_origin
from unknot.web.pages import local_path

NO = dict.fromkeys(QUESTION_IDS, False)
URGENT = {**NO, "stroke_signs": True}


def refused(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return str(response.json()["detail"])


def export_tables(client: TestClient) -> dict[str, Any]:
    return client.get("/api/v1/export").json()["tables"]  # type: ignore[no-any-return]


def test_only_its_own_host_names_are_answered(client: TestClient) -> None:
    for host in ("127.0.0.1", "localhost", "[::1]"):
        assert client.get("/api/v1/status", headers={"Host": host}).status_code == 200
    # A DNS-rebinding page reaches the server under its own name.
    for host in ("evil.example", "evil.example:80", "127.0.0.1:9999", "127.0.0.1.evil.example"):
        detail = refused(client.get("/api/v1/export", headers={"Host": host}), 421)
        assert "answers only to 127.0.0.1, localhost, [::1]" in detail
        assert "UNKNOT_PUBLIC_URL" in detail
    refused(
        client.post("/api/v1/forget", json={"confirm": "forget me"}, headers={"Host": "x"}), 421
    )
    assert client.get("/api/v1/status").json()["needs_screening"] is True


def test_public_urls_add_their_hosts_and_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNKNOT_PUBLIC_URL", "https://unknot.example.org, http://box.lan:8080")
    from unknot.config import Settings

    app = create_app(Application.from_settings(Settings(), FakeClock()))
    with local_client(app) as client:
        for host in ("unknot.example.org", "unknot.example.org:443", "box.lan:8080"):
            assert client.get("/api/v1/status", headers={"Host": host}).status_code == 200
        refused(client.get("/", headers={"Host": "unknot.example.org:8443"}), 421)
        refused(client.get("/", headers={"Host": "box.lan"}), 421)
        ok = client.post(
            "/api/v1/screening",
            json={"answers": NO},
            headers={"Origin": "https://unknot.example.org"},
        )
        assert ok.status_code == 201
        refused(
            client.post(
                "/api/v1/screening",
                json={"answers": NO},
                headers={"Origin": "http://unknot.example.org"},
            ),
            403,
        )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("ftp://x", "is not a public URL"),
        ("https://", "is not a public URL"),
        ("https://unknot.example.org/app", "more than a scheme, host and port"),
    ],
)
def test_a_bad_public_url_is_named(monkeypatch: pytest.MonkeyPatch, value: str, words: str) -> None:
    from pydantic import ValidationError

    from unknot.config import Settings

    monkeypatch.setenv("UNKNOT_PUBLIC_URL", value)
    with pytest.raises(ValidationError, match=words):
        Settings()


def test_unsafe_requests_only_from_its_own_origins(client: TestClient) -> None:
    body = {"answers": NO}
    for origin in (
        "http://127.0.0.1:8001",  # another local port: same-site, not same-origin
        "http://localhost:8001",
        "https://127.0.0.1",
        "http://evil.example",
        "null",
    ):
        detail = refused(
            client.post("/api/v1/screening", json=body, headers={"Origin": origin}), 403
        )
        assert "nothing was changed" in detail
    for site in ("cross-site", "same-site"):
        headers = {"Sec-Fetch-Site": site}
        refused(client.post("/api/v1/screening", json=body, headers=headers), 403)
    for origin in ("http://127.0.0.1", "http://localhost", "http://[::1]"):
        headers = {"Origin": origin, "Sec-Fetch-Site": "same-origin"}
        assert client.post("/api/v1/screening", json=body, headers=headers).status_code == 201
    # The app's own form posts under `Referrer-Policy: no-referrer` say `Origin: null`, vouched
    # for by the browser as same-origin; from anywhere else, null is refused.
    own_form = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/api/v1/screening", json=body, headers=own_form).status_code == 201
    for site in ("cross-site", "same-site"):
        sandboxed = {"Origin": "null", "Sec-Fetch-Site": site}
        refused(client.post("/api/v1/screening", json=body, headers=sandboxed), 403)
    # Safe methods are not judged by their origin (figures and pages may be linked to).
    assert (
        client.get("/api/v1/status", headers={"Origin": "http://evil.example"}).status_code == 200
    )


def test_every_unsafe_api_call_is_json(client: TestClient) -> None:
    """A bodiless cross-origin POST /api/v1/sessions started a session (issue 12)."""
    client.post("/api/v1/screening", json={"answers": NO})
    for content in (None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        headers = {"Content-Type": content} if content else {}
        detail = refused(client.post("/api/v1/sessions", headers=headers), 415)
        assert "Content-Type: application/json" in detail
    refused(client.post("/api/v1/forget", content=b'{"confirm": "forget me"}'), 415)
    assert client.get("/api/v1/history").json() == []
    assert client.post("/api/v1/sessions", json={}).status_code == 201


def test_page_forms_need_the_token_this_server_signed(client: TestClient) -> None:
    client.post("/api/v1/screening", json={"answers": NO})
    before = export_tables(client)
    forms: list[tuple[str, dict[str, Any]]] = [
        ("/data/forget", {"confirm": "forget me"}),
        ("/screening", dict.fromkeys(QUESTION_IDS, "yes")),
        ("/profile", {"pain_neck": "9", "minutes": "30"}),
        ("/checkin", {"moment": "check", "pain_neck": "9"}),
        ("/advice/dismiss", {"concern": "persists", "choice": "ignore"}),
        ("/today/swap", {"exercise_id": "neck-roll"}),
        ("/progress/activities", {"activity_0": "a", "score_0": "1"}),
        ("/clearance", {"seen_by": "x", "seen_on": "2025-11-24", "confirm": "yes"}),
        ("/screening/mistake", {"screening_id": "1"}),
    ]
    token = form_token(client)
    other = TestClient(client.app, base_url=str(client.base_url))
    for path, data in forms:
        for attempt in (data, {**data, "form_token": "0" * 64}):
            page = client.post(path, data=attempt)
            assert page.status_code == 403, path
            assert "Nothing was changed" in page.text
        # A token is only good with the browser it was issued to: another browser's cookie,
        # which a page on another local port could plant, does not match it.
        other.cookies.set("unknot_browser", "A" * 32)
        assert other.post(path, data={**data, "form_token": token}).status_code == 403, path
    assert export_tables(client) == before
    # With the token, the form works.
    deleted = post_form(client, "/data/forget", {"confirm": "forget me"})
    assert deleted.status_code == 200
    assert "Deleted:" in deleted.text
    assert deleted.headers["clear-site-data"] == '"cache", "storage"'


def test_the_browser_id_cookie_is_httponly_and_lax(client: TestClient) -> None:
    cookie = client.get("/data").headers["set-cookie"]
    assert cookie.startswith("unknot_browser=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert client.get("/data").headers.get("set-cookie") is None  # kept, not renewed


def test_the_secret_is_made_once_and_kept_private(private_folders: dict[str, Path]) -> None:
    workspace = Workspace.from_environment()
    first = workspace.secret()
    assert len(first) == 32
    assert workspace.secret() == first
    path = private_folders["config"] / "secret.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
        "/today\n",
    ],
)
def test_redirects_stay_local(client: TestClient, target: str) -> None:
    assert local_path(target) == "/today"
    client.post("/api/v1/screening", json={"answers": NO})
    checkin = post_form(
        client,
        "/checkin",
        {"moment": "check", "pain_neck": "0", "next": target},
        follow_redirects=False,
    )
    assert checkin.headers["location"] == "/today"
    dismiss = post_form(
        client,
        "/advice/dismiss",
        {"concern": "persists", "choice": "booked a physio", "next": target},
        follow_redirects=False,
    )
    assert dismiss.headers["location"] == "/progress"


def test_local_redirects_are_kept() -> None:
    assert local_path("/progress") == "/progress"
    assert local_path("/today?x=1#y") == "/today?x=1#y"


def test_hosts_and_origins_parse_strictly() -> None:
    assert parse_host("127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert parse_host("[::1]:8000") == ("::1", 8000)
    assert parse_host("LOCALHOST") == ("localhost", None)
    for bad in ("", "::1", "a b", "x:0", "x:99999", "x@y", "[::1", "x:8000:1"):
        assert parse_host(bad) is None, bad
    origin = parse_origin("http://[::1]:8000")
    assert origin is not None
    assert str(origin) == "http://[::1]:8000"
    assert parse_origin("null") is None
    assert parse_origin("file://") is None


def route_paths(client: TestClient) -> list[str]:
    """Every GET route, its path parameters filled with real values."""
    fill = {"exercise_id": "row", "name": "row.svg", "session_id": "1", "path": "app.css"}
    paths = []
    for route in all_routes(client):
        if isinstance(route, Mount):
            paths.append(f"{route.path}/app.css")
        elif "GET" in (route.methods or set()):
            paths.append(re.sub(r"\{(\w+)(:\w+)?\}", lambda m: fill.get(m[1], "1"), route.path))
    return paths


def all_routes(client: TestClient) -> list[Route | Mount]:
    """The app's routes, with those of included routers."""
    found: list[Route | Mount] = []
    pending = list(client.app.routes)  # type: ignore[attr-defined]
    while pending:
        route = pending.pop(0)
        if isinstance(route, Route | Mount):
            found.append(route)
        else:
            pending.extend(route.original_router.routes)  # an included router (FastAPI 0.16x)
    return found


def test_no_route_changes_state_on_get_or_head(client: TestClient, clock: FakeClock) -> None:
    """A test over the route table: every GET and HEAD, on a person with a bit of everything
    (and a session too old to resume, which GET /today used to mark abandoned), changes
    nothing stored."""
    import datetime as dt

    clock.time = dt.datetime(2025, 11, 24, 0, 30).timestamp()  # local time: 13 h later, same day
    client.post("/api/v1/checkins", json={"moment": "check", "pain": {"neck": 3}})
    client.post("/api/v1/screening", json={"answers": NO})
    assert client.post("/api/v1/sessions", json={}).status_code == 201
    client.get("/api/v1/plan/today")  # the day's plan, derived from what is stored
    clock.advance(13 * 3600)
    before = export_tables(client)
    assert [s["status"] for s in before["sessions"]] == ["active"]
    paths = route_paths(client)
    assert {"/today", "/api/v1/export", "/clearance", "/figures/row.svg"} <= set(paths)
    for path in paths:
        for method in ("GET", "HEAD"):
            response = client.request(method, path)
            assert response.status_code < 500, (method, path)
    assert export_tables(client) == before


def test_the_lock_holds_until_a_clearance_is_recorded_on_the_web(
    client: TestClient, clock: FakeClock
) -> None:
    """Urgent, answer "no" to everything, still locked; record a clearance; unlocked."""
    result = post_form(
        client, "/screening", {q: "yes" if q == "stroke_signs" else "no" for q in NO}
    )
    assert "Get help now" in result.text
    assert 'href="tel:112"' in result.text
    all_no = dict.fromkeys(NO, "no")
    again = post_form(client, "/screening", all_no)
    assert "Get help now" in again.text
    assert "an earlier screening's warning still stands" in again.text
    assert client.get("/api/v1/status").json()["may_start"] is False
    api = client.post("/api/v1/screening", json={"answers": NO}).json()
    assert api["tier"] == "clear"
    assert api["standing"]["tier"] == "emergency"
    today = client.get("/today").text
    assert "Sessions wait until" in today
    assert 'href="tel:112"' in today
    assert 'id="start"' not in today
    assert "Sessions wait until" in refused(client.get("/api/v1/plan/today"), 409)
    refused(client.post("/api/v1/sessions", json={}), 409)

    # The clearance form: each missing or wrong part re-renders the form with its message.
    day = "2025-11-24"  # FakeClock's day
    assert "Who saw you" in client.get("/clearance").text
    cases = [
        ({"seen_on": day, "confirm": "yes"}, "Say who saw you"),
        ({"seen_by": "Dr Rao", "seen_on": day}, "Tick the box"),
        ({"seen_by": "Dr Rao", "seen_on": "soon", "confirm": "yes"}, "as a date"),
        ({"seen_by": "Dr Rao", "seen_on": "2025-11-23", "confirm": "yes"}, "came after"),
        ({"seen_by": "Dr Rao", "seen_on": "2025-11-25", "confirm": "yes"}, "in the future"),
    ]
    for data, words in cases:
        page = post_form(client, "/clearance", data)
        assert page.status_code == 422
        assert words in page.text
        assert 'value="Dr Rao"' in page.text or "seen_by" not in data
    assert client.get("/api/v1/status").json()["may_start"] is False
    done = post_form(
        client,
        "/clearance",
        {"seen_by": "Dr Rao, GP", "seen_on": day, "confirm": "yes"},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/today"
    assert client.get("/api/v1/status").json()["may_start"] is True
    rows = export_tables(client)["screenings"]
    assert {r["cleared_by"] for r in rows if r["tier"] == "emergency"} == {"Dr Rao, GP"}
    assert client.get("/api/v1/plan/today").status_code == 200


def test_answered_by_mistake_returns_to_the_questions_and_is_recorded(
    client: TestClient, clock: FakeClock
) -> None:
    answers = {q: "yes" if q == "chest_pain" else "no" for q in NO}
    result = post_form(client, "/screening", answers)
    screening_id = re.search(r'name="screening_id" value="(\d+)"', result.text)
    assert screening_id
    back = post_form(client, "/screening/mistake", {"screening_id": screening_id[1]})
    assert back.status_code == 200
    assert "set aside as a mistake" in back.text
    assert 'name="chest_pain" value="yes" checked' in back.text
    assert client.get("/api/v1/status").json()["needs_screening"] is True
    kept = export_tables(client)["screenings"]
    assert [r["withdrawn_at"] is not None for r in kept] == [True]
    # Only from the result page, soon after: later, the answers stand.
    post_form(client, "/screening", answers)
    clock.advance(31 * 60)
    latest = export_tables(client)["screenings"][-1]["id"]
    late = post_form(client, "/screening/mistake", {"screening_id": str(latest)})
    assert late.status_code == 409
    assert client.get("/api/v1/status").json()["may_start"] is False
    detail = refused(client.post(f"/api/v1/screening/{latest}/mistake", json={}), 409)
    assert "within 30 minutes" in detail


def test_the_api_plan_obeys_the_screening_after_each_tier(client: TestClient) -> None:
    refused(client.get("/api/v1/plan/today"), 409)  # no screening yet
    client.post("/api/v1/screening", json={"answers": NO})
    profile = client.get("/api/v1/profile").json()
    profile["equipment"] = [*profile["equipment"], "resistance_band", "anchor_point"]
    profile["minutes"] = 30
    client.put("/api/v1/profile", json=profile)
    clear = client.get("/api/v1/plan/today").json()
    assert "strength" in {i["block"] for i in clear["items"]}
    answers = {**NO, "constant_worsening_pain": True}
    assert client.post("/api/v1/screening", json={"answers": answers}).status_code == 201
    soon = client.get("/api/v1/plan/today").json()
    # Gentle motor control (the chin tuck, and since issue 17 the isometric neck extension) is
    # all that stays of strengthening (issue 14).
    strength = {i["exercise_id"] for i in soon["items"] if i["block"] == "strength"}
    assert strength <= {"chin-tuck", "isometric-neck-extension"}
    assert not {i["exercise_id"] for i in soon["items"]} & {"wall-angel", "bird-dog"}
    assert any("Gentle mobility only" in n for n in soon["notes"])
    client.post("/api/v1/screening", json={"answers": URGENT})
    assert "Call 112 now" in refused(client.get("/api/v1/plan/today"), 409)
    refused(client.post("/api/v1/plan/today/swap", json={"exercise_id": "neck-roll"}), 409)


def test_a_body_over_one_mebibyte_is_refused_before_it_is_read(client: TestClient) -> None:
    big = b'{"answers": {"' + b"x" * (1024 * 1024) + b'": true}}'
    declared = client.post(
        "/api/v1/screening", content=big, headers={"Content-Type": "application/json"}
    )
    assert "over 1024 KiB" in refused(declared, 413)

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"x" * 65536

    streamed = client.post(
        "/api/v1/screening", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "over 1024 KiB" in refused(streamed, 413)
    urlencoded = {"Content-Type": "application/x-www-form-urlencoded"}
    form = client.post("/data/forget", content=chunks(), headers=urlencoded)
    assert form.status_code == 413
    assert client.get("/api/v1/status").status_code == 200


@pytest.mark.parametrize("value", ["abc", "²", "99", "-1", "1e3"])
def test_a_wrong_pain_in_a_form_is_named_never_a_server_error(
    client: TestClient, value: str
) -> None:
    client.post("/api/v1/screening", json={"answers": NO})
    profile = post_form(client, "/profile", {"pain_neck": value, "minutes": "15"})
    assert profile.status_code == 422
    assert "pain.neck" in profile.text
    checkin = post_form(client, "/checkin", {"moment": "check", "pain_neck": value})
    assert checkin.status_code == 422
    assert "pain_neck: give the pain as a whole number from 0 to 10" in checkin.text
    assert export_tables(client)["checkins"] == []
