"""The JSON API in-process: the whole flow, idempotent steps, problem details (issue 7)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient

from tests.web.forms import LOCAL, local_client, post_form
from unknot.clock import FakeClock
from unknot.domain.screening import QUESTION_IDS
from unknot.services import Workspace
from unknot.web.app import create_app

NO = dict.fromkeys(QUESTION_IDS, False)


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    return body  # type: ignore[no-any-return]


def start(client: TestClient) -> dict[str, Any]:
    assert client.post("/api/v1/screening", json={"answers": NO}).status_code == 201
    response = client.post("/api/v1/sessions", json={})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def step_body(session: dict[str, Any], index: int, key: str | None = None) -> dict[str, Any]:
    return {
        "index": index,
        "started_at": 1_764_000_000 + index * 10,
        "ended_at": 1_764_000_000 + index * 10 + 5,
        "skipped": False,
        "idempotency_key": f"{session['session_key']}:{key or index}",
    }


def test_screening_first_then_a_plan_and_a_session(client: TestClient) -> None:
    status = client.get("/api/v1/status").json()
    assert status["needs_screening"]
    problem(client.post("/api/v1/sessions", json={}), 409)
    questions = client.get("/api/v1/screening/questions").json()
    assert [q["id"] for q in questions] == list(QUESTION_IDS)
    result = client.post("/api/v1/screening", json={"answers": NO}).json()
    assert result["tier"] == "clear"
    profile = client.get("/api/v1/profile").json()
    profile.update({"minutes": 20, "pain": {"neck": 5}})
    assert client.put("/api/v1/profile", json=profile).status_code == 200
    plan = client.get("/api/v1/plan/today").json()
    assert plan["minutes"] == 20
    first = next(i for i in plan["items"] if i["block"] == "dynamic")["exercise_id"]
    swapped = client.post("/api/v1/plan/today/swap", json={"exercise_id": first}).json()
    assert first not in {i["exercise_id"] for i in swapped["items"]}
    assert swapped["swapped_out"] == [first]
    session = client.post("/api/v1/sessions", json={}).json()
    assert session["plan"]["swapped_out"] == [first]
    assert session["next_step"] == 0
    assert len(session["steps"]) > 10
    assert client.get("/api/v1/sessions/active").json()["session_id"] == session["session_id"]


def test_steps_are_idempotent_and_resume_from_the_first_missing(client: TestClient) -> None:
    session = start(client)
    url = f"/api/v1/sessions/{session['session_id']}/steps"
    assert client.post(url, json=step_body(session, 0)).status_code == 201
    again = client.post(url, json=step_body(session, 0))
    assert again.status_code == 200
    assert again.json() == {"stored": False, "index": 0}
    assert client.post(url, json=step_body(session, 1, key="browser-uuid-1")).status_code == 201
    assert client.post(url, json=step_body(session, 1, key="browser-uuid-1")).status_code == 200
    assert client.get("/api/v1/sessions/active").json()["next_step"] == 2
    bad = step_body(session, 999)
    assert "outside" in problem(client.post(url, json=bad), 422)["detail"]
    backwards = {**step_body(session, 2), "ended_at": 1}
    problem(client.post(url, json=backwards), 422)
    problem(client.post("/api/v1/sessions/999/steps", json=step_body(session, 0)), 404)


def test_concurrent_duplicate_keys_are_stored_once(clock: FakeClock) -> None:
    app = create_app(Workspace.from_environment(), clock)

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL) as http:
            await http.post("/api/v1/screening", json={"answers": NO})
            session = (await http.post("/api/v1/sessions", json={})).json()
            url = f"/api/v1/sessions/{session['session_id']}/steps"
            body = step_body(session, 3, key="same-key-twice")
            answers = await asyncio.gather(*(http.post(url, json=body) for _ in range(12)))
            steps = (await http.get("/api/v1/sessions/active")).json()
            assert steps["next_step"] == 4
            return sorted(r.status_code for r in answers)

    with local_client(app):  # runs the app's start-up (migrations)
        codes = asyncio.run(scenario())
    assert codes == [200] * 11 + [201]


def test_pain_above_five_moves_on_and_symptoms_stop(client: TestClient) -> None:
    session = start(client)
    sid = session["session_id"]
    work = next(
        s for s in session["steps"] if s["kind"] in ("work", "hold") and s["item_index"] > 0
    )
    calm = client.post(
        f"/api/v1/sessions/{sid}/pain", json={"index": work["index"], "area": "neck", "score": 3}
    )
    assert calm.json() == {"action": "continue"}
    hurt = client.post(
        f"/api/v1/sessions/{sid}/pain", json={"index": work["index"], "area": "neck", "score": 7}
    ).json()
    assert hurt["action"] == "next_exercise"
    assert session["steps"][hurt["next_index"]]["item_index"] == work["item_index"] + 1
    stop = client.post(
        f"/api/v1/sessions/{sid}/pain",
        json={
            "index": hurt["next_index"],
            "area": "neck",
            "score": 1,
            "symptoms": ["visual_change"],
        },
    ).json()
    assert stop["action"] == "stop"
    assert stop["tier"] == "emergency"
    status = client.get("/api/v1/status").json()
    assert not status["may_start"]
    problem(
        client.post(f"/api/v1/sessions/{sid}/pain", json={"index": 0, "area": "knee", "score": 3}),
        422,
    )


def test_someone_who_starts_at_six_may_exercise_up_to_seven(client: TestClient) -> None:
    """Issue 14: the absolute 5/10 stopped every exercise for someone who starts at 6."""
    checkin = {"moment": "before", "pain": {"neck": 6}}
    assert client.post("/api/v1/checkins", json=checkin).status_code == 201
    assert client.post("/api/v1/screening", json={"answers": NO}).status_code == 201
    session = client.post("/api/v1/sessions", json={}).json()
    assert session["pain_limits"] == {"neck": 7}
    assert session["pain_limit_unknown"] == 5
    sid = session["session_id"]
    work = next(s for s in session["steps"] if s["kind"] in ("work", "hold"))
    url = f"/api/v1/sessions/{sid}/pain"
    at_seven = client.post(url, json={"index": work["index"], "area": "neck", "score": 7})
    assert at_seven.json() == {"action": "continue"}
    # Another area with no reading today keeps the limit of 5.
    back = client.post(url, json={"index": work["index"], "area": "upper_back", "score": 6})
    assert back.json()["action"] == "next_exercise"
    assert "pain above 5 out of 10 is too much today" in back.json()["message"]


def test_effort_end_checkin_progress_history(client: TestClient) -> None:
    session = start(client)
    sid = session["session_id"]
    assert (
        client.post(
            f"/api/v1/sessions/{sid}/effort", json={"item_index": 0, "reps_in_reserve": 2}
        ).status_code
        == 204
    )
    problem(
        client.post(
            f"/api/v1/sessions/{sid}/effort", json={"item_index": 99, "reps_in_reserve": 2}
        ),
        422,
    )
    assert client.post(f"/api/v1/sessions/{sid}/end", json={"finished": True}).status_code == 204
    for moment, score in (("before", 5), ("after", 3)):
        checkin = {"moment": moment, "pain": {"neck": score}}
        assert client.post("/api/v1/checkins", json=checkin).status_code == 201
    progress = client.get("/api/v1/progress").json()
    assert progress["areas"][0]["area"] == "neck"
    assert progress["adherence"]["total_sessions"] == 1
    history = client.get("/api/v1/history").json()
    assert history[0]["status"] == "finished"
    body = problem(
        client.post("/api/v1/checkins", json={"moment": "later", "pain": {"neck": 3}}), 422
    )
    assert body["detail"].startswith("moment:")
    assert body["errors"][0]["field"] == "moment"


def test_catalog_export_forget_and_docs(client: TestClient) -> None:
    assert len(client.get("/api/v1/catalog", params={"phase": "static"}).json()) == 6
    problem(client.get("/api/v1/catalog", params={"phase": "stretchy"}), 422)
    assert client.get("/api/v1/catalog/row").json()["name"] == "Row"
    assert (
        "did you mean neck-roll" in problem(client.get("/api/v1/catalog/neck-rol"), 404)["detail"]
    )
    start(client)
    export = client.get("/api/v1/export")
    assert export.json()["format"] == "unknot-export"
    assert "attachment" in export.headers["content-disposition"]
    problem(client.post("/api/v1/forget", json={"confirm": "yes"}), 422)
    old = client.get("/api/v1/sessions/active").json()
    deleted = client.post("/api/v1/forget", json={"confirm": "forget me"}).json()["deleted"]
    assert deleted["sessions"] == 1
    # Ids remembered for speed before the person was forgotten must not leak into new records.
    problem(client.post(f"/api/v1/sessions/{old['session_id']}/steps", json=step_body(old, 0)), 404)
    # Forgotten means unscreened: no plan until the questions are answered again (issue 12).
    assert "No screening on record" in problem(client.get("/api/v1/plan/today"), 409)["detail"]
    assert client.get("/api/v1/status").json()["needs_screening"]
    client.post("/api/v1/screening", json={"answers": NO})
    fresh = client.get("/api/v1/plan/today")
    assert fresh.status_code == 200
    assert fresh.json()["plan_id"] != old["plan"].get("plan_id")
    assert client.get("/openapi.json").json()["info"]["title"] == "unknot"
    assert client.get("/docs").status_code == 200
    problem(client.get("/api/v1/nowhere"), 404)


def test_pages_render(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/screening"
    assert "warning signs" in client.get("/screening").text
    form = dict.fromkeys(QUESTION_IDS, "no")
    assert "You can exercise" in post_form(client, "/screening", form).text
    missing = post_form(client, "/screening", {"chest_pain": "no"})
    assert missing.status_code == 422
    assert "Please answer every question" in missing.text
    saved = post_form(
        client,
        "/profile",
        {
            "pain_neck": "6",
            "minutes": "20",
            "sessions_per_week": "3",
            "equipment": ["chair", "wall"],
        },
        follow_redirects=False,
    )
    assert saved.headers["location"] == "/today"
    today = client.get("/today").text
    assert "which you rated 6/10" in today
    for path in (
        "/player",
        "/progress",
        "/exercises",
        "/exercises/row",
        "/history",
        "/data",
        "/exercises?phase=static&equipment=doorway",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/exercises/nope").status_code == 404
    too_few = post_form(client, "/progress/activities", {"activity_0": "reading", "score_0": "4"})
    assert too_few.status_code == 422
    assert "3 to 5 activities" in too_few.text
    rated = {
        "activity_0": "reading",
        "score_0": "4",
        "activity_1": "driving",
        "score_1": "5",
        "activity_2": "sleeping",
        "score_2": "6",
    }
    assert post_form(client, "/progress/activities", rated).status_code == 200
    assert client.get("/api/v1/progress").json()["function"]["baseline_mean"] == 5.0
    assert 'value="driving"' in client.get("/progress").text
    assert client.get("/manifest.webmanifest").json()["display"] == "standalone"
    assert client.get("/sw.js").headers["service-worker-allowed"] == "/"


def test_figures_are_served_with_their_type_and_an_etag(client: TestClient) -> None:
    animated = client.get("/figures/cat-cow.svg")
    assert animated.status_code == 200
    assert animated.headers["content-type"] == "image/svg+xml"
    assert "@keyframes" in animated.text
    tag = animated.headers["etag"]
    assert client.get("/figures/cat-cow.svg", headers={"If-None-Match": tag}).status_code == 304
    strip = client.get("/figures/cat-cow-strip.svg")
    assert "Round, hold 3 s" in strip.text
    assert "@keyframes" not in strip.text
    png = client.get("/figures/cat-cow-strip.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content[:4] == b"\x89PNG"
    assert "did you mean cat-cow" in problem(client.get("/figures/cat-co.svg"), 404)["detail"]
    assert "ID.svg, ID-strip.svg" in problem(client.get("/figures/cat-cow.gif"), 404)["detail"]


def test_pages_and_the_player_show_the_figures(client: TestClient) -> None:
    page = client.get("/exercises/wall-angel").text
    assert 'src="/figures/wall-angel.svg"' in page
    assert 'media="(prefers-reduced-motion: reduce)" srcset="/figures/wall-angel-strip.svg"' in page
    assert 'href="/figures/wall-angel-strip.png"' in page
    assert client.get("/exercises").text.count('class="thumb-card" src="/figures/') == 35
    session = start(client)
    assert session["cards"]
    assert all(card["has_figure"] for card in session["cards"].values())
    today = client.get("/today").text
    for exercise_id in session["cards"]:
        assert f'class="thumb" src="/figures/{exercise_id}.svg"' in today
    for exercise_id in session["cards"]:
        assert client.get(f"/figures/{exercise_id}.svg").status_code == 200


def test_a_figure_narrowed_to_one_side_or_direction(client: TestClient) -> None:
    right = client.get("/figures/upper-trapezius-stretch.svg", params={"side": "right"})
    assert 'data-duration="14"' in right.text  # one side: 2 s in, 10 s hold, 2 s out
    assert 'data-duration="28"' in client.get("/figures/upper-trapezius-stretch.svg").text
    forward = client.get("/figures/shoulder-roll.svg", params={"direction": "forward"})
    assert 'data-duration="2.5"' in forward.text
    bad = problem(client.get("/figures/shoulder-roll.svg", params={"side": "middle"}), 422)
    assert "left or right" in bad["detail"]
    bad = problem(client.get("/figures/shoulder-roll.svg", params={"direction": "up"}), 422)
    assert "backward, forward" in bad["detail"]


def test_after_forget_an_old_queued_write_cannot_land_in_the_new_session(
    client: TestClient,
) -> None:
    """An outbox entry "1:3" queued before `forget` was stored into the new session 1, and the
    real step 3 was then dropped (issue 13)."""
    old = start(client)
    forgotten = client.post("/api/v1/forget", json={"confirm": "forget me"})
    assert forgotten.headers["clear-site-data"] == '"cache", "storage"'
    new = start(client)
    assert new["session_id"] == old["session_id"]  # ids start again
    assert new["session_key"] != old["session_key"]
    url = f"/api/v1/sessions/{new['session_id']}"
    detail = problem(client.post(f"{url}/steps", json=step_body(old, 3)), 409)["detail"]
    assert "another session" in detail
    for path, body in (
        ("pain", {"index": 3, "area": "neck", "score": 9, "session_key": old["session_key"]}),
        ("effort", {"item_index": 0, "reps_in_reserve": 1, "session_key": old["session_key"]}),
        ("end", {"finished": True, "session_key": old["session_key"]}),
    ):
        problem(client.post(f"{url}/{path}", json=body), 409)
    assert client.post(f"{url}/steps", json=step_body(new, 3)).status_code == 201
    assert client.get("/api/v1/sessions/active").json()["status"] == "active"
    assert client.get("/api/v1/history").json()[0]["steps_done"] == 1


def test_pain_reports_outside_the_session_are_refused(client: TestClient) -> None:
    """A pain score of 9 at index 99999 answered "continue" and was not stored."""
    session = start(client)
    url = f"/api/v1/sessions/{session['session_id']}/pain"
    detail = problem(client.post(url, json={"index": 9999, "area": "neck", "score": 9}), 422)
    assert "outside this session" in detail["detail"]
    detail = problem(client.post(url, json={"index": 99999, "area": "neck", "score": 9}), 422)
    assert detail["detail"] == "index: Input should be less than or equal to 9999"


def test_ids_beyond_64_bits_and_set_lists_with_repeats_are_refused(client: TestClient) -> None:
    """Found by the fuzzing (issue 13): session 2**63 overflowed the driver (a 500); a profile
    naming "relief" twice, or a pain of `false`, was taken."""
    start(client)
    for path, body in (
        ("/api/v1/sessions/9223372036854775808/effort", {"item_index": 0, "reps_in_reserve": 0}),
        ("/api/v1/screening/9223372036854775808/mistake", {}),
    ):
        detail = problem(client.post(path, json=body), 422)["detail"]
        assert "less than or equal to 9223372036854775807" in detail
    profiles: list[tuple[dict[str, Any], str]] = [
        ({"goals": ["relief", "relief"]}, "goals: Value error, name each item once"),
        ({"pain": {"neck": False}}, "pain.neck: Input should be a valid integer"),
        ({"minutes": "20"}, "minutes: Input should be a valid integer"),
    ]
    for body, words in profiles:
        assert problem(client.put("/api/v1/profile", json=body), 422)["detail"] == words
    assert client.put("/api/v1/profile", json={"goals": ["relief"], "minutes": 20}).is_success


def test_a_method_a_path_does_not_take_is_405_naming_every_one_it_does(
    client: TestClient,
) -> None:
    """Starlette named only the first route's methods: GET /profile hid PUT (issue 13); and a
    JSON check before routing answered 415 instead."""
    for method, path, allowed in (
        ("POST", "/api/v1/profile", "GET, PUT"),
        ("DELETE", "/api/v1/sessions", "POST"),
        ("TRACE", "/api/v1/status", "GET"),
    ):
        response = client.request(method, path)
        problem(response, 405)
        assert response.headers["allow"] == allowed


def test_the_document_describes_every_error_as_problem_details(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("400", "404", "409", "413", "415", "421", "422", "507"):
                assert list(responses[status]["content"]) == ["application/problem+json"], (
                    method,
                    path,
                    status,
                )
            assert "Allow" in responses["405"]["headers"]


def test_bad_step_values_are_named_never_a_server_error(
    client: TestClient, clock: FakeClock
) -> None:
    """Infinite or huge timestamps gave a plain-text 500 and a reset connection (issue 13)."""
    session = start(client)
    url = f"/api/v1/sessions/{session['session_id']}/steps"
    good = step_body(session, 0)
    for field, value, words in (
        ("started_at", "Infinity", "finite"),
        ("ended_at", "1e300", "less than"),
        ("skipped", "1", "valid boolean"),
        ("index", "true", "valid integer"),
        ("index", '"3"', "valid integer"),
    ):
        raw = json.dumps(good).replace(json.dumps(good[field]), value, 1)
        if field == "skipped":
            raw = raw.replace('"skipped": false', f'"skipped": {value}')
        answer = client.post(url, content=raw, headers={"Content-Type": "application/json"})
        body = problem(answer, 422)
        assert body["errors"][0]["field"] == field, raw
        assert words in body["detail"], body["detail"]
    early = {**good, "started_at": 1_764_000_000 - 3600, "ended_at": 1_764_000_000 - 3590}
    assert "before the session started" in problem(client.post(url, json=early), 422)["detail"]
    late = {**good, "ended_at": clock.now() + 2 * 3600}
    assert "in the future" in problem(client.post(url, json=late), 422)["detail"]
    assert client.post(url, json=good).status_code == 201
    end = client.post(f"{url.removesuffix('/steps')}/end", json={"finished": False})
    assert end.status_code == 204
    clock.advance(2 * 3600)
    after = step_body(session, 1)
    after.update(started_at=clock.now() - 5, ended_at=clock.now())
    assert "after the session ended" in problem(client.post(url, json=after), 422)["detail"]
    assert client.post(url, json=good).status_code == 200  # the replay of what is stored


def test_a_severe_day_offers_the_gentle_routine_on_the_web(client: TestClient) -> None:
    checkin = {"moment": "before", "pain": {"neck": 10}}
    assert client.post("/api/v1/checkins", json=checkin).status_code == 201
    assert client.post("/api/v1/screening", json={"answers": NO}).status_code == 201
    plan = client.get("/api/v1/plan/today").json()
    assert plan["gentle_day"]
    assert "neck-roll" not in {i["exercise_id"] for i in plan["items"]}
    page = client.get("/today").text
    assert "A gentle day" in page
    assert "Your neck pain is 10/10 today" in page
    assert "Start the gentle routine" in page
