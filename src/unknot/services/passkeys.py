"""Passkeys (issue 20): WebAuthn credentials as a first-class way to sign in, verified with the
`webauthn` library. A passkey with user verification is a second factor in itself, so it signs
clinicians and administrators in without a code. Its domain is the public URL's host."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from pydantic import BaseModel

from unknot.clock import instant
from unknot.services import errors
from unknot.services.accounts import CurrentSignIn, SignedIn, token_hash

if TYPE_CHECKING:
    from unknot.services.application import Application
    from unknot.storage.passkeys import PasskeyStore

CHALLENGE_LIFETIME: Final = dt.timedelta(minutes=5)
NAME_MAX: Final = 80


class PasskeyOptions(BaseModel):
    """What the browser passes to navigator.credentials: `options` is WebAuthn's JSON."""

    challenge_id: str
    options: str


class Passkey(BaseModel):
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class Passkeys:
    def __init__(self, app: Application) -> None:
        self.app = app

    @property
    def records(self) -> PasskeyStore:
        from unknot.storage.passkeys import PasskeyStore

        return PasskeyStore(self.app._store)

    def _now(self) -> dt.datetime:
        return instant(self.app.clock.now())

    def relying_party(self, origin: str | None = None) -> tuple[str, str]:
        """(RP ID, origin): the page's own origin when it is one of this unknot's addresses
        with a host name (the local app on a network answers at `<host>.local` and at an IP
        address; a passkey needs the name), else the first public URL's."""
        import ipaddress

        urls = list(self.app.public_urls)
        if not self.app.server_mode:
            urls += self.app.devices().listening_urls() or []
        for url in urls:
            url = url.rstrip("/")
            host = urlsplit(url).hostname or ""
            try:
                ipaddress.ip_address(host)
                continue
            except ValueError:
                pass
            if origin is None or url == origin.rstrip("/"):
                return host, url
        url = (self.app.public_urls or ("http://localhost:8000",))[0].rstrip("/")
        return urlsplit(url).hostname or "localhost", url

    def _challenge(self, purpose: str, challenge: bytes, account_id: int | None) -> str:
        from webauthn.helpers import bytes_to_base64url

        handle = secrets.token_urlsafe(24)
        self.records.add_challenge(
            token_hash(handle),
            purpose,
            bytes_to_base64url(challenge),
            self._now() + CHALLENGE_LIFETIME,
            account_id,
        )
        return handle

    def registration_options(
        self, current: CurrentSignIn, origin: str | None = None
    ) -> PasskeyOptions:
        """Options to add a passkey to the signed-in account. Raises PasswordAgain unless the
        password was given in the last 5 minutes."""
        import webauthn
        from webauthn.helpers import base64url_to_bytes
        from webauthn.helpers.structs import (
            AuthenticatorSelectionCriteria,
            PublicKeyCredentialDescriptor,
            ResidentKeyRequirement,
            UserVerificationRequirement,
        )

        if not current.recently_authenticated(self._now()):
            raise errors.PasswordAgain("Confirm your password first, at /confirm.")
        rp_id, _origin = self.relying_party(origin)
        account = current.account
        options = webauthn.generate_registration_options(
            rp_id=rp_id,
            rp_name="unknot",
            user_name=account.email or f"account {account.id}",
            user_id=f"unknot-account-{account.id}".encode(),
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=[
                PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
                for p in self.records.of_account(account.id)
            ],
        )
        handle = self._challenge("register", options.challenge, account.id)
        return PasskeyOptions(challenge_id=handle, options=webauthn.options_to_json(options))

    def register(
        self,
        current: CurrentSignIn,
        challenge_id: str,
        credential: dict[str, Any],
        name: str,
        origin: str | None = None,
    ) -> Passkey:
        """Keep the passkey the browser made. Raises PasskeyRefused naming what is wrong."""
        import webauthn
        from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
        from webauthn.helpers.exceptions import WebAuthnException

        taken = self.records.take_challenge(token_hash(challenge_id), "register", self._now())
        if taken is None or taken[1] != current.account.id:
            raise errors.PasskeyRefused("That took too long or was answered already: try again.")
        rp_id, origin = self.relying_party(origin)
        try:
            verified = webauthn.verify_registration_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(taken[0]),
                expected_rp_id=rp_id,
                expected_origin=origin,
                require_user_verification=True,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as error:
            raise errors.PasskeyRefused(f"The passkey could not be checked ({error}).") from None
        label = " ".join(name.split())[:NAME_MAX] or "Passkey"
        now = self._now()
        self.records.add(
            account_id=current.account.id,
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=bytes_to_base64url(verified.credential_public_key),
            sign_count=verified.sign_count,
            name=label,
            now=now,
        )
        self.app.accounts().records.append_audit(
            at=now,
            action="passkey_added",
            actor_account_id=current.account.id,
            subject_account_id=current.account.id,
        )
        return next(p for p in self.passkeys(current.account.id) if p.name == label)

    def remove(self, current: CurrentSignIn, passkey_id: int) -> None:
        """Remove one of the signed-in account's passkeys, within 5 minutes of the password.
        Raises PasswordAgain, or NotLinked (answered as not found) if it is not theirs."""
        if not current.recently_authenticated(self._now()):
            raise errors.PasswordAgain("Confirm your password first, at /confirm.")
        if not self.records.remove(passkey_id, current.account.id):
            raise errors.NotLinked("No passkey of yours has that number.")
        self.app.accounts().records.append_audit(
            at=self._now(),
            action="passkey_removed",
            actor_account_id=current.account.id,
            subject_account_id=current.account.id,
        )

    def passkeys(self, account_id: int) -> list[Passkey]:
        return [
            Passkey(id=p.id, name=p.name, created_at=p.created_at, last_used_at=p.last_used_at)
            for p in self.records.of_account(account_id)
        ]

    def sign_in_options(self, origin: str | None = None) -> PasskeyOptions:
        """Options to sign in with any passkey of this unknot (a discoverable one)."""
        import webauthn
        from webauthn.helpers.structs import UserVerificationRequirement

        rp_id, _origin = self.relying_party(origin)
        options = webauthn.generate_authentication_options(
            rp_id=rp_id, user_verification=UserVerificationRequirement.REQUIRED
        )
        handle = self._challenge("sign_in", options.challenge, None)
        return PasskeyOptions(challenge_id=handle, options=webauthn.options_to_json(options))

    def sign_in(
        self,
        challenge_id: str,
        credential: dict[str, Any],
        *,
        address: str | None = None,
        agent: str | None = None,
        origin: str | None = None,
        as_device: bool = False,
    ) -> SignedIn:
        """A new sign-in session for the account whose passkey answered, with the user
        verified. `as_device`: the local app on a network, where only the local person's own
        passkeys sign in, as a device named like the passkey. Raises PasskeyRefused: the same
        words whatever went wrong."""
        import webauthn
        from webauthn.helpers import base64url_to_bytes
        from webauthn.helpers.exceptions import WebAuthnException

        refused = errors.PasskeyRefused("That passkey did not sign you in: try again.")
        now = self._now()
        taken = self.records.take_challenge(token_hash(challenge_id), "sign_in", now)
        found = self.records.by_credential(str(credential.get("id", "")))
        if taken is None or found is None:
            raise refused
        if as_device and found.account_id != self.app.devices().account_id():
            raise refused
        rp_id, origin = self.relying_party(origin)
        try:
            verified = webauthn.verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(taken[0]),
                expected_rp_id=rp_id,
                expected_origin=origin,
                credential_public_key=base64url_to_bytes(found.public_key),
                credential_current_sign_count=found.sign_count,
                require_user_verification=True,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError):
            accounts = self.app.accounts()
            accounts.records.append_audit(
                at=now,
                action="sign_in_failed",
                subject_account_id=found.account_id,
                detail={"with": "passkey"},
                address=address,
            )
            raise refused from None
        self.records.used(found.id, verified.new_sign_count, now)
        accounts = self.app.accounts()
        try:
            signed = accounts.start_session(
                found.account_id,
                address,
                agent,
                kind="device" if as_device else None,
                device_name=found.name if as_device else None,
            )
        except errors.SignInRefused as error:  # switched off by an administrator
            raise errors.PasskeyRefused(str(error)) from None
        accounts.records.append_audit(
            at=now,
            action="sign_in",
            actor_account_id=found.account_id,
            subject_account_id=found.account_id,
            detail={"second_factor": "passkey"},
            address=address,
        )
        return signed
