"""Accounts on the shared server (issue 20): organisations, sign-in, sign-in sessions, one-time
links and the audit log.

A local unknot has no accounts: the one person is served without a login. These use cases are
the application's, not a person's (nobody is signed in yet when they run); `Application.
accounts()` gives them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from functools import cache
from typing import TYPE_CHECKING, Final, Literal

from pydantic import BaseModel

from unknot.clock import instant
from unknot.services import errors
from unknot.storage.tables import LOCAL_ORGANISATION

SEALED: Final = "fernet:"
"""How a sealed secret starts (unknot.sealing.PREFIX, named here so that this module does not
import the cipher until it needs it)."""

if TYPE_CHECKING:
    import pyotp
    from argon2 import PasswordHasher

    from unknot.services.application import Application
    from unknot.storage.accounts import AccountRow, AccountStore, LoginSessionRow

Role = Literal["person", "clinician", "admin"]
LinkPurpose = Literal["invitation", "reset", "claim", "second_step", "email", "computer"]

# NIST SP 800-63B-4 (2024), 3.1.1.2: at least 8 characters when a password is one factor of
# several, 15 alone, no composition rules, and a check against commonly used passwords. We take
# 8 for everyone (the issue's floor) and refuse the common ones; the upper bound only stops a
# megabyte "password" from costing a hash.
PASSWORD_MIN: Final = 8
PASSWORD_MAX: Final = 256

# How long a sign-in lasts: (idle, absolute). A person on their own device stays signed in for
# weeks; clinicians and administrators see other people's data, so theirs end within a day.
TIMEOUTS: Final[dict[str, tuple[dt.timedelta, dt.timedelta]]] = {
    "person": (dt.timedelta(days=30), dt.timedelta(days=90)),
    "clinician": (dt.timedelta(minutes=30), dt.timedelta(hours=12)),
    "admin": (dt.timedelta(minutes=30), dt.timedelta(hours=12)),
}
# Changing the password, e-mail, MFA or passkeys, exporting everything or deleting the account
# asks for the password again unless the person signed in this recently.
REAUTH_WITHIN: Final = dt.timedelta(minutes=5)
# A last_seen write at most this often: every request reads the session, few need to write it.
TOUCH_EVERY: Final = dt.timedelta(minutes=1)

LINK_LIFETIMES: Final[dict[str, dt.timedelta]] = {
    "invitation": dt.timedelta(days=7),
    "reset": dt.timedelta(minutes=30),
    "claim": dt.timedelta(days=7),
    # Between the password and the code: long enough to open an authenticator app.
    "second_step": dt.timedelta(minutes=5),
    # A new e-mail address, confirmed from its own mailbox.
    "email": dt.timedelta(days=1),
    # The computer's own browser on the local app when it listens beyond loopback (issue 21).
    "computer": dt.timedelta(minutes=15),
}

# Clinicians and administrators see other people's data or manage their accounts: a password
# alone does not sign them in (a passkey with user verification, later, or password and TOTP).
SECOND_FACTOR_ROLES: Final = frozenset({"clinician", "admin"})
# RFC 6238 codes: 30-second steps, one step of clock drift either side.
TOTP_DRIFT_STEPS: Final = 1
RECOVERY_CODE_COUNT: Final = 10
ISSUER: Final = "unknot"

# Failed sign-ins: free tries within the window, then a wait that doubles with each failure
# (30 s, 1 min, 2 min ...) up to the cap. Per account (the e-mail typed, whether or not it has an
# account) and per address; an address gets more, as a household or clinic shares one.
FAILURE_WINDOW: Final = dt.timedelta(minutes=15)
FREE_TRIES: Final = {"account": 5, "address": 20, "code": 5}
FIRST_WAIT_S: Final = 30
LONGEST_WAIT_S: Final = 15 * 60

RESETS_PER_HOUR: Final = 3

# At most two Argon2id hashes at once per process: each takes 64 MiB (RFC 9106's second
# recommended option), and a burst of sign-ins must not take the machine's memory.
_HASHING = threading.BoundedSemaphore(2)


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher
    from argon2.profiles import RFC_9106_LOW_MEMORY

    return PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)


@cache
def _dummy_hash() -> str:
    # Verified against when no account has the e-mail, so a miss costs what a hit does.
    return _hasher().hash(secrets.token_urlsafe(16))


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's list (from leaked password sets)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why a new password will not do, or None."""
    if len(password) < PASSWORD_MIN:
        return f"Choose a password of at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Choose a password of at most {PASSWORD_MAX} characters."
    folded = password.lower()
    if folded in common_passwords() or len(set(folded)) <= 2:
        return "That password is one of the most common ones. Choose another: a few words work."
    if email and folded in (email.lower(), email.split("@")[0].lower()):
        return "Choose a password that is not your e-mail address."
    return None


