"""The web app factory: `create_app(application)`; tests and `unknot serve` both use it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import Depends, FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from unknot import __version__
from unknot.services.application import Application
from unknot.web import access, accounts, api, devices, faults, figures, pages, problems
from unknot.web.forms import FormTokens
from unknot.web.guard import SiteGuard
from unknot.web.headers import SecurityHeaders
from unknot.web.limits import BodyLimit
from unknot.web.listening import NetworkState

STATIC = Path(__file__).parent / "static"
# Swagger UI's files, as the fastapi-offline package ships them (its code is not used).
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"


def from_environment() -> FastAPI:
    """The app for the settings in the environment (for `unknot serve --workers N`)."""
    return create_app(Application.configured())


def create_app(application: Application) -> FastAPI:
    """The whole web app for one application (its settings, database and clock)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        application.open()  # migrate (or refuse a newer database) before the first request
        yield
        application.close()

    app = FastAPI(
        title="unknot",
        version=__version__,
        summary="Guided, safety-first exercise for everyday neck and upper-back pain.",
        lifespan=lifespan,
        # On the shared server, every route's rule of who may call it (a no-op locally).
        dependencies=[Depends(access.enforce)],
        docs_url=None,  # served below from a Python package, not a CDN (issue 13)
        redoc_url=None,
    )
    app.state.unknot = application
    app.state.form_tokens = FormTokens(application.secret())
    app.state.network = NetworkState(application)
    if application.server_mode:
        # Innermost of the middleware: its refusals get the security headers too.
        accounts.install(app)
    else:
        # The local app: every browser signs in while it listens on the network (`unknot serve
        # --pair`, or from the Your data page), and none otherwise.
        devices.install(app, always=application.network_mode)
    app.add_middleware(GZipMiddleware, minimum_size=800)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    # Added last, so it runs first: nothing else sees a request from a host or site not ours.
    app.add_middleware(
        SiteGuard,
        public_urls=application.public_urls,
        loopback_only=not (application.server_mode or application.network_mode),
        listening=None
        if application.server_mode or application.network_mode
        else app.state.network.urls,
    )
    problems.install(app)
    pages.install(app)
    faults.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(figures.router)
    if not application.server_mode:
        devices.include_routes(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs/static", StaticFiles(directory=SWAGGER_UI), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        # Swagger UI from a Python package; its start-up is a static file, so the page passes
        # the content security policy.
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> FileResponse:
        # Served from the root so that it controls every page.
        return FileResponse(
            STATIC / "sw.js",
            media_type="text/javascript",
            headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
        )

    @app.get("/manifest.webmanifest", include_in_schema=False)
    def manifest() -> FileResponse:
        return FileResponse(STATIC / "manifest.webmanifest", media_type="application/manifest+json")

    return app
