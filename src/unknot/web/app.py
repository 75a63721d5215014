"""The web app factory: `create_app(workspace, clock)`; tests and `unknot serve` both use it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from unknot import __version__, services
from unknot.clock import Clock, SystemClock
from unknot.web import api, faults, figures, pages, problems
from unknot.web.forms import FormTokens
from unknot.web.guard import SiteGuard
from unknot.web.headers import SecurityHeaders
from unknot.web.limits import BodyLimit

STATIC = Path(__file__).parent / "static"
# Swagger UI's files, as the fastapi-offline package ships them (its code is not used).
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"


def from_environment() -> FastAPI:
    """The app for the settings in the environment (for `unknot serve --workers N`)."""
    from unknot.clock import AcceleratedClock
    from unknot.config import Settings

    workspace = services.Workspace.from_settings(Settings())
    speed = workspace.clock_speed
    return create_app(workspace, AcceleratedClock(speed) if speed != 1.0 else SystemClock())


def create_app(workspace: services.Workspace, clock: Clock | None = None) -> FastAPI:
    """The whole web app for one workspace (one person's data) on one clock."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        workspace.open_store()  # migrate (or refuse a newer database) before the first request
        yield
        services.close_stores()

    app = FastAPI(
        title="unknot",
        version=__version__,
        summary="Guided, safety-first exercise for everyday neck and upper-back pain.",
        lifespan=lifespan,
        docs_url=None,  # served below from a Python package, not a CDN (issue 13)
        redoc_url=None,
    )
    app.state.workspace = workspace
    app.state.clock = clock or SystemClock()
    app.state.form_tokens = FormTokens(workspace.secret())
    app.add_middleware(GZipMiddleware, minimum_size=800)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    # Added last, so it runs first: nothing else sees a request from a host or site not ours.
    app.add_middleware(SiteGuard, public_urls=workspace.public_urls)
    problems.install(app)
    pages.install(app)
    faults.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(figures.router)
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
