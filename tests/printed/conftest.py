"""Printed documents on a real SQLite file and a real PostgreSQL server, from a person with
eight weeks of sessions and check-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.answers import answers_for
from tests.history_fixture import eight_weeks
from tests.storage.conftest import database_url  # noqa: F401  (the fixture, both databases)
from unknot.services.actor import Actor
from unknot.services.application import Application


@pytest.fixture
def person(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Actor]:  # noqa: F811
    """Eight worsening weeks (so advice stands), a clear screening today, and one dismissed
    advice with the person's choice."""
    monkeypatch.setenv("UNKNOT_DATABASE_URL", database_url)
    monkeypatch.setenv("UNKNOT_EMERGENCY_NUMBER", "999")
    application = Application.configured()
    eight_weeks(application.workspace.open_store(), "worsening", dt.date.today())
    you = application.local()
    you.submit_screening(answers_for())
    you.record_function({"reading": 4, "driving": 6, "sleeping": 3})
    you.dismiss_advice("persists", "booked a physio")
    yield you
    application.close()
