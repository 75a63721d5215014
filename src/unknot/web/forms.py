"""Form tokens: every page form carries proof that this server rendered it for this browser.

The token is an HMAC, under the installation's secret, of a random id the browser keeps in a
cookie. A plain double-submit cookie would not do: a page on another port of 127.0.0.1 can set
cookies for 127.0.0.1 (cookies ignore ports), but it cannot sign an id without the secret
(issue 12).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "unknot_browser"
FIELD = "form_token"
_ID = re.compile(r"[A-Za-z0-9_-]{32}")
# A year: the token only has to outlive the pages a person keeps open.
MAX_AGE_S = 365 * 24 * 3600


class FormRefused(Exception):
    """A form without a valid token: nothing is changed."""


class FormTokens:
    """Issues and checks the form tokens of one installation."""

    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"unknot form token v1\0" + secret).digest()

    def token(self, browser_id: str) -> str:
        return hmac.new(self._key, browser_id.encode("ascii"), hashlib.sha256).hexdigest()

    def browser_id(self, request: Request) -> str | None:
        """The id in this request's cookie, if it is one of ours in form."""
        value = request.cookies.get(COOKIE, "")
        return value if _ID.fullmatch(value) else None

    def issue(self, request: Request) -> str:
        """The token for this browser, giving it an id first if it has none."""
        browser = self.browser_id(request)
        if browser is None:
            browser = secrets.token_urlsafe(24)
            request.state.new_browser_id = browser
        return self.token(browser)

    def set_cookie(self, request: Request, response: Response) -> None:
        """Send the id made by `issue`, if one was made for this request."""
        browser = getattr(request.state, "new_browser_id", None)
        if browser is not None:
            response.set_cookie(
                COOKIE,
                browser,
                max_age=MAX_AGE_S,
                path="/",
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )

    def check(self, request: Request, token: object) -> None:
        """Raise FormRefused unless `token` was issued to this browser."""
        browser = self.browser_id(request)
        if (
            browser is None
            or not isinstance(token, str)
            or not hmac.compare_digest(self.token(browser), token)
        ):
            raise FormRefused
