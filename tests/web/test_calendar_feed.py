"""A calendar service subscribing to a person's sessions on the shared server (issue 22): an
unguessable address made on the Calendar page, fetched with no sign-in, naming only that
person's sessions, and serving nothing once stopped or replaced."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import icalendar
import pytest
from fastapi.testclient import TestClient

from tests.answers import answers_for
from tests.signing import add_account, signed_in, through_pages
from tests.storage.conftest import database_url  # noqa: F401  (the fixture, both databases)
from unknot.clock import FakeClock
from unknot.config import Settings
from unknot.services.application import Application
from unknot.web.app import create_app

PUBLIC = "https://unknot.example.org"
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')


@pytest.fixture
def server(
    database_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Application]:
    monkeypatch.setenv("UNKNOT_DATABASE_URL", database_url)
    monkeypatch.setenv("UNKNOT_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("UNKNOT_SERVER", "1")
    clock = FakeClock(start=dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC).timestamp())
    application = Application.from_settings(Settings(), clock)
    accounts = application.accounts()
    made = accounts.create_first_administrator(
        "Riverside Physio", "admin@example.org", "correct horse battery"
    )
    signed_in(accounts, "admin@example.org", clock)
    for email in ("ann@example.org", "bo@example.org"):
        row = add_account(accounts, made.organisation_id, email)
        assert row.person_id is not None
        application.acting_as(row.person_id).submit_screening(answers_for(), country="GB")
    yield application
    application.close()


def browser(application: Application) -> TestClient:
    return TestClient(create_app(application), base_url=PUBLIC, follow_redirects=False)


def make_feed(client: TestClient) -> str:
    page = client.get("/calendar")
    assert "<h2>Subscribe from your calendar service</h2>" in page.text
    token = TOKEN.search(page.text)
    assert token
    made = client.post("/calendar/feed", data={"form_token": token[1]})
    assert made.status_code == 200
    # The page's title alone (a template slip once put the feed inside it), the feed after.
    assert "<title>Your sessions in your calendar · unknot</title>" in made.text
    assert made.text.index('id="feed-url"') > made.text.index("</title>")
    found = re.search(
        r'id="feed-url">https://unknot\.example\.org(/calendar/feed\.ics\?token=[A-Za-z0-9_-]+)<',
        made.text,
    )
    assert found, made.text
    return found[1]


def test_a_calendar_service_fetches_the_feed_without_signing_in(server: Application) -> None:
    with browser(server) as ann, browser(server) as service:
        assert through_pages(ann, "ann@example.org").status_code == 303
        feed = make_feed(ann)
        assert ann.get("/calendar.ics?weeks=²").status_code == 400  # a digit, not an ASCII one
        fetched = service.get(feed)
        assert fetched.status_code == 200
        assert fetched.headers["content-type"].startswith("text/calendar")
        assert fetched.headers["cache-control"] == "no-store"
        calendar = icalendar.Calendar.from_ical(fetched.content)
        assert len(calendar.events) >= 4  # 6 weeks of at least 3 sessions, less what is past
        assert all(e.summary == "unknot session" for e in calendar.events)
        assert "pain" not in fetched.text.lower()
        # Ann's page says she has one, without showing the address again.
        page = ann.get("/calendar").text
        assert 'id="feed-since"' in page
        assert "token=" not in page
        # A new address stops the old one; stopping serves nothing at all.
        newer = make_feed(ann)
        assert service.get(feed).status_code == 404
        assert service.get(newer).status_code == 200
        token = TOKEN.search(ann.get("/calendar").text)
        assert token
        assert ann.post("/calendar/feed/revoke", data={"form_token": token[1]}).status_code == 200
        assert service.get(newer).status_code == 404
        assert service.get("/calendar/feed.ics").status_code == 404
        assert service.get("/calendar/feed.ics?token=guess").status_code == 404


def test_each_feed_names_only_its_own_persons_sessions(server: Application) -> None:
    with browser(server) as ann, browser(server) as bo, browser(server) as service:
        through_pages(ann, "ann@example.org")
        through_pages(bo, "bo@example.org")
        ann_feed, bo_feed = make_feed(ann), make_feed(bo)
        ann_uids = {
            e.uid for e in icalendar.Calendar.from_ical(service.get(ann_feed).content).events
        }
        bo_uids = {e.uid for e in icalendar.Calendar.from_ical(service.get(bo_feed).content).events}
        # The same days, but each person's own events: a UID names nobody and matches no one
        # else's.
        assert ann_uids
        assert bo_uids
        assert ann_uids.isdisjoint(bo_uids)


def test_a_switched_off_account_s_feed_serves_nothing(server: Application) -> None:
    accounts = server.accounts()
    organisation = accounts.records.organisations()[0][0]
    members = {a.email: a for a in accounts.members(organisation)}
    with browser(server) as ann, browser(server) as service:
        through_pages(ann, "ann@example.org")
        feed = make_feed(ann)
        assert service.get(feed).status_code == 200
        accounts.switch_off(members["admin@example.org"], members["ann@example.org"].id)
        assert service.get(feed).status_code == 404
