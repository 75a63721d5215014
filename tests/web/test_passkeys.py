"""Passkeys for real (issue 20): Chromium's virtual authenticator (over CDP) makes a passkey on
the account page and signs in with it, against a real `unknot serve --server` at
http://localhost:PORT (a passkey needs a host name, and localhost is a secure context)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.signing import PASSWORD, add_account
from tests.web.browsing import browser
from tests.web.serving import Server
from unknot.clock import SystemClock
from unknot.config import Settings
from unknot.services.application import Application

__all__ = ["browser"]  # the fixture, used by name


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, Application]]:
    database = f"sqlite:///{tmp_path / 'unknot.db'}"
    server = Server(
        tmp_path / "data", tmp_path / "config", workers=1, server="1", database_url=database
    )
    public = f"http://localhost:{server.port}"
    server.env["UNKNOT_PUBLIC_URL"] = public
    application = Application.from_settings(
        Settings(
            server=True,
            database_url=database,
            public_url=public,
            data_dir=tmp_path / "data",
            config_dir=tmp_path / "config",
        ),
        SystemClock(),
    )
    accounts = application.accounts()
    made = accounts.create_first_administrator("Home", "admin@example.org", PASSWORD)
    add_account(accounts, made.organisation_id, "ann@example.org")
    server.start()
    yield server, application
    server.stop()
    application.close()


def with_authenticator(page: Page) -> None:
    """A platform authenticator that holds passkeys and verifies the user (a fingerprint)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_a_person_adds_a_passkey_and_signs_in_with_it(
    browser: Browser, served: tuple[Server, Application]
) -> None:
    server, application = served
    base = f"http://localhost:{server.port}"
    context = browser.new_context()
    page = context.new_page()
    with_authenticator(page)
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", "ann@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("#sign-in button")
    page.wait_for_url(re.compile(r".*/(screening|today|profile)$"))
    page.goto(f"{base}/account")
    page.fill("#passkey-name", "Test phone")
    page.click("#add-passkey")
    page.wait_for_selector("#passkeys li:has-text('Test phone')")
    page.click("#sign-out")
    page.wait_for_url(re.compile(r".*/sign-in$"))
    page.click("#passkey-sign-in")
    page.wait_for_url(re.compile(r".*/(screening|today|profile)$"))
    page.goto(f"{base}/account")
    assert "ann@example.org" in page.inner_text("main")
    actions = [
        (e.action, e.detail.get("second_factor"))
        for e in application.accounts().audit()
        if e.action in ("passkey_added", "sign_in")
    ]
    assert ("passkey_added", None) in actions
    assert actions[-1] == ("sign_in", "passkey")
    # Removed (the passkey sign-in was a moment ago: no password needed again), it signs
    # nobody in any more, though the authenticator still holds it.
    page.click("#passkeys li:has-text('Test phone') button")
    page.wait_for_selector("#passkeys li:has-text('None yet')")
    page.click("#sign-out")
    page.wait_for_url(re.compile(r".*/sign-in$"))
    page.click("#passkey-sign-in")
    page.wait_for_selector("#passkey-status:has-text('did not sign you in')")
    assert page.url.endswith("/sign-in")
    context.close()


def test_a_clinician_and_two_people_each_in_their_own_browser(
    browser: Browser, served: tuple[Server, Application]
) -> None:
    """The issue's whole scene: a passkey, a password, and a password with a TOTP code."""
    import pyotp

    from unknot.services.care import CONSENT_VERSION

    server, application = served
    base = f"http://localhost:{server.port}"
    accounts = application.accounts()
    organisation = accounts.records.organisations()[0][0]
    add_account(accounts, organisation, "bo@example.org")
    add_account(accounts, organisation, "lee@example.org", role="clinician")
    members = {a.email: a for a in accounts.members(organisation)}
    care = application.care()
    link = care.ask(members["lee@example.org"], "ann@example.org")
    care.accept(members["ann@example.org"], link.id, CONSENT_VERSION)
    pages: dict[str, Page] = {}
    for name in ("ann", "bo", "lee"):
        context = browser.new_context()
        pages[name] = context.new_page()
    ann, bo, lee = pages["ann"], pages["bo"], pages["lee"]

    def password(page: Page, email: str) -> None:
        page.goto(f"{base}/sign-in")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("#sign-in button")

    # Ann: a passkey, made after a password sign-in and used for the next one.
    with_authenticator(ann)
    password(ann, "ann@example.org")
    ann.wait_for_url(re.compile(r".*/(screening|today|profile)$"))
    ann.goto(f"{base}/account")
    ann.click("#add-passkey")
    ann.wait_for_selector("#passkeys li:has-text('This device')")
    ann.click("#sign-out")
    ann.wait_for_url(re.compile(r".*/sign-in$"))
    ann.click("#passkey-sign-in")
    ann.wait_for_url(re.compile(r".*/(screening|today|profile)$"))
    # Bo: a password.
    password(bo, "bo@example.org")
    bo.wait_for_url(re.compile(r".*/(screening|today|profile)$"))
    # Lee, a clinician: a password, then the code from an authenticator set up on the page.
    password(lee, "lee@example.org")
    lee.wait_for_selector("#totp-secret")
    secret = lee.inner_text("#totp-secret").replace(" ", "")
    lee.fill("input[name=code]", pyotp.TOTP(secret).now())
    lee.click("#code-form button")
    lee.wait_for_selector("#recovery-codes")
    lee.goto(f"{base}/people/{members['ann@example.org'].id}")
    assert "ann@example.org" in lee.inner_text("h1")
    # Each sees their own, and only that: Bo cannot reach Ann's records through Lee's page.
    refused = bo.goto(f"{base}/people/{members['ann@example.org'].id}")
    assert refused is not None
    assert refused.status == 403
    ann.goto(f"{base}/care")
    assert "lee@example.org" in ann.inner_text("#looked")
    for page in pages.values():
        page.context.close()
