"""Who is asking, for every route: the one place a request becomes an actor.

A local unknot serves its one person, with no login. On the shared server (issue 20) it is the
person whose sign-in the request's cookie names (`web.accounts.SignInGate` looked it up before
any route ran). Routes take the actor as a dependency and never look a person up themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

from unknot.services.actor import Actor
from unknot.services.application import Application

if TYPE_CHECKING:
    from unknot.services.accounts import CurrentSignIn
    from unknot.services.catalog import Exercises


class SignInNeeded(Exception):
    """A route needs a person and the request has no live sign-in."""


class NoProgramme(Exception):
    """Signed in, but as an account with no records of its own (a clinician, an admin)."""


def application(request: Request) -> Application:
    found: Application = request.app.state.unknot
    return found


def signed_in(request: Request) -> CurrentSignIn | None:
    """The request's sign-in on the shared server; None locally or when there is none."""
    found: CurrentSignIn | None = request.scope.get("state", {}).get("sign_in")
    return found


def who_is_asking(request: Request) -> Actor:
    """The application bound to who is asking."""
    app = application(request)
    if not app.server_mode:
        return app.local()
    found = signed_in(request)
    if found is None:
        raise SignInNeeded
    if found.account.person_id is None:
        raise NoProgramme
    return app.acting_as(found.account.person_id)


async def actor(request: Request) -> Actor:
    """`who_is_asking`, as the routes' dependency. A coroutine: FastAPI runs a plain function
    in its thread pool, which costs the hot routes more than their work (issue 7)."""
    return who_is_asking(request)


async def catalog(request: Request) -> Exercises:
    """The catalog's use cases, which read nobody's records: for any caller."""
    return application(request).catalog()


def forget_everything(request: Request, you: Actor) -> dict[str, int]:
    """ "Forget me": locally, everything about the one person; on the shared server, the
    person's whole account with it (their sign-ins, care links and notes)."""
    found = signed_in(request)
    if found is None:
        return you.forget()
    return application(request).accounts().delete_account(found.account)
