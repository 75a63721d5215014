"""Accounts on the shared server (issue 20): the first administrator, sign-in and its limits,
sign-in sessions and their timeouts, the local person's upgrade, and the audit log, on a real
SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy
from sqlalchemy.exc import DBAPIError

from tests.history_fixture import eight_weeks
from tests.signing import add_account, code_for, signed_in
from tests.storage.conftest import database_url  # noqa: F401  (the fixture, both databases)
from unknot.clock import FakeClock, instant
from unknot.config import Settings
from unknot.services import errors
from unknot.services.accounts import (
    FIRST_WAIT_S,
    FREE_TRIES,
    Accounts,
    SecondStep,
    hash_password,
    password_problem,
)
from unknot.services.application import Application

PASSWORD = "correct horse battery"
START = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC).timestamp()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=START)


@pytest.fixture
def application(
    database_url: str,  # noqa: F811
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Application]:
    monkeypatch.setenv("UNKNOT_DATABASE_URL", database_url)
    monkeypatch.setenv("UNKNOT_PUBLIC_URL", "https://unknot.example.org")
    made = Application.from_settings(Settings(), clock)
    yield made
    made.close()


@pytest.fixture
def accounts(application: Application) -> Accounts:
    accounts = application.accounts()
    made = accounts.create_first_administrator("Riverside Physio", "Admin@Example.org ", PASSWORD)
    accounts.records.create_account(
        organisation_id=made.organisation_id,
        role="person",
        now=accounts._now(),
        email="sam@example.org",
        password_hash=hash_password(PASSWORD),
        new_person=True,
    )
    return accounts


def test_passwords_are_long_enough_and_not_common() -> None:
    assert password_problem("short") == "Choose a password of at least 8 characters."
    assert "most common" in (password_problem("password") or "")
    assert "most common" in (password_problem("QWERTYUIOP") or "")
    assert "most common" in (password_problem("aaaaaaaaaa") or "")
    assert "not your e-mail" in (password_problem("sam.jones", "sam.jones@example.org") or "")
    assert "at most 256" in (password_problem("x" * 257) or "")
    # No composition rules: a long phrase of lower-case words is a good password.
    assert password_problem(PASSWORD) is None


def test_the_first_administrator_is_made_once(application: Application) -> None:
    accounts = application.accounts()
    with pytest.raises(errors.PasswordRejected, match="at least 8"):
        accounts.create_first_administrator("Riverside", "admin@example.org", "short")
    with pytest.raises(errors.AccountProblem, match="not an e-mail address"):
        accounts.create_first_administrator("Riverside", "admin", PASSWORD)
    made = accounts.create_first_administrator("Riverside", "Admin@Example.org", PASSWORD)
    assert (made.admin.email, made.admin.role, made.admin.person_id) == (
        "admin@example.org",
        "admin",
        None,
    )
    assert made.claim_link is None  # nobody used this unknot before
    with pytest.raises(errors.AccountProblem, match="already has accounts"):
        accounts.create_first_administrator("Another", "other@example.org", PASSWORD)
    # The hash is Argon2id, never the password.
    stored = accounts.records.account_by_email("admin@example.org")
    assert stored is not None
    assert stored.password_hash is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


def test_signing_in_names_the_account_until_signed_out(accounts: Accounts) -> None:
    signed = signed_in(accounts, "SAM@example.org", None, address="192.0.2.7", agent="test")
    current = accounts.current(signed.token)
    assert current is not None
    assert current.account.email == "sam@example.org"
    assert accounts.current(signed.token + "x") is None
    # Only the token's hash is stored.
    assert signed.token not in str(accounts.records.logins(signed.account.id))
    accounts.sign_out(signed.token)
    assert accounts.current(signed.token) is None


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(accounts: Accounts) -> None:
    with pytest.raises(errors.SignInRefused) as wrong:
        accounts.sign_in("sam@example.org", "not the password")
    with pytest.raises(errors.SignInRefused) as unknown:
        accounts.sign_in("nobody@example.org", "not the password")
    assert str(wrong.value) == str(unknown.value)


def test_failed_sign_ins_wait_longer_each_time(accounts: Accounts, clock: FakeClock) -> None:
    for _ in range(FREE_TRIES["account"]):
        with pytest.raises(errors.SignInRefused):
            accounts.sign_in("sam@example.org", "guess guess", address="198.51.100.1")
    # Even the right password waits now, from any address: the limit is the account's.
    with pytest.raises(errors.SignInThrottled) as throttled:
        accounts.sign_in("sam@example.org", PASSWORD, address="203.0.113.9")
    assert throttled.value.retry_after_s == FIRST_WAIT_S
    assert "Wait 30 seconds" in str(throttled.value)
    clock.advance(FIRST_WAIT_S)
    with pytest.raises(errors.SignInRefused):
        accounts.sign_in("sam@example.org", "guess again", address="198.51.100.1")
    with pytest.raises(errors.SignInThrottled) as longer:
        accounts.sign_in("sam@example.org", PASSWORD)
    assert longer.value.retry_after_s == 2 * FIRST_WAIT_S
    clock.advance(2 * FIRST_WAIT_S)
    assert accounts.sign_in("sam@example.org", PASSWORD).account.role == "person"
    # A success clears the account's count: the next mistake is a free one again.
    with pytest.raises(errors.SignInRefused):
        accounts.sign_in("sam@example.org", "one slip")


def test_an_address_trying_many_accounts_is_slowed(accounts: Accounts) -> None:
    for n in range(FREE_TRIES["address"]):
        with pytest.raises(errors.SignInRefused):
            accounts.sign_in(f"guess{n}@example.org", "guess guess", address="198.51.100.2")
    with pytest.raises(errors.SignInThrottled):
        accounts.sign_in("sam@example.org", PASSWORD, address="198.51.100.2")
    assert accounts.sign_in("sam@example.org", PASSWORD, address="198.51.100.3")


def test_sessions_end_after_their_idle_and_absolute_timeouts(
    accounts: Accounts, clock: FakeClock
) -> None:
    admin = signed_in(accounts, "admin@example.org", clock)
    clock.advance(29 * 60)
    assert accounts.current(admin.token) is not None  # used within 30 minutes: still signed in
    clock.advance(30 * 60)
    assert accounts.current(admin.token) is None  # 30 minutes idle
    # A person's own device: 30 days idle, 90 days at most however often it is used.
    sam = signed_in(accounts, "sam@example.org", clock)
    for _ in range(3):
        clock.advance(29 * 24 * 3600)
        assert accounts.current(sam.token) is not None
    clock.advance(4 * 24 * 3600)
    assert accounts.current(sam.token) is None  # 91 days after signing in


def test_a_person_sees_and_ends_their_own_sessions(accounts: Accounts, clock: FakeClock) -> None:
    first = signed_in(accounts, "sam@example.org", clock, agent="Firefox")
    second = signed_in(accounts, "sam@example.org", clock, agent="Chromium")
    assert first.token != second.token
    listed = accounts.sessions(first.account.id, current_login=second.login_id)
    assert [(s.agent, s.current) for s in listed] == [("Chromium", True), ("Firefox", False)]
    assert accounts.revoke(first.account.id, first.login_id)
    assert accounts.current(first.token) is None
    assert accounts.current(second.token) is not None
    assert not accounts.revoke(first.account.id + 99, second.login_id)  # not theirs
    assert accounts.current(second.token) is not None


def test_the_local_person_becomes_a_patient_account_with_nothing_lost(
    application: Application,
) -> None:
    store = application.workspace.open_store()
    eight_weeks(store, "improving", dt.date(2026, 6, 10))
    local = store.local_person()
    sessions_before = store.sessions(local)
    made = application.accounts().create_first_administrator("Home", "admin@example.org", PASSWORD)
    assert made.claim_link is not None
    assert made.claim_link.startswith("https://unknot.example.org/claim/")
    token = made.claim_link.rsplit("/", 1)[1]
    accounts = application.accounts()
    with pytest.raises(errors.PasswordRejected):
        accounts.claim(token, "sam@example.org", "password")
    signed = accounts.claim(token, "Sam@Example.org", PASSWORD)
    assert (signed.account.role, signed.account.person_id) == ("person", local)
    assert store.sessions(local) == sessions_before
    assert application.acting_as(local).progress_report(8).adherence.total_sessions == len(
        [s for s in sessions_before if s.status == "finished"]
    )
    with pytest.raises(errors.LinkNotValid):
        accounts.claim(token, "someone@example.org", PASSWORD)
    assert accounts.sign_in("sam@example.org", PASSWORD).account.person_id == local
    # The login-free app no longer finds that person: nobody reaches their records unsigned.
    assert store.find_local_person() is None


def test_the_audit_log_is_append_only_and_chained(
    application: Application, accounts: Accounts
) -> None:
    with pytest.raises(errors.SignInRefused):
        accounts.sign_in("sam@example.org", "wrong wrong", address="192.0.2.1")
    accounts.sign_in("sam@example.org", PASSWORD, address="192.0.2.1")
    actions = [e.action for e in accounts.audit()]
    assert actions == ["account_created", "sign_in_failed", "sign_in"]
    assert accounts.audit_chain_breaks() == []
    engine = accounts.records.engine
    for statement in ("UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as db:
            db.execute(sqlalchemy.text(statement))
    assert [e.action for e in accounts.audit()] == actions


def test_a_row_changed_behind_the_database_breaks_the_chain(accounts: Accounts) -> None:
    accounts.sign_in("sam@example.org", PASSWORD)
    engine = accounts.records.engine
    trigger = (
        "DROP TRIGGER audit_log_append_only ON audit_log"
        if engine.dialect.name == "postgresql"
        else "DROP TRIGGER audit_log_no_update"
    )
    with engine.begin() as db:
        db.execute(sqlalchemy.text(trigger))
        db.execute(sqlalchemy.text("UPDATE audit_log SET address = '10.0.0.1' WHERE id = 2"))
    assert accounts.audit_chain_breaks() == [2]


def test_audit_rows_written_at_once_keep_one_chain(accounts: Accounts) -> None:
    def write(n: int) -> None:
        for i in range(10):
            accounts.records.append_audit(
                at=dt.datetime(2026, 6, 10, tzinfo=dt.UTC), action=f"test_{n}_{i}"
            )

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(accounts.audit()) == 41
    assert accounts.audit_chain_breaks() == []


def test_an_administrator_enrols_a_second_factor_at_the_first_sign_in(
    accounts: Accounts, clock: FakeClock
) -> None:
    import pyotp

    first = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(first, SecondStep)
    assert first.enrol
    assert first.secret is not None
    assert first.otpauth_uri is not None
    assert first.otpauth_uri.startswith("otpauth://totp/unknot:admin%40example.org?secret=")
    totp = pyotp.TOTP(first.secret)
    now = instant(clock.now())
    with pytest.raises(errors.SignInRefused, match="not right"):
        accounts.complete_sign_in(first.token, "000000" if totp.at(now) != "000000" else "111111")
    # One step of drift either side is accepted: a phone 30 seconds behind still works.
    behind = totp.at(now - dt.timedelta(seconds=30))
    signed = accounts.complete_sign_in(first.token, behind)
    assert len(signed.recovery_codes) == 10
    assert len(set(signed.recovery_codes)) == 10
    assert accounts.current(signed.token) is not None
    with pytest.raises(errors.LinkNotValid):  # the second step's link is used
        accounts.complete_sign_in(first.token, totp.at(now))
    # Enrolled: the secret is never shown again.
    again = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(again, SecondStep)
    assert (again.enrol, again.secret, again.otpauth_uri) == (False, None, None)
    # A code already taken (the same step, or an earlier one) is refused.
    with pytest.raises(errors.SignInRefused, match="used already"):
        accounts.complete_sign_in(again.token, behind)
    assert accounts.complete_sign_in(again.token, totp.at(now)).recovery_codes == []


def test_a_recovery_code_works_once_and_codes_are_rate_limited(
    accounts: Accounts, clock: FakeClock
) -> None:
    first = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(first, SecondStep)
    codes = accounts.complete_sign_in(
        first.token, code_for(accounts, "admin@example.org", clock)
    ).recovery_codes
    step = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(step, SecondStep)
    assert accounts.complete_sign_in(step.token, codes[0].upper()).account.role == "admin"
    step = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(step, SecondStep)
    with pytest.raises(errors.SignInRefused):
        accounts.complete_sign_in(step.token, codes[0])
    for _ in range(4):
        with pytest.raises(errors.SignInRefused):
            accounts.complete_sign_in(step.token, "123 456")
    with pytest.raises(errors.SignInThrottled):
        accounts.complete_sign_in(step.token, codes[1])
    # The second step lasts 5 minutes.
    clock.advance(6 * 60)
    with pytest.raises(errors.LinkNotValid):
        accounts.complete_sign_in(step.token, codes[1])
    actions = [e.action for e in accounts.audit()]
    assert "mfa_enrolled" in actions
    assert actions.count("second_step_failed") == 5


def test_a_sign_in_list_names_browsers_as_people_do() -> None:
    from unknot.services.wording import browser_words

    firefox = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
    chrome = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/156.0.0.0 Safari/537.36"
    )
    safari = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    )
    assert browser_words(firefox) == "Firefox on Android"
    assert browser_words(chrome) == "Chrome on Linux"
    assert browser_words(safari) == "Safari on iPhone"
    assert browser_words(None) == "An unknown browser"
    assert browser_words("curl/8.5") == "A browser"


def test_adding_a_passkey_needs_a_recent_password_and_a_real_credential(
    application: Application, accounts: Accounts, clock: FakeClock
) -> None:
    passkeys = application.passkeys()
    signed = signed_in(accounts, "sam@example.org", clock)
    current = accounts.current(signed.token)
    assert current is not None
    first = passkeys.registration_options(current)
    assert '"userVerification": "required"' in first.options
    clock.advance(6 * 60)
    stale = accounts.current(signed.token)
    assert stale is not None
    with pytest.raises(errors.PasswordAgain):
        passkeys.registration_options(stale)
    forged = {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}
    with pytest.raises(errors.PasskeyRefused, match="took too long"):
        passkeys.register(stale, first.challenge_id, forged, "x")  # its 5 minutes are over
    accounts.confirm_password(stale, PASSWORD)
    fresh = accounts.current(signed.token)
    assert fresh is not None
    options = passkeys.registration_options(fresh)
    with pytest.raises(errors.PasskeyRefused, match="could not be checked"):
        passkeys.register(fresh, options.challenge_id, forged, "x")
    with pytest.raises(errors.PasskeyRefused, match="answered already"):
        passkeys.register(fresh, options.challenge_id, forged, "x")
    assert passkeys.passkeys(fresh.account.id) == []
    with pytest.raises(errors.PasskeyRefused, match="did not sign you in"):
        passkeys.sign_in(passkeys.sign_in_options().challenge_id, forged)


def test_changing_the_password_ends_the_other_sign_ins_and_gives_a_new_session(
    accounts: Accounts, clock: FakeClock
) -> None:
    here = signed_in(accounts, "sam@example.org", clock)
    there = signed_in(accounts, "sam@example.org", clock)
    current = accounts.current(here.token)
    assert current is not None
    with pytest.raises(errors.SignInRefused):
        accounts.change_password(current, "not it at all", "a brand new phrase")
    with pytest.raises(errors.PasswordRejected):
        accounts.change_password(current, PASSWORD, "password")
    renewed = accounts.change_password(current, PASSWORD, "a brand new phrase")
    assert renewed.token not in (here.token, there.token)
    assert accounts.current(here.token) is None
    assert accounts.current(there.token) is None
    assert accounts.current(renewed.token) is not None
    assert signed_in(accounts, "sam@example.org", clock, password="a brand new phrase")


def test_an_administrator_changes_a_clinicians_role_and_their_sign_in_ends(
    accounts: Accounts, clock: FakeClock
) -> None:
    from tests.signing import add_account

    organisation = accounts.records.organisations()[0][0]
    kim = add_account(accounts, organisation, "kim@example.org", role="clinician")
    members = {a.email: a for a in accounts.members(organisation)}
    admin, sam = members["admin@example.org"], members["sam@example.org"]
    kims = signed_in(accounts, "kim@example.org", clock)
    made = accounts.change_role(admin, kim.id, "admin")
    assert made.role == "admin"
    assert accounts.current(kims.token) is None  # a new session under the new role
    with pytest.raises(errors.AccountProblem, match="stays a person"):
        accounts.change_role(admin, sam.id, "clinician")
    with pytest.raises(errors.AccountProblem, match="Only an administrator"):
        accounts.change_role(sam, kim.id, "clinician")
    with pytest.raises(errors.AccountProblem, match="your own account"):
        accounts.change_role(admin, admin.id, "clinician")
    assert [e.detail for e in accounts.audit() if e.action == "role_changed"] == [
        {"from": "clinician", "to": "admin"}
    ]


def test_reset_emails_are_limited_to_a_few_an_hour(
    application: Application, accounts: Accounts, clock: FakeClock
) -> None:
    for _ in range(5):
        accounts.request_reset("sam@example.org")
    asked = [e for e in accounts.audit() if e.action == "password_reset_requested"]
    assert len(asked) == 3
    clock.advance(3601)
    accounts.request_reset("sam@example.org")
    asked = [e for e in accounts.audit() if e.action == "password_reset_requested"]
    assert len(asked) == 4


def store_unsealed_key(accounts: Accounts, account_id: int) -> str:
    """An authenticator key as stored before keys were sealed (plain base32); the key."""
    import pyotp

    plain = pyotp.random_base32()
    with accounts.records.engine.begin() as db:
        db.execute(
            sqlalchemy.text(
                "UPDATE accounts SET totp_secret = :s, totp_last_step = NULL WHERE id = :i"
            ),
            {"s": plain, "i": account_id},
        )
    return plain


def test_authenticator_keys_are_sealed_in_the_database(
    accounts: Accounts, application: Application, clock: FakeClock
) -> None:
    import pyotp

    first = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(first, SecondStep)
    assert first.secret is not None
    row = accounts.records.account_by_email("admin@example.org")
    assert row is not None
    assert row.totp_secret is not None
    # What a dump of the database holds: neither the key nor anything it can be read from
    # without the config folder's secret.key.
    assert row.totp_secret.startswith("fernet:")
    # Another installation's secret.key opens nothing of it.
    from unknot.sealing import SecretBox

    with pytest.raises(errors.AccountProblem, match=r"another secret\.key"):
        SecretBox(b"not this installation's secret").open(row.totp_secret)
    assert application.secret_box().open(row.totp_secret) == first.secret
    accounts.complete_sign_in(first.token, pyotp.TOTP(first.secret).at(instant(clock.now())))
    # A key stored before sealing began (plain base32) still signs in.
    plain = store_unsealed_key(accounts, row.id)
    again = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(again, SecondStep)
    clock.advance(30)
    assert accounts.complete_sign_in(again.token, pyotp.TOTP(plain).at(instant(clock.now())))


def test_a_switched_off_account_signs_in_by_no_way_until_switched_on(
    accounts: Accounts, application: Application, clock: FakeClock
) -> None:
    organisation = accounts.records.organisations()[0][0]
    members = {a.email: a for a in accounts.members(organisation)}
    admin, sam = members["admin@example.org"], members["sam@example.org"]
    sams = signed_in(accounts, "sam@example.org", None)
    reset_link = accounts.make_link(sam.id, "reset")
    off = accounts.switch_off(admin, sam.id)
    assert off.switched_off
    assert accounts.current(sams.token) is None  # out at once
    with pytest.raises(errors.SignInRefused, match="switched off"):
        accounts.sign_in("sam@example.org", PASSWORD)
    with pytest.raises(errors.SignInRefused, match="switched off"):
        accounts.start_session(sam.id, None, None)  # what a passkey's sign-in ends in
    with pytest.raises(errors.LinkNotValid):
        accounts.reset_password(reset_link, "a brand new phrase")
    before = len(accounts.audit())
    accounts.request_reset("sam@example.org")  # no reset link for it either
    assert [e.action for e in accounts.audit()[before:]] == []
    # Their records stay as they were.
    assert sam.person_id is not None
    assert application.acting_as(sam.person_id).profile() is not None
    # Only an administrator of the same organisation, and not for their own account.
    with pytest.raises(errors.AccountProblem, match="Only an administrator"):
        accounts.switch_on(sam, sam.id)
    with pytest.raises(errors.AccountProblem, match="your own account"):
        accounts.switch_off(admin, admin.id)
    other = accounts.records.create_organisation("Other Clinic", accounts._now())
    stranger = accounts.records.create_account(
        organisation_id=other, role="admin", now=accounts._now(), email="x@other.example"
    )
    stranger_account = accounts.members(other)[0]
    assert stranger_account.id == stranger
    with pytest.raises(errors.NotLinked, match="No account of your organisation"):
        accounts.switch_on(stranger_account, sam.id)
    assert not accounts.switch_on(admin, sam.id).switched_off
    assert accounts.current(signed_in(accounts, "sam@example.org", None).token) is not None
    actions = [e.action for e in accounts.audit(sam.id)]
    assert {"account_switched_off", "sign_in_refused", "account_switched_on"} <= set(actions)


def test_moving_to_a_new_authenticator_app_keeps_the_old_one_until_a_new_code(
    accounts: Accounts, clock: FakeClock
) -> None:
    import pyotp

    first = signed_in(accounts, "admin@example.org", clock)
    old_codes = first.recovery_codes
    current = accounts.current(first.token)
    assert current is not None
    clock.advance(6 * 60)
    with pytest.raises(errors.PasswordAgain):
        accounts.start_new_authenticator(current)
    accounts.confirm_password(current, PASSWORD)
    current = accounts.current(first.token)  # as the next request reads it
    assert current is not None
    new = accounts.start_new_authenticator(current)
    assert new.secret is not None
    # Not in use yet: the old app still signs in, and a wrong code changes nothing.
    step = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(step, SecondStep)
    assert accounts.complete_sign_in(step.token, code_for(accounts, "admin@example.org", clock))
    with pytest.raises(errors.SignInRefused, match="not right"):
        accounts.confirm_new_authenticator(current, "000000")
    again = accounts.new_authenticator_again(current)
    assert again is not None
    assert again.secret == new.secret
    clock.advance(30)
    codes = accounts.confirm_new_authenticator(
        current, pyotp.TOTP(new.secret).at(instant(clock.now()))
    )
    assert len(codes) == 10
    assert set(codes).isdisjoint(old_codes)
    assert accounts.new_authenticator_again(current) is None
    # Now the new app's codes and new recovery codes sign in; the old ones do not.
    step = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(step, SecondStep)
    with pytest.raises(errors.SignInRefused):
        accounts.complete_sign_in(step.token, old_codes[0])
    assert accounts.complete_sign_in(step.token, codes[0])
    assert accounts.recovery_codes_left(first.account.id) == 9
    replaced = accounts.replace_recovery_codes(current)
    assert accounts.recovery_codes_left(first.account.id) == 10
    step = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(step, SecondStep)
    with pytest.raises(errors.SignInRefused):
        accounts.complete_sign_in(step.token, codes[1])
    assert accounts.complete_sign_in(step.token, replaced[0])
    actions = [e.action for e in accounts.audit(first.account.id)]
    assert {"mfa_changed", "recovery_codes_replaced"} <= set(actions)


def test_a_person_has_no_sign_in_code_to_change(accounts: Accounts) -> None:
    current = accounts.current(signed_in(accounts, "sam@example.org", None).token)
    assert current is not None
    with pytest.raises(errors.AccountProblem, match="clinicians and administrators"):
        accounts.start_new_authenticator(current)
    with pytest.raises(errors.AccountProblem, match="come with"):
        accounts.replace_recovery_codes(current)


def test_an_administrator_resets_a_lost_authenticator(
    accounts: Accounts, application: Application, clock: FakeClock
) -> None:
    organisation = accounts.records.organisations()[0][0]
    admin = accounts.members(organisation)[0]
    kim = add_account(accounts, organisation, "kim@example.org", role="clinician")
    kims = signed_in(accounts, "kim@example.org", clock)
    assert accounts.recovery_codes_left(kim.id) == 10
    application.passkeys().records.add(
        account_id=kim.id,
        credential_id="kims-phone",
        public_key="unused",
        sign_count=0,
        name="Kim's phone",
        now=accounts._now(),
    )
    with pytest.raises(errors.AccountProblem, match="no sign-in code"):
        accounts.reset_second_factor(admin, accounts.members(organisation)[1].id)  # sam
    accounts.reset_second_factor(admin, kim.id)
    assert accounts.current(kims.token) is None
    assert accounts.recovery_codes_left(kim.id) == 0
    step = accounts.sign_in("kim@example.org", PASSWORD)
    assert isinstance(step, SecondStep)
    assert step.enrol  # the next sign-in sets up a new app
    assert application.passkeys().passkeys(kim.id) == []  # the lost phone's passkey too
    assert "mfa_reset" in [e.action for e in accounts.audit(kim.id)]


def test_a_local_person_with_paired_devices_becomes_an_account_devices_and_all(
    application: Application,
) -> None:
    devices = application.devices()
    phone = devices.sign_in_computer(devices.computer_link())
    local = application.local().person_id
    # The devices' account is this computer's own: `unknot admin` still sees no accounts.
    assert not application.accounts().has_accounts()
    made = application.accounts().create_first_administrator("Home", "admin@example.org", PASSWORD)
    assert made.claim_link is not None
    accounts = application.accounts()
    row = accounts.records.account(phone.account.id)
    assert row is not None
    assert (row.organisation_id, row.person_id) == (made.organisation_id, local)
    signed = accounts.claim(made.claim_link.rsplit("/", 1)[1], "sam@example.org", PASSWORD)
    assert signed.account.id == phone.account.id


def test_no_organisation_takes_the_local_apps_own_name(application: Application) -> None:
    with pytest.raises(errors.AccountProblem, match="local app's own name"):
        application.accounts().create_first_administrator(
            "This Computer", "x@example.org", PASSWORD
        )


def test_a_new_app_set_up_and_abandoned_cannot_be_finished_later(
    accounts: Accounts, clock: FakeClock
) -> None:
    import pyotp

    first = signed_in(accounts, "admin@example.org", clock)
    other = signed_in(accounts, "admin@example.org", clock)
    current = accounts.current(first.token)
    assert current is not None
    new = accounts.start_new_authenticator(current)
    assert new.secret is not None
    # Someone with this cookie later, without the password: the waiting key is neither shown
    # nor taken.
    clock.advance(6 * 60)
    later = accounts.current(first.token)
    assert later is not None
    assert accounts.new_authenticator_again(later) is None
    with pytest.raises(errors.PasswordAgain):
        accounts.confirm_new_authenticator(later, pyotp.TOTP(new.secret).at(instant(clock.now())))
    # Given the password again, the owner finishes it, and every other sign-in ends.
    accounts.confirm_password(later, PASSWORD)
    later = accounts.current(first.token)
    assert later is not None
    accounts.confirm_new_authenticator(later, pyotp.TOTP(new.secret).at(instant(clock.now())))
    assert accounts.current(first.token) is not None
    assert accounts.current(other.token) is None


def test_only_the_newest_email_link_confirms(accounts: Accounts) -> None:
    current = accounts.current(signed_in(accounts, "sam@example.org", None).token)
    assert current is not None
    accounts.ask_email_change(current, "mine@example.org")
    # The link of that first request, as its mail carries it (only the mailbox knows it).
    mine_link = accounts.make_link(current.account.id, "email")
    accounts.ask_email_change(current, "victim@example.org")
    with pytest.raises(errors.LinkNotValid):
        accounts.confirm_email_change(mine_link)
    assert accounts.records.account_by_email("victim@example.org") is None
    # Three requests an hour at most.
    accounts.ask_email_change(current, "third@example.org")
    with pytest.raises(errors.AccountProblem, match="last hour"):
        accounts.ask_email_change(current, "fourth@example.org")


def test_switched_off_between_the_password_and_the_code_uses_nothing_up(
    accounts: Accounts, clock: FakeClock
) -> None:
    organisation = accounts.records.organisations()[0][0]
    admin = accounts.members(organisation)[0]
    kim = add_account(accounts, organisation, "kim@example.org", role="clinician")
    codes = signed_in(accounts, "kim@example.org", clock).recovery_codes
    step = accounts.sign_in("kim@example.org", PASSWORD)
    assert isinstance(step, SecondStep)
    accounts.switch_off(admin, kim.id)
    with pytest.raises(errors.SignInRefused, match="switched off"):
        accounts.complete_sign_in(step.token, codes[0])
    assert accounts.recovery_codes_left(kim.id) == 10
    assert [e.action for e in accounts.audit(kim.id)][-1] == "sign_in_refused"


def test_a_key_stored_before_sealing_is_sealed_at_its_next_use(
    accounts: Accounts, clock: FakeClock
) -> None:
    import pyotp

    signed_in(accounts, "admin@example.org", clock)
    row = accounts.records.account_by_email("admin@example.org")
    assert row is not None
    plain = store_unsealed_key(accounts, row.id)
    step = accounts.sign_in("admin@example.org", PASSWORD)
    assert isinstance(step, SecondStep)
    clock.advance(30)
    accounts.complete_sign_in(step.token, pyotp.TOTP(plain).at(instant(clock.now())))
    after = accounts.records.account(row.id)
    assert after is not None
    assert after.totp_secret is not None
    assert after.totp_secret.startswith("fernet:")
    assert accounts.app.secret_box().open(after.totp_secret) == plain
