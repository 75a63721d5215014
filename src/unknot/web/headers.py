"""Response headers that protect health data (issue 13).

Every response says what the browser may do with it: pages run only the app's own files (no
inline script or style anywhere), are never framed and send no referrer; figures, which carry
their keyframes in a `<style>`, get a policy of their own that the player's `<object>` may embed.
Responses that hold personal data are never stored by a cache.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# After `forget`, nothing the browser kept may be sent again or shown: the outbox, the offline
# copies and the player's place. Cookies stay: they hold no health data.
CLEAR_SITE_DATA = '"cache", "storage"'

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
FIGURE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
# Everything the app does not use is denied; the player keeps the screen awake.
PERMISSIONS = ", ".join(
    (
        "screen-wake-lock=(self)",
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "midi=()",
        "magnetometer=()",
        "gyroscope=()",
        "accelerometer=()",
        "display-capture=()",
    )
)
EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS,
}
# Paths without personal data, which caches may keep (each sets its own Cache-Control or ETag).
SHARED_PREFIXES = ("/static/", "/figures/", "/docs", "/openapi.json", "/sw.js", "/manifest.")


def policy_for(path: str) -> str:
    return FIGURE_POLICY if path.startswith("/figures/") else PAGE_POLICY


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope["path"])
        personal = not path.startswith(SHARED_PREFIXES)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_RESPONSE.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", policy_for(path))
                if personal:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
