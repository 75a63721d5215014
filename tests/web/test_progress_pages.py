"""The progress, profile, history and screening pages tell the truth in words (issue 17)."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from tests.web.forms import post_form
from unknot.clock import FakeClock
from unknot.domain.plan import SessionPlan
from unknot.domain.screening import QUESTION_IDS
from unknot.services.workspace import Workspace

PROFILE = {"pain_neck": "5", "minutes": "15", "sessions_per_week": "3"}


def onboard(client: TestClient) -> None:
    post_form(client, "/screening", dict.fromkeys(QUESTION_IDS, "no"))
    post_form(client, "/profile", PROFILE)


def test_nothing_is_planned_before_the_first_day(client: TestClient, clock: FakeClock) -> None:
    """Eight weeks of "0 of 3 planned" showed before the person began."""
    onboard(client)
    clock.advance(2 * 86400)  # Wednesday 26 November 2025, two days after the first
    report = client.get("/api/v1/progress").json()
    assert report["first_day"] == "2025-11-24"
    [week] = report["adherence"]["weeks"]
    assert (week["start"], week["days"], week["planned"]) == ("2025-11-24", 7, 3)
    [row] = report["calendar"]
    assert row[0]["day"] == "2025-11-24"
    page = client.get("/progress").text
    assert page.count("<tr><td>") == 1  # one week in the table of weeks
    assert "Your weeks run Monday to Sunday, as is usual where you are" in page


def test_a_sunday_week_is_the_persons_choice(client: TestClient, clock: FakeClock) -> None:
    onboard(client)
    clock.advance(6 * 86400)  # Sunday 30 November 2025
    saved = post_form(client, "/profile", {**PROFILE, "week_start": "sunday"})
    assert saved.status_code == 200
    report = client.get("/api/v1/progress").json()
    assert (report["week_start"], report["week_start_chosen"]) == ("sunday", True)
    first, current = report["adherence"]["weeks"]
    # Monday 24 to Saturday 29 November: the first, partial week, 6 days of 7 (3 x 6/7 = 2.6).
    assert (first["start"], first["days"], first["planned"]) == ("2025-11-24", 6, 3)
    assert (current["start"], current["days"]) == ("2025-11-30", 7)
    assert [c["before_start"] for c in report["calendar"][0]] == [True] + [False] * 6
    page = client.get("/progress").text
    assert "Your weeks run Sunday to Saturday;" in page
    headers = re.findall(r'<abbr title="(\w+)">', page)
    assert headers[:2] == ["Sunday", "Monday"]
    assert "before you began" in page
    profile = client.get("/profile").text
    assert re.search(r'<option value="sunday" selected>Sunday</option>', profile)
    refused = post_form(client, "/profile", {**PROFILE, "week_start": "friday"})
    assert refused.status_code == 422


def test_dates_and_states_are_in_words(client: TestClient) -> None:
    onboard(client)
    client.post("/api/v1/checkin", json={"moment": "check", "pain": {"neck": 4}})
    page = client.get("/progress").text
    assert "week(s)" not in page
    assert "0 weeks in a row on plan" in page or "1 week in a row on plan" in page
    assert re.search(r"<td>Mon 24 Nov", page), "the table of weeks names its days in words"
    assert not re.search(r"<text[^>]*>\d\d-\d\d</text>", page), "chart labels such as 11-24"
    assert not re.search(r">\s*2025-11-24\s*<", page)


def test_the_screening_form_asks_by_theme(client: TestClient) -> None:
    page = client.get("/screening").text
    legends = re.findall(r'<fieldset class="theme"><legend><h2>([^<]+)</h2>', page)
    assert legends[0].startswith("Right now")
    assert {"Your health history", "Injuries"} <= set(legends)
    for name in QUESTION_IDS:
        assert page.count(f'name="{name}" value="no"') == 1, name
    numbers = [int(n) for n in re.findall(r"<legend>(\d+)\. ", page)]
    assert numbers == list(range(1, len(numbers) + 1))


def test_history_says_how_a_session_ended(client: TestClient) -> None:
    onboard(client)
    store = Workspace.from_environment().open_store()
    person = store.local_person()
    at = dt.datetime(2025, 11, 24, 9, tzinfo=dt.UTC)
    plan = store.save_plan(
        person, SessionPlan(day=at.date(), minutes=15, items=(), total_s=900), at
    )
    session = store.start_session(person, plan, at, steps_total=4, paced=True)
    store.end_session(session, "stopped", at + dt.timedelta(minutes=3))
    page = client.get("/history").text
    assert "<td>stopped</td>" not in page
    assert "<td>stopped part-way</td>" in page


def test_the_first_day_is_never_after_today(client: TestClient, clock: FakeClock) -> None:
    """The local person is stored at the real time; a clock set earlier still has a week."""
    onboard(client)
    report = client.get("/api/v1/progress").json()
    assert dt.date.fromisoformat(report["first_day"]) <= dt.date.fromisoformat(report["today"])
    assert len(report["adherence"]["weeks"]) == 1
