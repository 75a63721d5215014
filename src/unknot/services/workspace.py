"""The folders, database and settings one person's unknot works with."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from unknot import locations

if TYPE_CHECKING:
    from unknot.config import Settings
    from unknot.domain.screening import EmergencyNumber
    from unknot.storage.repository import Store


_STORES: dict[str, Store] = {}


def close_stores() -> None:
    """Close every open database (tests, and the web server on shutdown)."""
    while _STORES:
        _STORES.popitem()[1].engine.dispose()


@dataclass(frozen=True, slots=True)
class Workspace:
    """The folders one person's unknot reads and writes."""

    data_dir: Path
    config_dir: Path

    @classmethod
    def from_environment(cls) -> Workspace:
        """Folders from UNKNOT_DATA_DIR / UNKNOT_CONFIG_DIR or the platform's defaults."""
        return cls(data_dir=locations.data_dir(), config_dir=locations.config_dir())

    @property
    def exercises_dir(self) -> Path:
        return locations.user_exercises_dir(self.config_dir)

    @property
    def cache_dir(self) -> Path:
        return locations.cache_dir(self.data_dir)

    database_url: str | None = None
    """None: SQLite in the data folder."""
    emergency_number: str | None = None
    clock_speed: float = 1.0
    clock_start: float | None = None
    """Settings.clock_start as seconds since the epoch."""
    public_urls: tuple[str, ...] = ()
    """Settings.public_url: the addresses this server is reached at besides loopback."""
    trusted_proxies: tuple[str, ...] = ()
    server: bool = False
    """Settings.server: accounts and sign-in instead of the one local person."""
    network: bool = False
    """Settings.network: the local app's own devices sign in (issue 21)."""
    pair_port: int = 8443
    pair_address: str | None = None
    smtp_url: str | None = None
    mail_from: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Workspace:
        return cls(
            data_dir=settings.data_dir,
            config_dir=settings.config_dir,
            database_url=settings.database_url,
            emergency_number=settings.emergency_number,
            clock_speed=settings.clock_speed,
            clock_start=None if settings.clock_start is None else settings.clock_start.timestamp(),
            public_urls=settings.public_url,
            trusted_proxies=settings.trusted_proxies,
            server=settings.server,
            network=settings.network,
            pair_port=settings.pair_port,
            pair_address=settings.pair_address,
            smtp_url=settings.smtp_url,
            mail_from=settings.mail_from,
        )

    @property
    def url(self) -> str:
        """The database URL in use."""
        from unknot.storage.database import default_url

        return self.database_url or default_url(self.data_dir)

    def open_store(self) -> Store:
        """The person's database, migrated to this unknot's schema (refusing a newer one).

        A full disk, a read-only folder or a file that is not a database raises StorageFault.

        One store per database URL per process: the connection pool is shared and the schema
        is checked once.
        """
        from sqlalchemy.exc import DBAPIError

        from unknot.storage.database import make_engine
        from unknot.storage.faults import storage_fault
        from unknot.storage.migrate import upgrade
        from unknot.storage.repository import Store

        url = self.url
        if url not in _STORES:
            try:
                engine = make_engine(url)
            except OSError as error:
                raise storage_fault(error, url) or error from error
            try:
                upgrade(engine)
            except (DBAPIError, OSError) as error:
                engine.dispose()
                raise storage_fault(error, url) or error from error
            except Exception:
                engine.dispose()
                raise
            _STORES[url] = Store(engine)
        return _STORES[url]

    def emergency_call(self, country: str | None = None) -> EmergencyNumber:
        """The emergency number: configured; else for the country the person chose with the
        screening; else a guess from the locale, which the pages ask the person to check."""
        from unknot.domain.screening import EmergencyNumber, country_of, emergency_number_for

        if self.emergency_number:
            return EmergencyNumber(self.emergency_number, guessed=False)
        if country:
            return emergency_number_for(country)
        guess = emergency_number_for(country_of(os.environ.get("LC_ALL") or os.environ.get("LANG")))
        return EmergencyNumber(guess.number, guessed=True)

    def secret(self) -> bytes:
        """This installation's secret key (signs form tokens), made on first use.

        Kept in the config folder, readable by its owner only. Created under a temporary name and
        linked into place, so server processes starting together all read the same whole key.
        """
        import secrets

        path = self.config_dir / "secret.key"
        try:
            return bytes.fromhex(path.read_text(encoding="ascii").strip())
        except FileNotFoundError:
            pass
        self.config_dir.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".secret.key.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
