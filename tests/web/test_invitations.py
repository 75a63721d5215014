"""Invitations and password resets by one-time links, sent through a real SMTP server
(aiosmtpd), on SQLite and PostgreSQL (issue 20)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from tests.mailbox import Mailbox, mailbox  # noqa: F401  (the fixture)
from tests.signing import signed_in, through_pages
from tests.storage.conftest import database_url  # noqa: F401  (the fixture, both databases)
from tests.web.serving import free_port
from unknot.clock import FakeClock
from unknot.config import Settings
from unknot.services.application import Application
from unknot.web.app import create_app

PASSWORD = "correct horse battery"
PUBLIC = "https://unknot.example.org"
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')
LINK = re.compile(r"https://unknot\.example\.org(/(?:invitation|reset)/[A-Za-z0-9_-]+)")


def make_server(url: str, monkeypatch: pytest.MonkeyPatch, smtp: str | None) -> Application:
    monkeypatch.setenv("UNKNOT_DATABASE_URL", url)
    monkeypatch.setenv("UNKNOT_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("UNKNOT_SERVER", "1")
    if smtp:
        monkeypatch.setenv("UNKNOT_SMTP_URL", smtp)
    clock = FakeClock()
    application = Application.from_settings(Settings(), clock)
    accounts = application.accounts()
    accounts.create_first_administrator("Riverside Physio", "admin@example.org", PASSWORD)
    signed_in(accounts, "admin@example.org", clock)  # enrolled in a second factor already
    return application


@pytest.fixture
def server(
    database_url: str,  # noqa: F811
    mailbox: Mailbox,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Application]:
    application = make_server(database_url, monkeypatch, mailbox.url)
    yield application
    application.close()


def browser(application: Application, base: str = PUBLIC) -> TestClient:
    return TestClient(create_app(application), base_url=base, follow_redirects=False)


def token(client: TestClient, page: str) -> str:
    found = TOKEN.search(client.get(page).text)
    assert found, page
    return found[1]


def post(client: TestClient, path: str, page: str, **fields: str) -> httpx.Response:
    return client.post(path, data={**fields, "form_token": token(client, page)})


def sign_in(client: TestClient, email: str, password: str = PASSWORD, then: str = "/") -> int:
    return through_pages(client, email, password, then).status_code


def test_an_invitation_arrives_by_email_and_lets_the_person_in_once(
    server: Application,
    mailbox: Mailbox,  # noqa: F811
) -> None:
    with browser(server, "http://127.0.0.1") as admin:
        assert sign_in(admin, "admin@example.org") == 303
        page = post(admin, "/account/invite", "/account", email="Sam@Example.org", role="person")
        assert page.status_code == 200
        assert "the invitation is on its way by e-mail" in page.text
        assert "invitation-link" not in page.text  # mailed: the link is not shown
    [message] = mailbox.to("sam@example.org")
    assert message["Subject"] == "You are invited to unknot at Riverside Physio"
    assert message["From"] == "unknot <unknot@unknot.example.org>"
    assert message["Message-ID"]
    text = Mailbox.text(message)
    # Built from the public URL, not from the address the administrator used (127.0.0.1).
    found = LINK.search(text)
    assert found, text
    path = found[1]
    with browser(server) as sam:
        assert sam.get(path).status_code == 200
        mismatch = post(sam, path, path, password=PASSWORD, password_again="other words")
        assert mismatch.status_code == 400
        assert "not the same" in mismatch.text
        weak = post(sam, path, path, password="password", password_again="password")
        assert weak.status_code == 400
        assert "most common" in weak.text
        done = post(sam, path, path, password=PASSWORD, password_again=PASSWORD)
        assert done.status_code == 303
        assert sam.get("/api/v1/status").status_code == 200  # signed in, as a person
        assert sam.get(path).status_code == 404  # used
    with browser(server) as again:
        assert sign_in(again, "sam@example.org") == 303


def test_without_a_mail_server_the_administrator_passes_the_link_on(
    database_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    closed = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    application = make_server(database_url, monkeypatch, closed)
    with browser(application) as admin:
        assert sign_in(admin, "admin@example.org") == 303
        page = post(admin, "/account/invite", "/account", email="kim@example.org", role="clinician")
        assert "could not be e-mailed" in page.text
        assert "did not take it" in page.text
        link = re.search(r'<code id="invitation-link">([^<]+)</code>', page.text)
        assert link
        assert link[1].startswith(f"{PUBLIC}/invitation/")
        twice = post(admin, "/account/invite", "/account", email="kim@example.org", role="person")
        assert twice.status_code == 400
        assert "already has an account" in twice.text
        bad = post(admin, "/account/invite", "/account", email="kim2@example.org", role="owner")
        assert bad.status_code == 400
    application.close()


def test_only_an_administrator_invites(server: Application) -> None:
    with browser(server) as admin:
        sign_in(admin, "admin@example.org")
        post(admin, "/account/invite", "/account", email="ann@example.org", role="person")
    accounts = server.accounts()
    ann = accounts.records.account_by_email("ann@example.org")
    assert ann is not None
    link = accounts.link_url(accounts.make_link(ann.id, "invitation"), "invitation")
    with browser(server) as client:
        target = link.removeprefix(PUBLIC)
        post(client, target, target, password=PASSWORD, password_again=PASSWORD)
        refused = post(client, "/account/invite", "/account", email="eve@example.org", role="admin")
        assert refused.status_code == 403
        assert "This page is for an administrator" in refused.text
    assert accounts.records.account_by_email("eve@example.org") is None


def test_a_reset_gives_the_same_answer_for_anyone_and_ends_every_session(
    server: Application,
    mailbox: Mailbox,  # noqa: F811
) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    with browser(server) as elsewhere:
        assert sign_in(elsewhere, "admin@example.org") == 303
        with browser(server) as client:
            known = post(client, "/reset", "/reset", email="admin@example.org")
            unknown = post(client, "/reset", "/reset", email="nobody@example.org")
            assert known.status_code == unknown.status_code == 200
            assert TOKEN.sub("", known.text) == TOKEN.sub("", unknown.text)
            assert mailbox.to("nobody@example.org") == []
            [message] = mailbox.to("admin@example.org")
            assert message["Subject"] == "Reset your unknot password"
            found = LINK.search(Mailbox.text(message))
            assert found
            path = found[1]
            new = "a brand new phrase"
            done = post(client, path, path, password=new, password_again=new)
            assert done.status_code == 303
            assert done.headers["location"] == "/sign-in?changed=1"
            assert "every device was signed out" in client.get("/sign-in?changed=1").text
            assert client.get(path).status_code == 404
            assert sign_in(client, "admin@example.org") == 400  # the old password
            assert sign_in(client, "admin@example.org", new) == 303
        # The session signed in before the reset has ended.
        assert elsewhere.get("/account").status_code == 303
    changed = mailbox.to("admin@example.org")[-1]
    assert changed["Subject"] == "Your unknot password was changed"
    # A reset link lasts 30 minutes.
    with browser(server) as late:
        post(late, "/reset", "/reset", email="admin@example.org")
        found = LINK.search(Mailbox.text(mailbox.to("admin@example.org")[-1]))
        assert found
        clock.advance(31 * 60)
        assert late.get(found[1]).status_code == 404


def test_the_emails_carry_links_and_no_health_data(
    server: Application,
    mailbox: Mailbox,  # noqa: F811
) -> None:
    accounts = server.accounts()
    [admin] = accounts.members(accounts.records.organisations()[0][0])
    invited = accounts.invite(admin, "pat@example.org", "person")
    assert invited.account.person_id is not None
    you = server.acting_as(invited.account.person_id)
    you.record_checkin("before", {"neck": 7}, "sharp after lifting")
    accounts.request_reset("pat@example.org")
    for message in mailbox.to("pat@example.org"):
        text = Mailbox.text(message)
        for private in ("neck", "7/10", "sharp", "pain"):
            assert private not in text.replace("neck and upper-back pain", ""), private


EMAIL_LINK = re.compile(r"https://unknot\.example\.org(/email/[A-Za-z0-9_-]+)")


def test_a_new_email_address_takes_effect_when_its_own_link_is_opened(
    server: Application,
    mailbox: Mailbox,  # noqa: F811
) -> None:
    from tests.signing import add_account

    accounts = server.accounts()
    organisation = accounts.records.organisations()[0][0]
    add_account(accounts, organisation, "sam@example.org")
    add_account(accounts, organisation, "taken@example.org")
    clock = server.clock
    assert isinstance(clock, FakeClock)
    with browser(server) as sam:
        assert sign_in(sam, "sam@example.org") == 303
        # Over 5 minutes since the password: it is asked for again first.
        clock.advance(6 * 60)
        assert "Confirm your password to change it" in sam.get("/account").text
        late = post(sam, "/account/email", "/account", email="sam.new@example.org")
        assert late.status_code == 403
        assert 'action="/confirm"' in late.text
        assert mailbox.to("sam.new@example.org") == []
        assert post(sam, "/confirm", "/account", password=PASSWORD).status_code == 303
        same = post(sam, "/account/email", "/account", email="Sam@example.org")
        assert same.status_code == 400
        assert "your address already" in same.text
        page = post(sam, "/account/email", "/account", email="Sam.New@example.org")
        assert page.status_code == 200
        assert "A link is on its way to sam.new@example.org" in page.text
        # An address with an account of its own: the same answer, and that mailbox is told.
        taken = post(sam, "/account/email", "/account", email="taken@example.org")
        assert "A link is on its way to taken@example.org" in taken.text
    [warning] = mailbox.to("taken@example.org")
    assert "nothing changed" in Mailbox.text(warning)
    assert EMAIL_LINK.search(Mailbox.text(warning)) is None
    [message] = mailbox.to("sam.new@example.org")
    assert message["Subject"] == "Confirm your new unknot e-mail address"
    found = EMAIL_LINK.search(Mailbox.text(message))
    assert found
    path = found[1]
    # Until the link is opened and confirmed, the old address is the one that signs in (a
    # mail scanner fetching the link changes nothing).
    with browser(server) as anyone:
        page = anyone.get(path)
        assert page.status_code == 200
        assert "sam.new@example.org" in page.text
        assert sign_in(anyone, "sam@example.org") == 303
    with browser(server) as mailbox_owner:
        done = post(mailbox_owner, path, path)
        assert done.status_code == 200
        assert "You sign in with sam.new@example.org" in done.text
        assert post(mailbox_owner, path, "/sign-in").status_code == 404  # used
    with browser(server) as later:
        assert sign_in(later, "sam@example.org") == 400
        assert sign_in(later, "sam.new@example.org") == 303
    [told] = mailbox.to("sam@example.org")
    assert told["Subject"] == "Your unknot e-mail address was changed"
    assert "sam.new@example.org" in Mailbox.text(told)
    row = accounts.records.account_by_email("sam.new@example.org")
    assert row is not None
    assert "email_changed" in [e.action for e in accounts.audit(row.id)]
