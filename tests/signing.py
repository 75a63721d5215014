"""Signing in as the tests' accounts, second step included: the code an authenticator app
would show, computed from the account's secret at the application's clock."""

from __future__ import annotations

import re

import httpx2 as httpx
import pyotp
from fastapi.testclient import TestClient

from unknot.clock import FakeClock, instant
from unknot.services.accounts import Accounts, SecondStep, SignedIn, hash_password
from unknot.storage.accounts import AccountRow

PASSWORD = "correct horse battery"
FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')
STEP = re.compile(r'name="step" value="([A-Za-z0-9_-]+)"')


def code_for(accounts: Accounts, email: str, clock: FakeClock) -> str:
    """A code of a time step not taken yet (moving the clock on a step when the current one
    was taken: a real authenticator's next code comes 30 seconds later)."""
    row = accounts.records.account_by_email(email)
    assert row is not None
    assert row.totp_secret is not None
    totp = pyotp.TOTP(accounts.app.secret_box().open(row.totp_secret))
    if row.totp_last_step is not None and row.totp_last_step >= totp.timecode(instant(clock.now())):
        clock.advance(30 * (row.totp_last_step - totp.timecode(instant(clock.now())) + 1))
    return totp.at(instant(clock.now()))


def signed_in(
    accounts: Accounts,
    email: str,
    clock: FakeClock | None,
    password: str = PASSWORD,
    **where: str,
) -> SignedIn:
    """Password, then (for clinicians and administrators) the code on `clock`."""
    first = accounts.sign_in(email, password, **where)
    if isinstance(first, SignedIn):
        return first
    assert isinstance(first, SecondStep)
    assert clock is not None, "a second step needs the clock its code is read on"
    return accounts.complete_sign_in(first.token, code_for(accounts, email, clock), **where)


def through_pages(
    client: TestClient, email: str, password: str = PASSWORD, then: str = "/"
) -> httpx.Response:
    """The sign-in pages as a person goes through them: the form, then the code form when one
    follows (the code read on the app's fake clock); the last answer (a 303 when signed in)."""
    application = client.app.state.unknot  # type: ignore[attr-defined]
    clock = application.clock
    assert isinstance(clock, FakeClock)
    page = client.get("/sign-in")
    found = FORM_TOKEN.search(page.text)
    assert found
    answer = client.post(
        "/sign-in",
        data={"email": email, "password": password, "next": then, "form_token": found[1]},
    )
    step = STEP.search(answer.text)
    if answer.status_code != 200 or step is None:
        return answer
    return client.post(
        "/sign-in/code",
        data={
            "step": step[1],
            "code": code_for(application.accounts(), email, clock),
            "next": then,
            "form_token": found[1],
        },
    )


def add_account(
    accounts: Accounts, organisation_id: int, email: str, role: str = "person"
) -> AccountRow:
    """An account with the tests' password, records of its own for a person."""
    accounts.records.create_account(
        organisation_id=organisation_id,
        role=role,
        now=accounts._now(),
        email=email,
        password_hash=hash_password(PASSWORD),
        new_person=role == "person",
    )
    row = accounts.records.account_by_email(email)
    assert row is not None
    return row
