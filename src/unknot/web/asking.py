"""Who is asking, for every route: the one place a request becomes an actor.

Today the local person (no login, one person per installation); with accounts, the person the
request's session cookie names. Routes take the actor as a dependency and never look a person
up themselves.
"""

from __future__ import annotations

from fastapi import Request

from unknot.services.actor import Actor
from unknot.services.application import Application


def application(request: Request) -> Application:
    found: Application = request.app.state.unknot
    return found


def who_is_asking(request: Request) -> Actor:
    """The application bound to who is asking."""
    return application(request).local()


async def actor(request: Request) -> Actor:
    """`who_is_asking`, as the routes' dependency. A coroutine: FastAPI runs a plain function
    in its thread pool, which costs the hot routes more than their work (issue 7)."""
    return who_is_asking(request)
