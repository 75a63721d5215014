"""The application as one person uses it: every use case, each taking the person from here."""

from __future__ import annotations

from unknot.services.breaks import Breaks
from unknot.services.figures import Figures
from unknot.services.player import BrowserSessions
from unknot.services.printouts import Printouts
from unknot.services.records import Records
from unknot.services.reminders import Reminders


class Actor(BrowserSessions, Printouts, Reminders, Breaks, Figures, Records):
    """Who is asking, and everything they can ask. Each base holds one subject's use cases, in
    that subject's service module; all of them share `Acting`'s person, store and clock."""
