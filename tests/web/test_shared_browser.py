"""One browser, several people, on the shared server (issue 20), in Debian's Chromium against a
real `unknot serve --server`: signing out sends what is still queued before the browser's data is
cleared, and a check-in queued under one account is never sent under another."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.signing import add_account
from tests.web.browsing import browser
from tests.web.serving import Server
from unknot.clock import SystemClock
from unknot.config import Settings
from unknot.services.application import Application

__all__ = ["browser"]  # the fixture, used by name

PASSWORD = "correct horse battery"


@dataclass
class Shared:
    server: Server
    application: Application
    people: dict[str, int]
    """E-mail to person id."""

    def checkins(self, email: str) -> list[str | None]:
        store = self.application.workspace.open_store()
        return [c.note for c in store.checkins(self.people[email])]


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Shared]:
    database = f"sqlite:///{tmp_path / 'unknot.db'}"
    application = Application.from_settings(
        Settings(
            server=True,
            database_url=database,
            data_dir=tmp_path / "data",
            config_dir=tmp_path / "config",
        ),
        SystemClock(),
    )
    accounts = application.accounts()
    made = accounts.create_first_administrator("Home", "admin@example.org", PASSWORD)
    people = {}
    for email in ("ann@example.org", "bo@example.org"):
        row = add_account(accounts, made.organisation_id, email)
        assert row.person_id is not None
        people[email] = row.person_id
    server = Server(
        tmp_path / "data", tmp_path / "config", workers=1, server="1", database_url=database
    )
    server.start()
    yield Shared(server, application, people)
    server.stop()
    application.close()


def sign_in(page: Page, server: Server, email: str) -> None:
    page.goto(f"{server.url}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#sign-in button")
    page.wait_for_url(re.compile(r".*/(screening|profile|today)$"))


def queue_checkin(page: Page, note: str) -> None:
    """A check-in through the page's outbox, as the player queues one."""
    page.evaluate(
        """async (note) => {
            const { Outbox } = await import("/static/js/outbox.js");
            await new Outbox().enqueue(`test:${note}`, "/api/v1/checkins",
                { moment: "before", pain: { neck: 4 }, note });
        }""",
        note,
    )


def pending(page: Page) -> int:
    return int(
        page.evaluate(
            """async () => {
                const { Outbox } = await import("/static/js/outbox.js");
                return (await new Outbox().pending()).length;
            }"""
        )
    )


def flush(page: Page) -> None:
    page.evaluate(
        """async () => {
            const { Outbox } = await import("/static/js/outbox.js");
            await new Outbox().flush();
        }"""
    )


def test_signing_out_sends_what_is_queued_first(browser: Browser, shared: Shared) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, shared.server, "ann@example.org")
    page.goto(f"{shared.server.url}/account")
    shared.server.stop()  # the connection drops: the check-in waits in the outbox
    queue_checkin(page, "queued while offline")
    assert pending(page) == 1
    shared.server.start()
    page.click("#sign-out")
    page.wait_for_url(re.compile(r".*/sign-in$"))
    assert shared.checkins("ann@example.org") == ["queued while offline"]
    assert pending(page) == 0  # sent, then the browser's storage cleared
    context.close()


def test_a_check_in_queued_by_one_person_is_never_sent_as_another(
    browser: Browser, shared: Shared
) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, shared.server, "ann@example.org")
    shared.server.stop()
    queue_checkin(page, "ann's pain")
    shared.server.start()
    # Ann's sign-in ends without signing out (it expired, or the cookie was cleared), and Bo
    # signs in on the same browser.
    context.clear_cookies()
    sign_in(page, shared.server, "bo@example.org")
    flush(page)
    assert shared.checkins("bo@example.org") == []
    assert pending(page) == 1  # kept for Ann
    context.clear_cookies()
    sign_in(page, shared.server, "ann@example.org")
    flush(page)
    assert shared.checkins("ann@example.org") == ["ann's pain"]
    assert pending(page) == 0
    context.close()


def test_a_sign_in_that_ends_mid_session_keeps_the_outbox_for_the_next(
    browser: Browser, shared: Shared
) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, shared.server, "ann@example.org")
    # The sign-in ends on the server (timed out, or ended from another device) while the page
    # still has work to send: the 401 keeps it.
    accounts = shared.application.accounts()
    ann = accounts.records.account_by_email("ann@example.org")
    assert ann is not None
    accounts.records.revoke_logins(ann.id, accounts._now())
    queue_checkin(page, "after the sign-in ended")
    flush(page)
    assert shared.checkins("ann@example.org") == []
    assert pending(page) == 1
    sign_in(page, shared.server, "ann@example.org")
    flush(page)
    assert shared.checkins("ann@example.org") == ["after the sign-in ended"]
    assert pending(page) == 0
    context.close()
