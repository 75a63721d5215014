"""Every exception a use case raises that an interface answers: the one module interfaces name
exceptions from (issue 16).

Each message says what is wrong and what to do, so an interface shows it as it is: one line and
exit 2 on the command line, a problem-details answer in the API, the form again on a page.
This module imports nothing heavy, so the command line can name these at start-up.
"""

from __future__ import annotations

from unknot.catalog.problems import CatalogError, FileProblem
from unknot.mail import MailNotSent
from unknot.storage.faults import DatabaseTooNew, StorageFault

__all__ = [
    "AccountProblem",
    "CatalogError",
    "ClearanceProblem",
    "DatabaseTooNew",
    "EventRefused",
    "ExportProblem",
    "FileProblem",
    "ImportProblem",
    "LinkNotValid",
    "MailNotSent",
    "MissingAnswers",
    "NoFigure",
    "NoSuchSession",
    "NotInLoop",
    "NotInPlan",
    "NotLinked",
    "NotThisSession",
    "PasskeyRefused",
    "PasswordAgain",
    "PasswordRejected",
    "PlanImpossible",
    "ProfileProblem",
    "RatingsProblem",
    "SessionOver",
    "SessionsHeldBack",
    "SettingsProblem",
    "SignInRefused",
    "SignInThrottled",
    "StorageFault",
    "UnknownCountry",
    "UnknownExercise",
    "database_errors",
]


class UnknownExercise(LookupError):
    """No exercise has this id; `suggestions` holds the closest ones."""

    def __init__(self, exercise_id: str, suggestions: list[str]) -> None:
        self.exercise_id = exercise_id
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no exercise has the id {exercise_id!r}{hint}")


class NoFigure(LookupError):
    """The exercise exists but has no keyframes yet (one of the person's own)."""

    def __init__(self, exercise_id: str, reason: str | None = None) -> None:
        self.exercise_id = exercise_id
        super().__init__(
            reason
            or f"{exercise_id!r} has no figure yet; add a `figure:` with keyframes to its file "
            "(see the README, 'Drawing an exercise')"
        )


class NotInLoop(ValueError):
    """A side or direction the exercise's figure does not have; the message names those it has."""


class ProfileProblem(ValueError):
    """A profile file or flag is wrong; the message names the field and what is allowed."""


class PlanImpossible(ValueError):
    """No session can be planned from this profile; the message says what to change."""


class SettingsProblem(ValueError):
    """An UNKNOT_ setting is wrong; the message names the variable and what it takes."""


class MissingAnswers(ValueError):
    """A screening without an answer to a question that was asked."""

    def __init__(self, message: str, missing: list[str]) -> None:
        self.missing = missing
        """The ids of the questions that still need an answer, in the order they are asked."""
        super().__init__(message)


class RatingsProblem(ValueError):
    """Activity ratings that cannot be recorded (the first time needs 3 to 5 activities)."""


class UnknownCountry(ValueError):
    """A country unknot knows no emergency number for."""


class ClearanceProblem(ValueError):
    """A clearance that cannot be recorded; the message says why and what to do."""


class SessionsHeldBack(PermissionError):
    """The screening holds sessions (and today's plan) back; the message is the advice, with
    the emergency number where it applies."""


class NotInPlan(LookupError):
    """An exercise that is not in today's plan."""


class NoSwap(ValueError):
    """Nothing, or not the exercise chosen, can take that place in today's plan."""


class NoSuchSession(LookupError):
    """No session (or run of one) with this id belongs to the person, or none to resume."""


class NotThisSession(ValueError):
    """A write that names a session by id but carries another session's key: sent for a
    session that no longer exists (queued in a browser before its data was deleted)."""


class SessionOver(ValueError):
    """A session that was finished, stopped or abandoned cannot be played again."""


class EventRefused(ValueError):
    """A run's start or event the engine cannot take; the message names the field."""


class ExportProblem(ValueError):
    """An export that cannot be written where asked; the message says why and what to do."""


class ImportProblem(ValueError):
    """An import file is malformed or foreign; nothing was changed."""


def database_errors() -> tuple[type[Exception], ...]:
    """The database driver's own exception classes, which `Application.fault_of` reads.

    A function, so that naming them costs the driver's import only once one is raised: Python
    evaluates an `except` clause's classes only when an exception reaches it.
    """
    from sqlalchemy.exc import DBAPIError

    return (DBAPIError,)


class AccountProblem(ValueError):
    """An account that cannot be made as asked (an e-mail already taken, a bad address)."""


class PasswordRejected(ValueError):
    """A new password that is too short, too long or too common; the message says which."""


class SignInRefused(PermissionError):
    """An e-mail and password that do not match: the same words whether or not the account
    exists, so the answer tells nobody who has one."""


class SignInThrottled(PermissionError):
    """Too many failed sign-ins for this account or address: wait `retry_after_s` seconds."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class LinkNotValid(LookupError):
    """A one-time link that is unknown, used or expired (which of these is not said)."""


class SessionTimeProblem(ValueError):
    """A session time or time zone that cannot be used; the message says what to give, and
    `field` ("time" or "zone") which one it is."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class ReminderProblem(ValueError):
    """Reminder settings that cannot be used; the message says what to give, and `field`
    which setting it is ("time", "days", "quiet", "zone", "nudge_at", "channels" or
    "settings" when it is how they go together)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class NoSuchBreak(LookupError):
    """No such desk break of this person's, or a check-in that cannot be kept; the message
    says which."""


class PairingRefused(ValueError):
    """A device's request to join that cannot go on; the message says what to do."""


class NotTheComputer(PermissionError):
    """Only the computer unknot runs on (signed in through the link it printed) does this."""


class NotLinked(LookupError):
    """No care link (or not one of the caller's) stands behind what was asked: answered as not
    found, so that ids tell nobody what exists."""


class PasswordAgain(PermissionError):
    """The password must be given again first (within 5 minutes) for this."""


class PasskeyRefused(ValueError):
    """A passkey registration or sign-in that could not be checked; the message says what to do."""
