"""Settings, from UNKNOT_-prefixed environment variables (no .env file is read)."""

import datetime as dt
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from unknot import locations


class Settings(BaseSettings):
    """Everything a person or a deployment can configure."""

    model_config = SettingsConfigDict(env_prefix="UNKNOT_", extra="ignore")

    data_dir: Path = Field(default_factory=locations.data_dir)
    """Folder for the database and caches (UNKNOT_DATA_DIR); default: the platform's data dir."""

    config_dir: Path = Field(default_factory=locations.config_dir)
    """Folder for the person's own files (UNKNOT_CONFIG_DIR), e.g. `exercises/`."""

    database_url: str | None = None
    """SQLAlchemy URL of the database (UNKNOT_DATABASE_URL); default: SQLite in data_dir."""

    emergency_number: str | None = None
    """Number to call in an emergency (UNKNOT_EMERGENCY_NUMBER); default by locale, else 112."""

    clock_speed: float = Field(default=1.0, gt=0)
    """How much faster than real time the players run (UNKNOT_CLOCK_SPEED); for tests only."""

    clock_start: dt.datetime | None = None
    """The wall time the clock starts from (UNKNOT_CLOCK_START, ISO 8601; a time without an
    offset is local); for tests only. A test that runs a process at 400 times real speed
    crosses midnight within a minute of real time late in the evening, so its dates are not
    the day's unless it starts at a fixed time."""

    public_url: Annotated[tuple[str, ...], NoDecode] = ()
    """Addresses people use to reach this server from elsewhere (UNKNOT_PUBLIC_URL), such as
    `https://unknot.example.org`; several are separated by commas. The one home of this fact:
    it decides which Host names are answered and which origins may change anything, and later
    secure cookies, links in e-mails and passkeys. Loopback names are always answered."""

    server: bool = False
    """Many people on one unknot (UNKNOT_SERVER, or `unknot serve --server`): everyone signs
    in, and every page but signing in, one-time links and static files asks who they are.
    Needs an https public URL unless it listens on loopback only (for tests and trials)."""

    network: bool = False
    """The local app listens beyond loopback (UNKNOT_NETWORK, set by `unknot serve --pair`):
    every request then needs a sign-in, the computer's own browser's too, through the link
    `unknot serve` prints; phones join by pairing. Never decided from a request's Host header
    or peer address."""

    pair_port: int = Field(default=8443, ge=1, le=65535)
    """The network port phones use when the Your data page's "Use unknot on your phone" starts
    listening (UNKNOT_PAIR_PORT); `unknot serve --pair` takes --pair-port instead."""

    pair_address: str | None = None
    """The address phones reach this computer at (UNKNOT_PAIR_ADDRESS); default: found."""

    smtp_url: str | None = None
    """The mail server invitations and password resets go through (UNKNOT_SMTP_URL):
    `smtp://host:25` (plain, a local relay), `smtp+starttls://user:password@host:587` or
    `smtps://user:password@host:465`. Without one, an administrator passes links on by hand."""

    mail_from: str | None = None
    """The sender of unknot's e-mails (UNKNOT_MAIL_FROM); default `unknot@` the public host."""

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise ValueError(
                f"{parts._replace(netloc=parts.hostname or '').geturl()!r} is not a mail "
                "server URL; write it as smtp+starttls://user:password@host:587"
            )
        return value

    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    """Addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers are
    believed (UNKNOT_TRUSTED_PROXIES, comma-separated); from anyone else they are ignored."""

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_urls(cls, value: object) -> tuple[str, ...]:
        urls = tuple(_split(value))
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(
                    f"{url!r} is not a public URL; write it as https://host[:port], e.g. "
                    "https://unknot.example.org"
                )
            if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
                raise ValueError(
                    f"{url!r} has more than a scheme, host and port; unknot is served from the "
                    "root of its address, e.g. https://unknot.example.org"
                )
        return urls

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> tuple[str, ...]:
        import ipaddress

        addresses = tuple(_split(value))
        for address in addresses:
            try:
                ipaddress.ip_network(address, strict=False)
            except ValueError:
                raise ValueError(
                    f"{address!r} is not an IP address or network, e.g. 127.0.0.1 or 10.0.0.0/8"
                ) from None
        return addresses

    @property
    def exercises_dir(self) -> Path:
        """Where the person's own exercise files are read from."""
        return locations.user_exercises_dir(self.config_dir)

    @property
    def cache_dir(self) -> Path:
        """Caches that can be deleted at any time."""
        return locations.cache_dir(self.data_dir)


def _split(value: object) -> list[str]:
    """A comma-separated setting (or a list of them) as its parts."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError("expected a comma-separated list")
    return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
