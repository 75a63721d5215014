"""Who is asking: the application seen by one person, which every use case works through."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unknot.clock import Clock
    from unknot.domain.screening import EmergencyNumber
    from unknot.services.application import Application
    from unknot.services.workspace import Workspace
    from unknot.storage.repository import Store


class Acting:
    """The application bound to one person: today the local one, with accounts the one signed
    in. The use cases (the subclasses in each service module) read the person, the store and
    the clock from here, never from a module-level "current person".

    The local person is looked up the first time a use case needs them, so a command that needs
    nobody (the catalog) opens no database.
    """

    def __init__(self, app: Application, person_id: int | None = None) -> None:
        self.app = app
        self._given = person_id
        self._person_id = person_id

    @property
    def person_id(self) -> int:
        if self._person_id is None:
            self._person_id = self._store.local_person()
        return self._person_id

    @property
    def is_local(self) -> bool:
        """Bound to the one person of a local install rather than to a given person."""
        return self._given is None

    def existing_person(self) -> int | None:
        """The person, without making the local one when there is none yet (planning and
        export are not a first visit)."""
        return self._store.find_local_person() if self.is_local else self.person_id

    def remembered_person(self) -> int:
        """The person, for the hot paths: the local person's id as the application remembers
        it (one query fewer per event). A stale id finds no rows, and `look_again` then
        looks afresh (another process may have run "forget me")."""
        if self._person_id is None:
            self._person_id = self.app.remembered_local_person()
        return self._person_id

    def look_again(self) -> int:
        """After a lookup that missed under a remembered id: the local person afresh."""
        if not self.is_local:
            return self.person_id
        self.app.local_person_id = None
        self._person_id = None
        return self.remembered_person()

    @property
    def _store(self) -> Store:
        return self.app._store

    @property
    def clock(self) -> Clock:
        return self.app.clock

    @property
    def workspace(self) -> Workspace:
        return self.app.workspace

    def emergency_call(self) -> EmergencyNumber:
        """The emergency number to tell this person, and whether it is only a guess: the
        configured one, else their country's, else the locale's."""
        from sqlalchemy.exc import SQLAlchemyError

        from unknot.storage.faults import StorageFault

        try:
            country = self.country()
        except (SQLAlchemyError, OSError, RuntimeError, StorageFault):
            country = None  # the number must be given even when the database cannot be read
        return self.workspace.emergency_call(country)

    def country(self) -> str | None:
        """The country the person chose, if any. The local person's is read without making
        them: every page asks, and looking changes nothing (issue 12)."""
        store = self.app._store
        return store.local_country() if self.is_local else store.country(self.person_id)

    def emergency(self) -> str:
        """The emergency number to tell this person."""
        return self.emergency_call().number

    def today_date(self) -> dt.date:
        """Today, by the application's clock, in the person's time zone."""
        from unknot.clock import today

        return today(self.clock)
