"""The person's own devices on the local app (issue 21): the computer's sign-in through the
link `unknot serve` prints, and phones that join by pairing, the way a TV app pairs.

A pairing starts on the computer and lasts 5 minutes. The phone reaches it by the QR code's
one-time token (128 random bits) or by typing the short code (8 characters; 5 wrong tries end
it), and gives its name; the computer then admits or refuses that name. Only an admitted phone
collects a sign-in, once, with the cookie it was given when it asked. A paired phone is a
signed-in device of the one person, listed with when it was last seen, and revocable.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Final, Literal

from pydantic import BaseModel

from unknot.clock import instant
from unknot.services import errors
from unknot.services.accounts import CurrentSignIn, SignedIn, token_hash

if TYPE_CHECKING:
    from unknot.services.application import Application
    from unknot.storage.pairings import ListeningStore, PairingRow, PairingStore
    from unknot.tls import Certificates

PAIRING_LIFETIME: Final = dt.timedelta(minutes=5)
# The process listening on the network (from the Your data page) says so this often; without a
# word for LISTENING_STALE, it is taken to have stopped (it died with its process).
HEARTBEAT_EVERY: Final = dt.timedelta(seconds=5)
LISTENING_STALE: Final = dt.timedelta(seconds=30)
WRONG_CODES_ALLOWED: Final = 5
# No 0/O, 1/I/L or U: a code read off a screen and typed on a phone is typed right.
CODE_ALPHABET: Final = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH: Final = 8
NAME_LONGEST: Final = 40

PairingState = Literal[
    "open", "asked", "admitted", "refused", "joined", "cancelled", "contested", "expired"
]


class NewPairing(BaseModel):
    """What the computer shows: the phone's link (in the QR code) and the short code."""

    id: int
    token: str
    code: str
    """Shown as two groups of four."""
    expires_at: dt.datetime


class Pairing(BaseModel):
    id: int
    state: PairingState
    device_name: str | None
    expires_at: dt.datetime
    wrong_codes: int
    asked_address: str | None = None
    """Where the device that asked was: the computer checks it is the phone in the hand."""
    asked_agent: str | None = None


class Trust(BaseModel):
    """This computer's certificate authority, for a phone to trust (issue 21)."""

    fingerprint: str
    """SHA-256, in colon-separated pairs: compared on the phone before trusting."""
    certificate_pem: str


class Device(BaseModel):
    """A signed-in browser of the person's: the computer's or a paired device's."""

    login_id: int
    kind: Literal["computer", "device"]
    name: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    address: str | None
    current: bool


def normal_code(typed: str) -> str:
    return "".join(c for c in typed.upper() if c.isalnum())


