"""The body limit: a request body over 1 MiB is refused with 413 before anything parses it."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unknot.web.problems import problem_response

MAX_BODY_BYTES = 1024 * 1024
TOO_LARGE = (
    f"the body is over {MAX_BODY_BYTES // 1024} KiB, the most unknot reads; nothing was changed"
)


class BodyLimit:
    """ASGI middleware: 413 for a declared Content-Length over the limit; for a body without
    one (chunked), 413 as soon as what arrived passes it.

    The second is raised from `receive` as an HTTPException, which FastAPI's body parsing lets
    through unchanged (any other error there becomes a 400), so it reaches the problem handler.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
            response = problem_response(Request(scope), 413, "Request too large", TOO_LARGE)
            await response(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > MAX_BODY_BYTES:
                    raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, limited, send)
