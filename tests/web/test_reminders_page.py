"""The Reminders page (issue 22): settings saved and shown with what comes next, a setting
that cannot be used re-rendered with its message and what was typed, the nudge stopped with
one button, and what was sent or not listed in the person's words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.answers import answers_for
from unknot.clock import FakeClock
from unknot.config import Settings
from unknot.services.application import Application
from unknot.web.app import create_app

# Monday 22 March 2027, 07:00 in London.
START = dt.datetime(2027, 3, 22, 7, tzinfo=dt.UTC)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    application = Application.from_settings(
        Settings(data_dir=tmp_path / "data", config_dir=tmp_path / "config"),
        FakeClock(start=START.timestamp()),
    )
    application.local().submit_screening(answers_for(), country="GB")
    with TestClient(create_app(application), base_url="http://127.0.0.1:8000") as made:
        yield made
    application.close()


def form_token(text: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f]+)"', text)
    assert found
    return found[1]


def settings(token: str, **changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "form_token": token,
        "on": "1",
        "time": "18:00",
        "days_from": "chosen",
        "day": ["mon", "wed", "fri"],
        "channel": ["desktop"],
        "nudge_at": "20:00",
        "quiet_from": "21:30",
        "quiet_until": "08:00",
        "time_zone": "Europe/London",
    }
    return base | changes


def test_reminders_are_saved_and_what_comes_next_is_listed(client: TestClient) -> None:
    page = client.get("/reminders")
    assert page.status_code == 200
    assert "Nothing sent yet." in page.text
    assert "web push" in page.text  # why there are no phone notifications, said on the page
    saved = client.post("/reminders", data=settings(form_token(page.text), nudge="1"))
    assert saved.status_code == 200
    assert 'id="reminders-saved"' in saved.text
    coming = re.findall(r"<li>([^<]+)</li>", saved.text.split('id="reminders-coming"')[1])
    assert coming[0] == "Monday 22 Mar 18:00 reminder as a desktop notification"
    assert 'value="wed" checked' in saved.text
    again = client.get("/reminders")
    assert 'name="nudge" value="1" checked' in again.text

    stopped = client.post("/reminders/nudges/stop", data={"form_token": form_token(again.text)})
    assert stopped.status_code == 200
    assert 'id="nudges-stopped"' in stopped.text
    assert 'name="nudge" value="1" checked' not in stopped.text
    assert 'name="on" value="1" checked' in stopped.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time": "23:15"}, "The reminder time 23:15 is inside your quiet hours"),
        ({"time_zone": "Mars/Olympus"}, "&#39;Mars/Olympus&#39; is not a time zone name"),
        ({"day": []}, "Tick the days you want reminders on"),
        ({"nudge": "1", "nudge_at": "17:00"}, "give a nudge time later than 18:00"),
        ({"channel": []}, "Choose how reminders reach you"),
        ({"quiet_until": "21:30"}, "Quiet hours start and end at the same time"),
    ],
)
def test_a_setting_that_cannot_be_used_is_named_and_nothing_changes(
    client: TestClient, changes: dict[str, object], message: str
) -> None:
    token = form_token(client.get("/reminders").text)
    refused = client.post("/reminders", data=settings(token, **changes))
    assert refused.status_code == 400
    assert message in refused.text
    for name, value in changes.items():
        if isinstance(value, str) and name not in ("nudge",):
            assert f'value="{value}"' in refused.text  # what was typed stays
    assert 'name="on" value="1" checked' not in client.get("/reminders").text


def test_a_form_from_elsewhere_changes_nothing(client: TestClient) -> None:
    refused = client.post("/reminders", data=settings("0" * 64))
    assert refused.status_code in (400, 403)
    assert 'name="on" value="1" checked' not in client.get("/reminders").text
