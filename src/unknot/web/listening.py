"""The local app listening on the network from its Your data page (issue 21).

"Use unknot on your phone" makes the process that answered it listen on the network too, over
HTTPS, with the same app behind both listeners. A row in the database says so, kept fresh by
that process, so that every process of the app (`make run` has two) asks each browser to sign
in meanwhile, and answers network connections only meanwhile. Each process reads the row at
most once a second (`NetworkState`); the listener waits longer than that before it binds, so
no process still trusts loopback by the time a phone can connect.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Final

from unknot.services.devices import HEARTBEAT_EVERY

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from unknot.services.application import Application

READ_EVERY_S: Final = 1.0
BIND_AFTER_S: Final = 1.5


class NetworkState:
    """Whether this app listens on the network now, and at which addresses: read from the
    database at most once a second (`READ_EVERY_S`) of the application's clock."""

    def __init__(self, application: Application) -> None:
        self.application = application
        self._urls: tuple[str, ...] | None = None
        self._read_at: float | None = None

    def urls(self, fresh: bool = False) -> tuple[str, ...] | None:
        now = self.application.clock.now()
        if fresh or self._read_at is None or now - self._read_at >= READ_EVERY_S:
            found = self.application.devices().listening_urls()
            self._urls = None if found is None else tuple(found)
            self._read_at = now
        return self._urls

    def set(self, urls: tuple[str, ...] | None) -> None:
        """What this process itself just started or stopped: known at once."""
        self._urls = urls
        self._read_at = self.application.clock.now()


def network_server(
    app: FastAPI, port: int, certificate: str | None, key: str | None
) -> uvicorn.Server:
    """The listener phones use: every address, over HTTPS with this computer's certificate
    (plain HTTP only without one), beside a loopback listener that runs the app's lifespan."""
    import uvicorn

    return uvicorn.Server(
        uvicorn.Config(
            app,
            host="0.0.0.0",
            port=port,
            log_level="warning",
            lifespan="off",
            ssl_certfile=certificate,
            ssl_keyfile=key,
        )
    )


async def listen(app: FastAPI, port: int, certificate: str, key: str) -> None:
    """Serve `app` on every address over HTTPS until the listening row goes (stopped from a
    page) or this process stops; then say so."""
    application: Application = app.state.unknot
    devices = application.devices()
    pid = os.getpid()
    state: NetworkState = app.state.network
    server = network_server(app, port, certificate, key)
    # Every process reads the row within READ_EVERY_S: by the time this binds, none trusts
    # loopback any more.
    await asyncio.sleep(BIND_AFTER_S)

    async def beat() -> None:
        while not server.should_exit:
            await asyncio.sleep(HEARTBEAT_EVERY.total_seconds())
            if not await asyncio.to_thread(devices.still_listening, pid):
                server.should_exit = True

    heart = asyncio.create_task(beat())
    try:
        await server.serve()
    except SystemExit:
        # uvicorn exits when it cannot bind (the port was taken after the page's check): that
        # ends this listener, not the process serving loopback.
        pass
    finally:
        heart.cancel()
        await asyncio.to_thread(devices.stopped_listening, pid)
        state.set(None)
