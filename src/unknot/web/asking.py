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


def actor(request: Request) -> Actor:
    """The application bound to who is asking."""
    return application(request).local()