def hash_password(password: str) -> str:
    with _HASHING:
        return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    with _HASHING:
        try:
            return _hasher().verify(stored or _dummy_hash(), password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def normal_email(email: str) -> str:
    """The e-mail as stored: trimmed, lower case. Raises AccountProblem if it is not one."""
    folded = email.strip().lower()
    name, at, domain = folded.partition("@")
    if not name or not at or "." not in domain or len(folded) > 254 or " " in folded:
        raise errors.AccountProblem(f"{email.strip()!r} is not an e-mail address.")
    return folded


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Account(BaseModel):
    id: int
    organisation_id: int
    email: str | None
    role: Role
    person_id: int | None
    switched_off: bool = False
    """An administrator switched it off: no sign-in until switched on."""


class SignedIn(BaseModel):
    """A new sign-in session: `token` goes in the cookie and is stored only as its hash."""

    token: str
    account: Account
    login_id: int
    expires_at: dt.datetime
    lifetime_s: int
    """Seconds until `expires_at`: the cookie's Max-Age (the browser's clock need not agree
    with the server's)."""
    recovery_codes: list[str] = []
    """At enrolment only: the ten single-use codes, shown this once and stored hashed."""


class SecondStep(BaseModel):
    """The password was right; a code must follow within 5 minutes. `token` goes in the code
    form (it is the second step's one-time link)."""

    token: str
    account: Account
    enrol: bool
    """No confirmed authenticator yet: `secret` and `otpauth_uri` are shown, this once."""
    secret: str | None = None
    otpauth_uri: str | None = None


class CurrentSignIn(BaseModel):
    """The account a request's cookie names, and its sign-in session."""

    account: Account
    login_id: int
    authenticated_at: dt.datetime
    kind: str | None = None
    """On the local app's network (issue 21): "computer" or "device"."""

    def recently_authenticated(self, now: dt.datetime) -> bool:
        return now - self.authenticated_at <= REAUTH_WITHIN


class LoginSession(BaseModel):
    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    address: str | None
    agent: str | None
    current: bool
    kind: str | None = None
    """On the local app's network (issue 21): "computer" or "device"."""
    device_name: str | None = None


class AuditEntry(BaseModel):
    at: dt.datetime
    action: str
    actor_account_id: int | None
    subject_account_id: int | None
    address: str | None
    detail: dict[str, object]


class Invitation(BaseModel):
    """An account made for someone, and how its one-time link reaches them."""

    account: Account
    link: str
    """Shown to the administrator only when it could not be e-mailed."""
    mailed: bool
    mail_problem: str | None = None


class FirstAdministrator(BaseModel):
    organisation_id: int
    admin: Account
    claim_link: str | None
    """For an upgraded local install: the one-time link where the local person sets their
    e-mail and password."""


def _account(row: AccountRow) -> Account:
    role: Role = (
        "admin" if row.role == "admin" else "clinician" if row.role == "clinician" else "person"
    )
    return Account(
        id=row.id,
        organisation_id=row.organisation_id,
        email=row.email,
        role=role,
        person_id=row.person_id,
        switched_off=row.disabled_at is not None,
    )


class Accounts:
    """The account use cases of one application."""

    def __init__(self, app: Application) -> None:
        self.app = app

    @property
    def records(self) -> AccountStore:
        """The account tables of the application's database as it is now: after the database
        is closed and opened again (tests, a server's restart of its pool) this is the new
        engine, never a disposed one whose new connections nobody would close."""
        from unknot.storage.accounts import AccountStore

        return AccountStore(self.app._store)

    def _now(self) -> dt.datetime:
        return instant(self.app.clock.now())

    # Setting up ---------------------------------------------------------------------------------

    def create_first_administrator(
        self, organisation: str, email: str, password: str
    ) -> FirstAdministrator:
        """The first organisation and its administrator. A local person already in the
        database becomes a patient account of it, with a one-time link to set their e-mail and
        password. Raises AccountProblem once any account exists, PasswordRejected for a weak
        password."""
        records = self.records
        if records.count_accounts():
            raise errors.AccountProblem(
                "This unknot already has accounts: an administrator invites the next ones."
            )
        name = organisation.strip()
        if not 1 <= len(name) <= 120:
            raise errors.AccountProblem("Give the organisation a name of 1 to 120 characters.")
        if name.casefold() == LOCAL_ORGANISATION:
            raise errors.AccountProblem(f"{name!r} is the local app's own name: choose another.")
        address = normal_email(email)
        problem = password_problem(password, address)
        if problem:
            raise errors.PasswordRejected(problem)
        now = self._now()
        organisation_id = records.create_organisation(name, now)
        admin_id = records.create_account(
            organisation_id=organisation_id,
            role="admin",
            now=now,
            email=address,
            password_hash=hash_password(password),
        )
        records.append_audit(
            at=now,
            action="account_created",
            subject_account_id=admin_id,
            detail={"role": "admin", "by": "unknot admin"},
        )
        adopted = records.adopt_local_person(organisation_id, now)
        link = None
        if adopted is not None:
            records.append_audit(at=now, action="local_person_adopted", subject_account_id=adopted)
            link = self.link_url(self.make_link(adopted, "claim"), "claim")
        admin = records.account(admin_id)
        assert admin is not None
        return FirstAdministrator(
            organisation_id=organisation_id, admin=_account(admin), claim_link=link
        )

    def has_accounts(self) -> bool:
        return self.records.count_accounts() > 0

    def members(self, organisation_id: int) -> list[Account]:
        """The organisation's accounts, oldest first (for its administrators)."""
        return [_account(row) for row in self.records.accounts(organisation_id)]

    # Invitations and resets ----------------------------------------------------------------------

    def invite(
        self, by: Account, email: str, role: Role, *, address: str | None = None
    ) -> Invitation:
        """An administrator makes an account for `email` and sends its invitation (7 days, one
        use). A person's account gets records of its own. Raises AccountProblem if `by` is not
        an administrator or the address already has an account."""
        if by.role != "admin":
            raise errors.AccountProblem("Only an administrator invites people.")
        folded = normal_email(email)
        if self.records.account_by_email(folded) is not None:
            raise errors.AccountProblem(f"{folded} already has an account.")
        now = self._now()
        account_id = self.records.create_account(
            organisation_id=by.organisation_id,
            role=role,
            now=now,
            email=folded,
            new_person=role == "person",
        )
        self.records.append_audit(
            at=now,
            action="invitation_sent",
            actor_account_id=by.id,
            subject_account_id=account_id,
            detail={"role": role},
            address=address,
        )
        link = self.link_url(self.make_link(account_id, "invitation"), "invitation")
        row = self.records.account(account_id)
        assert row is not None
        organisation = dict(self.records.organisations()).get(by.organisation_id, "unknot")
        sent, problem = self._mail(
            folded,
            f"You are invited to unknot at {organisation}",
            f"{organisation} invites you to unknot, guided exercise for neck and upper-back "
            f"pain.\n\nChoose your password here (the link works once, for 7 days):\n{link}\n\n"
            "If you did not expect this, ignore this e-mail.",
        )
        return Invitation(account=_account(row), link=link, mailed=sent, mail_problem=problem)

    def accept_invitation(
        self, token: str, password: str, *, address: str | None = None, agent: str | None = None
    ) -> SignedIn | SecondStep:
        """The invited person chooses a password and is signed in; a clinician or an
        administrator goes on to set up their second factor first. Raises LinkNotValid or
        PasswordRejected (the link is then still unused)."""
        account_id = self._set_password_by_link(token, "invitation", password, address)
        row = self.records.account(account_id)
        assert row is not None
        if row.role in SECOND_FACTOR_ROLES:
            return self._second_step(row, self._now())
        return self._start(account_id, self._now(), address, agent)

    def request_reset(self, email: str, *, address: str | None = None) -> None:
        """Send a reset link (30 minutes, one use) if an account has this address. Says
        nothing either way: the page's answer is the same whether or not it has one."""
        try:
            folded = normal_email(email)
        except errors.AccountProblem:
            return
        row = self.records.account_by_email(folded)
        now = self._now()
        if row is None or row.disabled_at is not None:
            return
        # A few an hour per account: nobody fills a mailbox with resets (the answer is the same).
        key = f"reset:{folded}"
        sent, _latest = self.records.failures_since(key, now - dt.timedelta(hours=1))
        if sent >= RESETS_PER_HOUR:
            return
        self.records.record_failures([key], now)
        self.records.append_audit(
            at=now, action="password_reset_requested", subject_account_id=row.id, address=address
        )
        link = self.link_url(self.make_link(row.id, "reset"), "reset")
        self._mail(
            folded,
            "Reset your unknot password",
            "Someone asked to reset the password of your unknot account.\n\nChoose a new one "
            f"here (the link works once, for 30 minutes):\n{link}\n\nIf it was not you, ignore "
            "this e-mail: your password stays as it is.",
        )

    def reset_password(self, token: str, password: str, *, address: str | None = None) -> None:
        """A new password through a reset link: every sign-in session ends, and the account is
        told by e-mail. Raises LinkNotValid or PasswordRejected."""
        self._set_password_by_link(token, "reset", password, address)

    def _set_password_by_link(
        self, token: str, purpose: LinkPurpose, password: str, address: str | None
    ) -> int:
        """Set the account's password through its link, using the link; the account's id."""
        now = self._now()
        account_id = self.records.link_account(token_hash(token), purpose, now)
        if account_id is None:
            raise errors.LinkNotValid("This link has been used or has expired.")
        row = self.records.account(account_id)
        assert row is not None
        if row.disabled_at is not None:
            raise errors.LinkNotValid("This account is switched off: ask your administrator.")
        problem = password_problem(password, row.email)
        if problem:
            raise errors.PasswordRejected(problem)
        if self.records.use_link(token_hash(token), purpose, now) is None:
            raise errors.LinkNotValid("This link has been used or has expired.")
        self.records.set_password(account_id, hash_password(password), now)
        if purpose == "reset":
            self.records.revoke_logins(account_id, now)
            self.records.clear_failures(f"account:{row.email}")
        self.records.append_audit(
            at=now,
            action="password_reset" if purpose == "reset" else "invitation_accepted",
            actor_account_id=account_id,
            subject_account_id=account_id,
            address=address,
        )
        if purpose == "reset" and row.email:
            self._tell_password_changed(row.email, "every device was signed out")
        return account_id

    def _tell_password_changed(self, email: str, signed_out: str) -> None:
        """The e-mail after any change of password: the account's owner hears of it."""
        self._mail(
            email,
            "Your unknot password was changed",
            f"The password of your unknot account was just changed, and {signed_out}.\n\n"
            "If this was not you, reset it at once and tell your unknot administrator.",
        )

    def _mail(self, to: str, subject: str, text: str) -> tuple[bool, str | None]:
        """Send a message if a mail server is configured: whether it went, and why not."""
        mailer = self.app.mailer()
        if mailer is None:
            return False, "no mail server is configured (UNKNOT_SMTP_URL)"
        try:
            mailer.send(mailer.message(to, subject, text))
        except errors.MailNotSent as error:
            return False, str(error)
        return True, None

    # One-time links ------------------------------------------------------------------------------

    def make_link(self, account_id: int, purpose: LinkPurpose) -> str:
        """A new single-use token for the account; stored only as its hash."""
        token = secrets.token_urlsafe(32)
        now = self._now()
        self.records.add_link(
            token_hash=token_hash(token),
            account_id=account_id,
            purpose=purpose,
            now=now,
            expires_at=now + LINK_LIFETIMES[purpose],
        )
        return token

    def link_url(self, token: str, purpose: LinkPurpose) -> str:
        """The link as sent: built from the configured public URL, never from a request's
        Host header (which an attacker chooses)."""
        base = (self.app.public_urls or ("http://127.0.0.1:8000",))[0].rstrip("/")
        return f"{base}/{purpose}/{token}"

    def link_is_valid(self, token: str, purpose: LinkPurpose) -> bool:
        return self.records.link_account(token_hash(token), purpose, self._now()) is not None

    def claim(
        self,
        token: str,
        email: str,
        password: str,
        *,
        address: str | None = None,
        agent: str | None = None,
    ) -> SignedIn:
        """The upgraded local person sets their e-mail and password through their link, and is
        signed in. Raises LinkNotValid, AccountProblem or PasswordRejected (the link is then
        still unused)."""
        address_email = normal_email(email)
        problem = password_problem(password, address_email)
        if problem:
            raise errors.PasswordRejected(problem)
        if self.records.account_by_email(address_email) is not None:
            raise errors.AccountProblem(
                "That e-mail address already has an account: choose another."
            )
        now = self._now()
        waiting = self.records.link_account(token_hash(token), "claim", now)
        row = None if waiting is None else self.records.account(waiting)
        if row is not None and row.disabled_at is not None:
            raise errors.LinkNotValid("This account is switched off: ask your administrator.")
        account_id = self.records.use_link(token_hash(token), "claim", now)
        if account_id is None:
            raise errors.LinkNotValid("This link has been used or has expired.")
        self.records.set_email(account_id, address_email)
        self.records.set_password(account_id, hash_password(password), now)
        self.records.append_audit(
            at=now,
            action="account_claimed",
            actor_account_id=account_id,
            subject_account_id=account_id,
            address=address,
        )
        return self._start(account_id, now, address, agent)

    # Signing in ---------------------------------------------------------------------------------

    def _wait_s(self, key: str, kind: str, now: dt.datetime) -> int:
        count, latest = self.records.failures_since(key, now - FAILURE_WINDOW)
        free = FREE_TRIES[kind]
        if count < free or latest is None:
            return 0
        wait = min(FIRST_WAIT_S * 2 ** (count - free), LONGEST_WAIT_S)
        left = (latest + dt.timedelta(seconds=wait) - now).total_seconds()
        return max(0, int(left + 0.999))

    def sign_in(
        self, email: str, password: str, *, address: str | None = None, agent: str | None = None
    ) -> SignedIn | SecondStep:
        """A new sign-in session for a matching e-mail and password, or for a clinician or
        administrator the second step it needs first. Raises SignInThrottled
        after too many failures (for the account or the address), else SignInRefused: the same
        words whether or not the account exists."""
        now = self._now()
        folded = email.strip().lower()
        keys = {"account": f"account:{folded}"}
        if address:
            keys["address"] = f"address:{address}"
        wait = max(self._wait_s(key, kind, now) for kind, key in keys.items())
        if wait:
            minutes = (wait + 59) // 60
            raise errors.SignInThrottled(
                "Too many failed sign-ins. Wait "
                + (f"{wait} seconds" if wait < 60 else f"{minutes} minute{'s' * (minutes > 1)}")
                + " and try again, or reset your password.",
                wait,
            )
        row = self.records.account_by_email(folded) if len(password) <= PASSWORD_MAX else None
        if (
            not verify_password(row.password_hash if row else None, password[:PASSWORD_MAX])
            or row is None
        ):
            self.records.record_failures(list(keys.values()), now)
            self.records.append_audit(
                at=now,
                action="sign_in_failed",
                subject_account_id=row.id if row else None,
                address=address,
            )
            raise errors.SignInRefused("That e-mail and password do not match an account.")
        self.records.clear_failures(keys["account"])
        self._log_and_refuse_if_switched_off(row, now, address)
        if row.password_hash and _hasher().check_needs_rehash(row.password_hash):
            self.records.set_password(
                row.id, hash_password(password), row.password_changed_at or now
            )
        if row.role in SECOND_FACTOR_ROLES:
            return self._second_step(row, now)
        self.records.append_audit(
            at=now,
            action="sign_in",
            actor_account_id=row.id,
            subject_account_id=row.id,
            address=address,
        )
        return self._start(row.id, now, address, agent)

    def _second_step(self, row: AccountRow, now: dt.datetime) -> SecondStep:
        import pyotp

        self._refuse_if_switched_off(row)
        if row.totp_confirmed_at is None:
            self.records.set_totp_secret(row.id, self.app.secret_box().seal(pyotp.random_base32()))
        return self.second_step_again(self.make_link(row.id, "second_step"))

    def _totp(self, sealed: str) -> pyotp.TOTP:
        import pyotp

        return pyotp.TOTP(self.app.secret_box().open(sealed))

    def _log_and_refuse_if_switched_off(
        self, row: AccountRow, now: dt.datetime, address: str | None
    ) -> None:
        """A sign-in that got as far as the password for a switched-off account: logged as
        refused, then refused."""
        if row.disabled_at is None:
            return
        self.records.append_audit(
            at=now,
            action="sign_in_refused",
            subject_account_id=row.id,
            detail={"why": "switched off"},
            address=address,
        )
        self._refuse_if_switched_off(row)

    def _refuse_if_switched_off(self, row: AccountRow) -> None:
        """The one rule for a switched-off account: no new sign-in of any kind."""
        if row.disabled_at is not None:
            raise errors.SignInRefused(
                "This account is switched off. Ask your unknot administrator to switch it on."
            )

    def second_step_again(self, token: str) -> SecondStep:
        """The second step's page once more (after a wrong code): an enrolment shows its
        unconfirmed key again; a confirmed one never does. Raises LinkNotValid."""
        account_id = self.records.link_account(token_hash(token), "second_step", self._now())
        row = None if account_id is None else self.records.account(account_id)
        if row is None or row.totp_secret is None:
            raise errors.LinkNotValid("Sign in again: the time for the code is over.")
        if row.totp_confirmed_at is not None:
            return SecondStep(token=token, account=_account(row), enrol=False)
        totp = self._totp(row.totp_secret)
        uri = totp.provisioning_uri(name=row.email or str(row.id), issuer_name=ISSUER)
        return SecondStep(
            token=token, account=_account(row), enrol=True, secret=totp.secret, otpauth_uri=uri
        )

    def complete_sign_in(
        self, token: str, code: str, *, address: str | None = None, agent: str | None = None
    ) -> SignedIn:
        """The second step: a code from the authenticator (one step of drift either side, each
        step's code taken once) or, once enrolled, one of the recovery codes. The first good
        code confirms an enrolment, and its recovery codes come back this once. Raises
        LinkNotValid (the 5 minutes are over), SignInThrottled or SignInRefused."""
        now = self._now()
        account_id = self.records.link_account(token_hash(token), "second_step", now)
        row = None if account_id is None else self.records.account(account_id)
        if row is None or row.totp_secret is None:
            raise errors.LinkNotValid("Sign in again: the time for the code is over.")
        # Switched off between the password and the code: nothing is used up or logged as a
        # sign-in.
        self._log_and_refuse_if_switched_off(row, now, address)
        key = f"code:{row.id}"
        wait = self._wait_s(key, "code", now)
        if wait:
            raise errors.SignInThrottled(
                f"Too many wrong codes. Wait {wait} seconds and try again.", wait
            )
        typed = "".join(code.split()).replace("-", "")
        try:
            matched = _matching_step(self._totp(row.totp_secret), typed, now)
        except errors.AccountProblem:
            # Sealed under a secret.key this server no longer has (a restore without it): the
            # app's codes cannot be checked, and the recovery codes, only hashed, still work.
            matched = None
        enrolling = row.totp_confirmed_at is None
        accepted = False
        how = "totp"
        if matched is not None:
            accepted = self.records.take_totp_step(row.id, matched, now)
            if not accepted:
                how = "code already used"
        elif not enrolling and self.records.use_recovery_code(
            row.id, token_hash(typed.lower()), now
        ):
            accepted, how = True, "recovery code"
        if not accepted:
            self.records.record_failures([key], now)
            self.records.append_audit(
                at=now, action="second_step_failed", subject_account_id=row.id, address=address
            )
            raise errors.SignInRefused(
                "That code was used already: wait for the next one."
                if how == "code already used"
                else "That code is not right. Type the 6 digits your authenticator shows now."
            )
        if self.records.use_link(token_hash(token), "second_step", now) is None:
            raise errors.LinkNotValid("Sign in again: the time for the code is over.")
        self.records.clear_failures(key)
        if matched is not None and not row.totp_secret.startswith(SEALED):
            # Stored before keys were sealed (migration 0015): sealed now, at its first use.
            self.records.reseal_totp_secret(
                row.id, row.totp_secret, self.app.secret_box().seal(row.totp_secret)
            )
        codes: list[str] = []
        if enrolling:
            codes = self._new_recovery_codes(row.id)
            self.records.append_audit(
                at=now,
                action="mfa_enrolled",
                actor_account_id=row.id,
                subject_account_id=row.id,
                address=address,
            )
        self.records.append_audit(
            at=now,
            action="sign_in",
            actor_account_id=row.id,
            subject_account_id=row.id,
            detail={"second_factor": how},
            address=address,
        )
        signed = self._start(row.id, now, address, agent)
        return signed.model_copy(update={"recovery_codes": codes})

    def start_session(
        self,
        account_id: int,
        address: str | None,
        agent: str | None,
        *,
        kind: str | None = None,
        device_name: str | None = None,
    ) -> SignedIn:
        """A new sign-in session for an account whose sign-in was checked elsewhere (a
        passkey's, the computer's link, a paired device's)."""
        return self._start(account_id, self._now(), address, agent, kind, device_name)

    def _new_recovery_codes(self, account_id: int) -> list[str]:
        """Ten new single-use codes in place of any left, stored hashed; shown once."""
        codes = [
            "-".join(secrets.token_hex(5)[i : i + 5] for i in (0, 5))
            for _ in range(RECOVERY_CODE_COUNT)
        ]
        self.records.replace_recovery_codes(
            account_id, [token_hash(c.replace("-", "")) for c in codes]
        )
        return codes

    def _start(
        self,
        account_id: int,
        now: dt.datetime,
        address: str | None,
        agent: str | None,
        kind: str | None = None,
        device_name: str | None = None,
    ) -> SignedIn:
        row = self.records.account(account_id)
        assert row is not None
        self._refuse_if_switched_off(row)
        idle, absolute = TIMEOUTS[row.role]
        token = secrets.token_urlsafe(32)
        login_id = self.records.add_login(
            token_hash=token_hash(token),
            account_id=account_id,
            now=now,
            expires_at=now + absolute,
            idle_s=int(idle.total_seconds()),
            address=address,
            agent=(agent or "")[:200] or None,
            kind=kind,
            device_name=device_name,
        )
        return SignedIn(
            token=token,
            account=_account(row),
            login_id=login_id,
            expires_at=now + absolute,
            lifetime_s=int(absolute.total_seconds()),
        )

    def current(self, token: str | None) -> CurrentSignIn | None:
        """The account a cookie's token names while its session lasts: not revoked, within
        its absolute lifetime and used within its idle timeout."""
        if not token or len(token) > 100:
            return None
        found = self.records.login_and_account(token_hash(token))
        now = self._now()
        if found is None or not _alive(found[0], now):
            return None
        login, row = found
        if row.disabled_at is not None:
            return None
        if now - login.last_seen_at >= TOUCH_EVERY:
            self.records.touch_login(login.id, now)
        return CurrentSignIn(
            account=_account(row),
            login_id=login.id,
            authenticated_at=login.authenticated_at,
            kind=login.kind,
        )

    def change_password(
        self,
        current: CurrentSignIn,
        old: str,
        new: str,
        *,
        address: str | None = None,
        agent: str | None = None,
    ) -> SignedIn:
        """A new password, given the current one (that is the re-authentication). Every other
        sign-in session ends, this one gets a new id, and the account is told by e-mail.
        Raises SignInRefused, SignInThrottled or PasswordRejected."""
        self.confirm_password(current, old, address=address)
        row = self.records.account(current.account.id)
        assert row is not None
        problem = password_problem(new, row.email)
        if problem:
            raise errors.PasswordRejected(problem)
        now = self._now()
        self.records.set_password(row.id, hash_password(new), now)
        self.records.revoke_logins(row.id, now)
        self.records.append_audit(
            at=now,
            action="password_changed",
            actor_account_id=row.id,
            subject_account_id=row.id,
            address=address,
        )
        if row.email:
            self._tell_password_changed(row.email, "your other devices were signed out")
        return self._start(row.id, now, address, agent)

    def change_role(self, by: Account, account_id: int, role: Role) -> Account:
        """An administrator makes a clinician an administrator or back. A person's account
        keeps its role (its records are theirs). The account's sign-ins end, so its next one
        is a new session under the new role. Raises AccountProblem."""
        row = self._member(by, account_id)
        if row.role == "person" or role == "person":
            raise errors.AccountProblem(
                "A person's account stays a person's: invite them again as a clinician."
            )
        now = self._now()
        self.records.set_role(row.id, role)
        self.records.revoke_logins(row.id, now)
        self.records.append_audit(
            at=now,
            action="role_changed",
            actor_account_id=by.id,
            subject_account_id=row.id,
            detail={"from": row.role, "to": role},
        )
        changed = self.records.account(row.id)
        assert changed is not None
        return _account(changed)

    def _member(self, by: Account, account_id: int) -> AccountRow:
        """Another account of the administrator's organisation. Raises AccountProblem."""
        if by.role != "admin":
            raise errors.AccountProblem("Only an administrator manages accounts.")
        row = self.records.account(account_id)
        if row is None or row.organisation_id != by.organisation_id:
            raise errors.NotLinked("No account of your organisation has that number.")
        if row.id == by.id:
            raise errors.AccountProblem("Another administrator does that for your own account.")
        return row

    def switch_off(self, by: Account, account_id: int, *, address: str | None = None) -> Account:
        """An administrator switches an account off: its sign-ins end at once and no new one
        starts (password, passkey, link or reset) until it is switched on. Its records stay
        as they are. Raises AccountProblem."""
        row = self._member(by, account_id)
        now = self._now()
        self.records.set_disabled(row.id, now)
        self.records.revoke_logins(row.id, now)
        self._record_change(row, "account_switched_off", by=by.id, address=address)
        return self._fresh(row.id)

    def switch_on(self, by: Account, account_id: int, *, address: str | None = None) -> Account:
        row = self._member(by, account_id)
        self.records.set_disabled(row.id, None)
        self._record_change(row, "account_switched_on", by=by.id, address=address)
        return self._fresh(row.id)

    def reset_second_factor(
        self, by: Account, account_id: int, *, address: str | None = None
    ) -> Account:
        """An administrator clears a clinician's or administrator's authenticator and recovery
        codes (a lost phone, once they know it is the right person): its sign-ins end, and the
        next sign-in sets up a new authenticator. The account is told by e-mail. Raises
        AccountProblem."""
        row = self._member(by, account_id)
        if row.role not in SECOND_FACTOR_ROLES:
            raise errors.AccountProblem("A person's account has no sign-in code to reset.")
        self.records.clear_second_factor(row.id)
        self.records.revoke_logins(row.id, self._now())
        # A passkey on the lost phone would still count as the second factor.
        self.app.passkeys().records.remove_all(row.id)
        self._record_change(
            row,
            "mfa_reset",
            by=by.id,
            address=address,
            tell=(
                "Your unknot sign-in code was reset",
                "An administrator of your unknot cleared the authenticator app and the passkeys "
                "of your account, and every device was signed out. At your next sign-in you "
                "will set up a new app.\n\nIf you did not ask for this, tell your unknot "
                "administrator at once.",
            ),
        )
        return self._fresh(row.id)

    def _record_change(
        self,
        row: AccountRow,
        action: str,
        *,
        by: int | None = None,
        address: str | None = None,
        tell: tuple[str, str] | None = None,
    ) -> None:
        """Log a change to the account (made by `by`, else its owner), and tell its address
        by e-mail (subject, text) when there is something it should hear of."""
        self.records.append_audit(
            at=self._now(),
            action=action,
            actor_account_id=row.id if by is None else by,
            subject_account_id=row.id,
            address=address,
        )
        if tell is not None and row.email:
            self._mail(row.email, *tell)

    def _fresh(self, account_id: int) -> Account:
        row = self.records.account(account_id)
        assert row is not None
        return _account(row)

    def _recent_or_refuse(self, current: CurrentSignIn) -> AccountRow:
        """The account, if its password (or a passkey) was given in the last 5 minutes of this
        sign-in. Raises PasswordAgain."""
        if not self.recently_signed_in(current):
            raise errors.PasswordAgain("Confirm your password first: it was over 5 minutes ago.")
        row = self.records.account(current.account.id)
        assert row is not None
        return row

    def ask_email_change(
        self, current: CurrentSignIn, email: str, *, address: str | None = None
    ) -> str:
        """Send a confirmation link to a new address; the account's address changes only when
        that link is opened (a day, once). The address the link went to. The same answer
        whether or not the address has an account already: that one's mailbox is told instead.
        Raises PasswordAgain or AccountProblem."""
        row = self._recent_or_refuse(current)
        folded = normal_email(email)
        if folded == row.email:
            raise errors.AccountProblem("That is your address already.")
        now = self._now()
        key = f"email-change:{row.id}"
        asked, _latest = self.records.failures_since(key, now - dt.timedelta(hours=1))
        if asked >= RESETS_PER_HOUR:
            raise errors.AccountProblem(
                "Three new addresses were asked for in the last hour: wait an hour and try again."
            )
        self.records.record_failures([key], now)
        self._record_change(row, "email_change_requested", address=address)
        if self.records.account_by_email(folded) is not None:
            self._mail(
                folded,
                "Your address was given for another unknot account",
                "Someone asked to move another unknot account to this e-mail address. It has "
                "an account already, so nothing changed.\n\nIf it was you, sign in with this "
                "address instead.",
            )
            return folded
        # Only the newest request's link confirms: an older one would confirm the newer address.
        self.records.cancel_links(row.id, "email", now)
        self.records.set_new_email(row.id, folded)
        link = self.link_url(self.make_link(row.id, "email"), "email")
        self._mail(
            folded,
            "Confirm your new unknot e-mail address",
            "Open this link to make this address the one you sign in to unknot with (it works "
            f"once, for a day):\n{link}\n\nIf you did not ask for this, ignore this e-mail.",
        )
        return folded

    def email_link_address(self, token: str) -> str | None:
        """The address a confirmation link would set, while the link lasts."""
        account_id = self.records.link_account(token_hash(token), "email", self._now())
        row = None if account_id is None else self.records.account(account_id)
        return None if row is None else row.new_email

    def confirm_email_change(self, token: str, *, address: str | None = None) -> Account:
        """The new address's link was opened: it becomes the account's, and the old address
        is told. Raises LinkNotValid, or AccountProblem if another account took it meanwhile."""
        now = self._now()
        account_id = self.records.use_link(token_hash(token), "email", now)
        row = None if account_id is None else self.records.account(account_id)
        if row is None or row.new_email is None or row.disabled_at is not None:
            raise errors.LinkNotValid("This link has been used or has expired.")
        if not self.records.take_new_email(row.id, row.new_email):
            raise errors.AccountProblem(
                f"{row.new_email} has an account of its own now; your address stays as it was."
            )
        self._record_change(
            row,
            "email_changed",
            address=address,
            tell=(
                "Your unknot e-mail address was changed",
                f"Your unknot account now signs in with {row.new_email}, not this address.\n\n"
                "If this was not you, tell your unknot administrator at once.",
            ),
        )
        return self._fresh(row.id)

    def start_new_authenticator(self, current: CurrentSignIn) -> SecondStep:
        """A new authenticator app for a clinician or administrator: its key, shown this once.
        The one in use keeps working until a code of the new one is typed
        (`confirm_new_authenticator`). Raises PasswordAgain or AccountProblem."""
        import pyotp

        row = self._recent_or_refuse(current)
        if row.role not in SECOND_FACTOR_ROLES:
            raise errors.AccountProblem("Only clinicians and administrators use a sign-in code.")
        sealed = self.app.secret_box().seal(pyotp.random_base32())
        self.records.set_new_totp_secret(row.id, sealed)
        return self._new_authenticator(row, sealed)

    def new_authenticator_again(self, current: CurrentSignIn) -> SecondStep | None:
        """The new app's key once more, while its set-up waits for a good code (after a wrong
        one): it is not in use yet, so showing it again gives nothing away."""
        if not self.recently_signed_in(current):
            return None  # a set-up abandoned over 5 minutes ago shows nothing again
        row = self.records.account(current.account.id)
        if row is None or row.totp_new_secret is None:
            return None
        return self._new_authenticator(row, row.totp_new_secret)

    def _new_authenticator(self, row: AccountRow, sealed: str) -> SecondStep:
        totp = self._totp(sealed)
        return SecondStep(
            token="",
            account=_account(row),
            enrol=True,
            secret=totp.secret,
            otpauth_uri=totp.provisioning_uri(name=row.email or str(row.id), issuer_name=ISSUER),
        )

    def confirm_new_authenticator(
        self, current: CurrentSignIn, code: str, *, address: str | None = None
    ) -> list[str]:
        """A code of the new authenticator: it replaces the old one, and ten new recovery
        codes replace the old ones (returned, shown this once). Raises AccountProblem (no new
        authenticator is being set up), PasswordAgain (the password was given over 5 minutes
        ago: a set-up abandoned then is over), SignInThrottled or SignInRefused."""
        row = self._recent_or_refuse(current)
        if row.totp_new_secret is None:
            raise errors.AccountProblem("Start setting up the new app again from your account.")
        now = self._now()
        key = f"code:{row.id}"
        wait = self._wait_s(key, "code", now)
        if wait:
            raise errors.SignInThrottled(
                f"Too many wrong codes. Wait {wait} seconds and try again.", wait
            )
        typed = "".join(code.split())
        step = _matching_step(self._totp(row.totp_new_secret), typed, now)
        if step is None or not self.records.take_new_totp_secret(
            row.id, row.totp_new_secret, step, now
        ):
            self.records.record_failures([key], now)
            self.records.append_audit(
                at=now, action="second_step_failed", subject_account_id=row.id, address=address
            )
            raise errors.SignInRefused(
                "That code is not right. Type the 6 digits the new app shows now."
            )
        self.records.clear_failures(key)
        codes = self._new_recovery_codes(row.id)
        # Whoever else is signed in as this account keeps nothing of the old factor.
        self.records.revoke_logins(row.id, now, sparing=current.login_id)
        self._record_change(
            row,
            "mfa_changed",
            address=address,
            tell=(
                "Your unknot sign-in code app was changed",
                "Your unknot account now takes codes from a new authenticator app, and has new "
                "recovery codes; the old ones no longer work.\n\nIf this was not you, tell "
                "your unknot administrator at once.",
            ),
        )
        return codes

    def replace_recovery_codes(
        self, current: CurrentSignIn, *, address: str | None = None
    ) -> list[str]:
        """Ten new recovery codes; the old ones stop working. Raises PasswordAgain or
        AccountProblem."""
        row = self._recent_or_refuse(current)
        if row.totp_confirmed_at is None:
            raise errors.AccountProblem("Recovery codes come with a sign-in code app.")
        codes = self._new_recovery_codes(row.id)
        self._record_change(row, "recovery_codes_replaced", address=address)
        return codes

    def recovery_codes_left(self, account_id: int) -> int:
        return self.records.recovery_codes_left(account_id)

    def recently_signed_in(self, current: CurrentSignIn) -> bool:
        """Whether the password was given within `REAUTH_WITHIN` in this sign-in session: what
        exporting everything or deleting the account asks for."""
        return current.recently_authenticated(self._now())

    def confirm_password(
        self, current: CurrentSignIn, password: str, *, address: str | None = None
    ) -> None:
        """The password once more, for the next 5 minutes of this sign-in session. Raises
        SignInRefused or SignInThrottled, counted as failed sign-ins of the account."""
        now = self._now()
        row = self.records.account(current.account.id)
        assert row is not None
        key = f"account:{row.email}"
        wait = self._wait_s(key, "account", now)
        if wait:
            raise errors.SignInThrottled(
                f"Too many wrong passwords. Wait {wait} seconds and try again.", wait
            )
        if not verify_password(row.password_hash, password[:PASSWORD_MAX]):
            self.records.record_failures([key], now)
            self.records.append_audit(
                at=now, action="reauthentication_failed", subject_account_id=row.id, address=address
            )
            raise errors.SignInRefused("That is not your password.")
        self.records.clear_failures(key)
        self.records.reauthenticate(current.login_id, now)

    def delete_account(self, account: Account) -> dict[str, int]:
        """A person deletes their account and everything in it: records, sign-ins, care links
        and notes. The audit log keeps only that it happened (and the ids of what it logged
        before, which name nobody's health)."""
        if account.person_id is None:
            raise errors.AccountProblem("Only a person's account is deleted from its data page.")
        self.records.append_audit(
            at=self._now(),
            action="account_deleted",
            actor_account_id=account.id,
            subject_account_id=account.id,
        )
        deleted = self.app.acting_as(account.person_id).forget()
        # Deleting the person deletes the account with it (its foreign key cascades); an
        # account left over from an older database goes too.
        self.records.delete_account(account.id)
        return deleted

    def sign_out(self, token: str | None) -> None:
        found = self.current(token)
        if found is None:
            return
        now = self._now()
        self.records.revoke_logins(found.account.id, now, only=found.login_id)
        self.records.append_audit(
            at=now,
            action="sign_out",
            actor_account_id=found.account.id,
            subject_account_id=found.account.id,
        )

    def sessions(self, account_id: int, current_login: int | None = None) -> list[LoginSession]:
        """The account's sign-in sessions still alive, newest first."""
        now = self._now()
        return [
            LoginSession(
                id=row.id,
                created_at=row.created_at,
                last_seen_at=row.last_seen_at,
                expires_at=row.expires_at,
                address=row.address,
                agent=row.agent,
                current=row.id == current_login,
                kind=row.kind,
                device_name=row.device_name,
            )
            for row in reversed(self.records.logins(account_id))
            if _alive(row, now)
        ]

    def revoke(self, account_id: int, login_id: int) -> bool:
        """End one of the account's own sessions; False if it is not theirs or already over."""
        now = self._now()
        ended = self.records.revoke_logins(account_id, now, only=login_id) == 1
        if ended:
            self.records.append_audit(
                at=now,
                action="session_revoked",
                actor_account_id=account_id,
                subject_account_id=account_id,
                detail={"login": login_id},
            )
        return ended

    # The audit log ------------------------------------------------------------------------------

    def audit(self, subject_account_id: int | None = None) -> list[AuditEntry]:
        return [
            AuditEntry(
                at=row.at,
                action=row.action,
                actor_account_id=row.actor_account_id,
                subject_account_id=row.subject_account_id,
                address=row.address,
                detail=row.detail,
            )
            for row in self.records.audit(subject_account_id)
        ]

    def audit_chain_breaks(self) -> list[int]:
        """The ids of audit rows whose hash does not follow from the row before (none in a
        log nobody tampered with)."""
        from unknot.storage.accounts import CHAIN_START, audit_hash

        broken = []
        previous = CHAIN_START
        for row in self.records.audit():
            fields = {
                "at": row.at,
                "actor_account_id": row.actor_account_id,
                "action": row.action,
                "subject_account_id": row.subject_account_id,
                "detail": row.detail,
                "address": row.address,
            }
            if row.previous_hash != previous or row.hash != audit_hash(previous, fields):
                broken.append(row.id)
            previous = row.hash
        return broken


def _matching_step(totp: pyotp.TOTP, typed: str, now: dt.datetime) -> int | None:
    """The time step whose code was typed, within one step of drift either side."""
    if not typed.isdigit():
        return None
    steps = [totp.timecode(now) + d for d in range(-TOTP_DRIFT_STEPS, TOTP_DRIFT_STEPS + 1)]
    return next((s for s in steps if totp.generate_otp(s) == typed), None)


def _alive(login: LoginSessionRow, now: dt.datetime) -> bool:
    return (
        login.revoked_at is None
        and now < login.expires_at
        and now - login.last_seen_at < dt.timedelta(seconds=login.idle_s)
    )