class Devices:
    """The local person's devices on one application."""

    def __init__(self, app: Application) -> None:
        self.app = app

    @property
    def records(self) -> PairingStore:
        from unknot.storage.pairings import PairingStore

        return PairingStore(self.app._store)

    @property
    def listening(self) -> ListeningStore:
        from unknot.storage.pairings import ListeningStore

        return ListeningStore(self.app._store)

    # Listening on the network from the Your data page ------------------------------------------

    def listening_urls(self) -> list[str] | None:
        """The phones' addresses while some process of this app listens on the network."""
        return self.listening.urls(self._now() - LISTENING_STALE)

    def start_listening(self, urls: list[str], pid: int) -> bool:
        """This process listens on the network from now; False if another does already."""
        now = self._now()
        return self.listening.start(urls, pid, now, now - LISTENING_STALE)

    def still_listening(self, pid: int) -> bool:
        """The listening process's heartbeat; False once it was stopped from a page."""
        return self.listening.beat(pid, self._now())

    def stopped_listening(self, pid: int) -> None:
        self.listening.stop(pid)

    def stop_listening(self, current: CurrentSignIn) -> None:
        """Stop listening on the network (the computer only): the listening process ends at
        its next heartbeat, and at once no process answers a network connection."""
        self._the_computer(current)
        self.listening.stop()

    def _now(self) -> dt.datetime:
        return instant(self.app.clock.now())

    def account_id(self) -> int:
        """The local person's account, made on first use (no e-mail, no password)."""
        person = self.app.local().person_id
        return self.app.accounts().records.local_account(person, self._now())

    # What the pages show ---------------------------------------------------------------------

    def phone_url(self) -> str:
        """Where a phone reaches this app: the address it listens on from the Your data page,
        else the first public URL (`unknot serve --pair` puts the network address first)."""
        urls = self.listening_urls() or list(self.app.public_urls)
        return (urls[0] if urls else "http://127.0.0.1:8000").rstrip("/")

    def trust(self) -> Trust | None:
        """The certificate authority a phone trusts, when this app serves HTTPS with its own."""
        from unknot.tls import authority_fingerprint

        if not self.phone_url().startswith("https://"):
            return None
        path = self.app.workspace.data_dir / "tls" / "ca.crt"
        try:
            pem = path.read_text(encoding="ascii")
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        return Trust(fingerprint=authority_fingerprint(pem), certificate_pem=pem)

    def certificates(self, addresses: list[str]) -> Certificates:
        """This computer's authority and a server certificate for `addresses` and its host
        name, made or made again as needed (in the data folder's `tls/`)."""
        from unknot.tls import certificates

        return certificates(self.app.workspace.data_dir / "tls", self._now(), addresses)

    @staticmethod
    def network_addresses() -> list[str]:
        from unknot.tls import network_addresses

        return network_addresses()

    @staticmethod
    def phone_urls(addresses: list[str], port: int, scheme: str = "https") -> list[str]:
        """The addresses a phone reaches this app at, the one the QR code names first: the
        first network address, this computer's `.local` name, then the other addresses."""
        from unknot.tls import host_name

        def url(host: str) -> str:
            shown = f"[{host}]" if ":" in host else host
            return f"{scheme}://{shown}:{port}"

        name = host_name()
        local = [url(f"{name}.local")] if name else []
        return [url(addresses[0]), *local, *(url(a) for a in addresses[1:])]

    @staticmethod
    def host_name() -> str:
        from unknot.tls import host_name

        return host_name()

    @staticmethod
    def passkeys_possible(host: str) -> bool:
        """Passkeys need a host name (WebAuthn refuses an IP address as its domain)."""
        import ipaddress

        try:
            ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return bool(host)
        return False

    @staticmethod
    def qr_svg(link: str) -> str:
        """The link as a QR code, an SVG element to put in the page."""
        import segno

        code = segno.make(link, error="m")
        # No width or height of its own: the page's CSS sizes it for the camera.
        return str(code.svg_inline(scale=6, border=4, dark="#000", light="#fff", omitsize=True))

    # The computer ---------------------------------------------------------------------------

    def computer_link(self) -> str:
        """A new one-time token for the computer's own browser (15 minutes, once)."""
        return self.app.accounts().make_link(self.account_id(), "computer")

    def sign_in_computer(
        self, token: str, *, address: str | None = None, agent: str | None = None
    ) -> SignedIn:
        """The computer's browser opened the link `unknot serve` printed. Raises
        LinkNotValid."""
        accounts = self.app.accounts()
        account_id = accounts.records.use_link(token_hash(token), "computer", self._now())
        if account_id is None:
            raise errors.LinkNotValid("This link has been used or has expired.")
        accounts.records.append_audit(
            at=self._now(),
            action="sign_in",
            actor_account_id=account_id,
            subject_account_id=account_id,
            detail={"with": "computer link"},
            address=address,
        )
        return accounts.start_session(account_id, address, agent, kind="computer")

    def _the_computer(self, current: CurrentSignIn) -> None:
        if current.kind != "computer":
            raise errors.NotTheComputer(
                "Only the computer unknot runs on does this: open unknot there."
            )

    # Pairing --------------------------------------------------------------------------------

    def start_pairing(self, current: CurrentSignIn) -> NewPairing:
        """A new pairing (any earlier one still open ends). Raises NotTheComputer."""
        self._the_computer(current)
        token = secrets.token_urlsafe(16)  # 128 random bits
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = self._now()
        pairing_id = self.records.add(
            account_id=current.account.id,
            token_hash=token_hash(token),
            code_hash=token_hash(code),
            now=now,
            expires_at=now + PAIRING_LIFETIME,
        )
        return NewPairing(
            id=pairing_id,
            token=token,
            code=f"{code[:4]}-{code[4:]}",
            expires_at=now + PAIRING_LIFETIME,
        )

    def pairing(self, current: CurrentSignIn, pairing_id: int) -> Pairing:
        """How a pairing stands, for the computer's page. Raises NotTheComputer or NotLinked
        (not found)."""
        self._the_computer(current)
        row = self.records.get(pairing_id, current.account.id)
        if row is None:
            raise errors.NotLinked("No pairing has that number.")
        state = row.state
        if state in ("open", "asked") and row.expires_at <= self._now():
            state = "expired"
        return Pairing(
            id=row.id,
            state=state,
            device_name=row.device_name,
            expires_at=row.expires_at,
            wrong_codes=row.wrong_codes,
            asked_address=row.asked_address,
            asked_agent=row.asked_agent,
        )

    def ask_by_token(
        self, token: str, name: str, *, address: str | None = None, agent: str | None = None
    ) -> str:
        """A phone opened the QR code's link and named itself: the cookie it waits with.
        Raises LinkNotValid (unknown, used or expired) or PairingRefused (the name)."""
        device_name = self._device_name(name)
        now = self._now()
        row = self.records.live_by_token(token_hash(token), now)
        if row is None:
            raise errors.LinkNotValid(
                "This pairing code has been used or has expired: start again on the computer."
            )
        return self._ask(row, device_name, now, address, agent)

    def ask_by_code(
        self, code: str, name: str, *, address: str | None = None, agent: str | None = None
    ) -> str:
        """A phone typed the short code and named itself: the cookie it waits with. Raises
        PairingRefused: a wrong code counts against the pairing open now, and after 5 the
        short code stops working (the QR code still does)."""
        device_name = self._device_name(name)
        now = self._now()
        typed = normal_code(code)
        row = (
            self.records.live_by_code(token_hash(typed), now, WRONG_CODES_ALLOWED)
            if len(typed) == CODE_LENGTH
            else None
        )
        if row is None:
            self.records.count_wrong_code(now)
            raise errors.PairingRefused(
                "That code does not match a pairing open now. Check it on the computer's "
                "screen; after 5 wrong codes only the QR code works."
            )
        return self._ask(row, device_name, now, address, agent)

    def _ask(
        self,
        row: PairingRow,
        device_name: str,
        now: dt.datetime,
        address: str | None,
        agent: str | None,
    ) -> str:
        if row.state == "asked":
            # A second device with the same code: someone else saw it. Nobody is admitted,
            # and the computer says so.
            self.records.contest(row.id)
            raise errors.LinkNotValid(
                "Another device used this pairing code first, so the pairing was stopped. "
                "Start again on the computer."
            )
        waiting = secrets.token_urlsafe(32)
        if not self.records.ask(row.id, device_name, token_hash(waiting), now, address, agent):
            raise errors.LinkNotValid(
                "This pairing code has been used or has expired: start again on the computer."
            )
        return waiting

    @staticmethod
    def _device_name(name: str) -> str:
        import unicodedata

        # No control or formatting characters (right-to-left overrides, zero-width spaces):
        # the name the computer shows must be the name the phone typed, as it reads.
        shown = "".join(
            c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp")
        )
        cleaned = " ".join(shown.split())
        if not 1 <= len(cleaned) <= NAME_LONGEST or cleaned != " ".join(name.split()):
            raise errors.PairingRefused(
                f"Name this device in 1 to {NAME_LONGEST} letters, digits and spaces, such as "
                "“Sam's phone”."
            )
        return cleaned

    def admit(self, current: CurrentSignIn, pairing_id: int, admitted: bool) -> Pairing:
        """The computer admits (or refuses) the device that asked. Raises NotTheComputer,
        NotLinked or PairingRefused (nobody is waiting, or time is up)."""
        found = self.pairing(current, pairing_id)
        if found.state != "asked":
            raise errors.PairingRefused(
                "No device is waiting on this pairing any more: start again."
                if found.state in ("expired", "cancelled", "contested")
                else "This pairing has its answer already."
            )
        self.records.decide(pairing_id, current.account.id, "admitted" if admitted else "refused")
        self.app.accounts().records.append_audit(
            at=self._now(),
            action="device_admitted" if admitted else "device_refused",
            actor_account_id=current.account.id,
            subject_account_id=current.account.id,
            detail={"device": found.device_name},
        )
        return self.pairing(current, pairing_id)

    def waiting(self, waiting: str) -> PairingState:
        """How the phone's request stands, for the phone (its cookie)."""
        row = self.records.by_waiting(token_hash(waiting)) if waiting else None
        if row is None:
            return "cancelled"
        if row.state == "asked" and row.expires_at <= self._now():
            return "expired"
        return row.state  # type: ignore[return-value]  # the column holds only these

    def collect(
        self, waiting: str, *, address: str | None = None, agent: str | None = None
    ) -> SignedIn:
        """The admitted phone's sign-in, once. Raises PairingRefused if it was not admitted
        (or has collected it already)."""
        row = self.records.by_waiting(token_hash(waiting)) if waiting else None
        if row is None or row.state != "admitted":
            raise errors.PairingRefused("This device was not admitted: start again.")
        accounts = self.app.accounts()
        signed = accounts.start_session(
            row.account_id, address, agent, kind="device", device_name=row.device_name
        )
        if not self.records.joined(row.id, signed.login_id):
            # Another request of the same phone collected it first: keep one sign-in.
            accounts.records.revoke_logins(row.account_id, self._now(), only=signed.login_id)
            raise errors.PairingRefused("This device is signed in already.")
        return signed

    # The devices ----------------------------------------------------------------------------

    def devices(self, current: CurrentSignIn) -> list[Device]:
        """The person's signed-in browsers, newest first."""
        found = []
        for login in self.app.accounts().sessions(current.account.id, current.login_id):
            kind: Literal["computer", "device"] = (
                "computer" if login.kind == "computer" else "device"
            )
            found.append(
                Device(
                    login_id=login.id,
                    kind=kind,
                    name=login.device_name or ("This computer" if kind == "computer" else "Device"),
                    created_at=login.created_at,
                    last_seen_at=login.last_seen_at,
                    address=login.address,
                    current=login.current,
                )
            )
        return found

    def revoke(self, current: CurrentSignIn, login_id: int) -> bool:
        """Sign a device out: the computer signs out any, a device only itself."""
        if login_id != current.login_id:
            self._the_computer(current)
        return self.app.accounts().revoke(current.account.id, login_id)
