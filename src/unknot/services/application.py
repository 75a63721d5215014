"""The application object: unknot for the life of a process, and the only thing interfaces call.

It owns the settings, the database and the clock (datasette's views talk only to the `Datasette`
instance in the same way). Each request or command works through `local()` or `acting_as(person)`:
an `Actor`, the application bound to who is asking, whose methods are the use cases.

This module stays light: a quick command that needs no person (the catalog, a figure) takes
`catalog()` or `figures()`, which import only their own service module (issue 3: start-up
within 150 ms).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from unknot.clock import Clock, SystemClock
from unknot.services.workspace import Workspace

if TYPE_CHECKING:
    import datetime as dt

    from unknot.config import Settings
    from unknot.domain.timeline import Step
    from unknot.mail import Mailer
    from unknot.sealing import SecretBox
    from unknot.services.accounts import Accounts
    from unknot.services.actor import Actor
    from unknot.services.care import Care
    from unknot.services.catalog import Exercises
    from unknot.services.devices import Devices
    from unknot.services.figures import Figures
    from unknot.services.passkeys import Passkeys
    from unknot.services.player import Replayed
    from unknot.storage.faults import StorageFault
    from unknot.storage.repository import Store


class Application:
    """One unknot: settings, database and clock, shared by every request of a process."""

    def __init__(self, workspace: Workspace, clock: Clock | None = None) -> None:
        self.workspace = workspace
        self.clock: Clock = clock or SystemClock()
        self.local_person_id: int | None = None
        """The local person's id as last looked up, for the hot paths (see `Acting`)."""
        # Stored plans and events never change, so their timelines and replays are kept for
        # the life of the application. Keys hold the session's key and the run's start as well
        # as ids, because ids start again after "forget me".
        self.timelines: dict[tuple[str | None, int, bool], tuple[Step, ...]] = {}
        self.replays: dict[tuple[int, int, dt.datetime, str | None], Replayed] = {}
        self.kept_lock = threading.Lock()
        """Held while the kept timelines and replays change: requests run on several threads."""
        self._secret_box: SecretBox | None = None

    @classmethod
    def from_environment(cls, clock: Clock | None = None) -> Application:
        """Folders from UNKNOT_DATA_DIR / UNKNOT_CONFIG_DIR only: what quick commands need,
        without reading (and paying for) every setting."""
        return cls(Workspace.from_environment(), clock)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> Application:
        """Every setting; the clock runs at `clock_speed` from `clock_start` unless one is
        given."""
        workspace = Workspace.from_settings(settings)
        if clock is None and (workspace.clock_speed != 1.0 or workspace.clock_start is not None):
            from unknot.clock import AcceleratedClock

            clock = AcceleratedClock(workspace.clock_speed, start=workspace.clock_start)
        return cls(workspace, clock)

    @classmethod
    def configured(cls) -> Application:
        """The application for the UNKNOT_ settings in the environment; a wrong one raises
        SettingsProblem naming the variable."""
        from pydantic import ValidationError

        from unknot.config import Settings
        from unknot.services.errors import SettingsProblem
        from unknot.services.wording import validation_message

        try:
            settings = Settings()
        except ValidationError as error:

            def variable(path: tuple[int | str, ...]) -> str:
                return "UNKNOT_" + "_".join(str(p) for p in path[:1]).upper()

            raise SettingsProblem(validation_message(error, name=variable)) from None
        return cls.from_settings(settings)

    # Who is asking ---------------------------------------------------------------------------

    def local(self) -> Actor:
        """The one person of a local install (made on first use), as the web app without
        accounts and the command line serve them."""
        from unknot.services.actor import Actor

        return Actor(self)

    def acting_as(self, person_id: int) -> Actor:
        """The application as this person uses it."""
        from unknot.services.actor import Actor

        return Actor(self, person_id)

    def accounts(self) -> Accounts:
        """The account use cases (the shared server's sign-in, links and audit log)."""
        from unknot.services.accounts import Accounts

        return Accounts(self)

    def passkeys(self) -> Passkeys:
        """Passkeys: adding them, and signing in with them."""
        from unknot.services.passkeys import Passkeys

        return Passkeys(self)

    def care(self) -> Care:
        """The care links between people and clinicians."""
        from unknot.services.care import Care

        return Care(self)

    def mailer(self) -> Mailer | None:
        """The configured mail server (Settings.smtp_url), or None: links are then passed on
        by hand."""
        from urllib.parse import urlsplit

        from unknot.mail import Mailer

        workspace = self.workspace
        if workspace.smtp_url is None:
            return None
        host = urlsplit((self.public_urls or ("http://localhost",))[0]).hostname or "localhost"
        return Mailer(workspace.smtp_url, workspace.mail_from or f"unknot <unknot@{host}>")

    def secret_box(self) -> SecretBox:
        """Seals the secrets the database keeps (authenticator keys) under a key derived from
        the installation's secret (`secret()`), which stays out of the database."""
        from unknot.sealing import SecretBox

        if self._secret_box is None:
            self._secret_box = SecretBox(self.secret())
        return self._secret_box

    def calendar_feed(self, token: str, player_url: str) -> bytes | None:
        """The calendar a feed's token names, as a calendar service fetches it (issue 22);
        None for an unknown or revoked token."""
        from unknot.services.calendars import feed_calendar

        return feed_calendar(self, token, player_url)

    def catalog(self) -> Exercises:
        """The catalog's use cases alone, which need no person."""
        from unknot.services.catalog import Exercises

        return Exercises(self)

    def figures(self) -> Figures:
        """The figures' use cases alone, which need no person."""
        from unknot.services.figures import Figures

        return Figures(self)

    def remembered_local_person(self) -> int:
        if self.local_person_id is None:
            self.local_person_id = self._store.local_person()
        return self.local_person_id

    # The database -----------------------------------------------------------------------------

    @property
    def _store(self) -> Store:
        """The database, migrated to this unknot's schema on first use (a newer one is refused
        with DatabaseTooNew; a full disk or a damaged file raises StorageFault)."""
        return self.workspace.open_store()

    def open(self) -> None:
        """Open (and migrate) the database now, before the first request or command needs it."""
        self.workspace.open_store()

    def close(self) -> None:
        """Close the database connections (the web server on shutdown, and tests)."""
        from unknot.services.workspace import close_stores

        close_stores()

    @property
    def database_url(self) -> str:
        return self.workspace.url

    def upgrade_database(self) -> tuple[str | None, str]:
        """Apply pending migrations; the revisions before and after."""
        from unknot.storage.database import make_engine
        from unknot.storage.migrate import upgrade

        return upgrade(make_engine(self.workspace.url))

    def fault_of(self, error: BaseException) -> StorageFault | None:
        """The storage fault behind a driver's or the file system's error (a full disk, a
        read-only folder, a damaged file), or None when it is not one."""
        from unknot.storage.faults import storage_fault

        return storage_fault(error, self.workspace.url)

    # The installation ----------------------------------------------------------------------------

    def secret(self) -> bytes:
        """This installation's secret key (signs form tokens)."""
        return self.workspace.secret()

    @property
    def public_urls(self) -> tuple[str, ...]:
        return self.workspace.public_urls

    @property
    def trusted_proxies(self) -> tuple[str, ...]:
        return self.workspace.trusted_proxies

    @property
    def server_mode(self) -> bool:
        """Many people, each signed in (Settings.server), rather than one local person."""
        return self.workspace.server

    @property
    def network_mode(self) -> bool:
        """The one person's app, listening beyond loopback: each of their devices signs in
        (Settings.network)."""
        return self.workspace.network and not self.workspace.server

    def devices(self) -> Devices:
        """The local person's own devices: the computer's sign-in and pairing phones."""
        from unknot.services.devices import Devices

        return Devices(self)
