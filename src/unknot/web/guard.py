"""The site guard: which requests unknot answers at all, and which may change anything.

Health data sits behind this app with no login on loopback, so another web page the person has
open must not be able to read or change it (issue 12). Two rules, before any route runs:

- Only its own host names: loopback with the server's port, and the configured public URLs. A
  DNS-rebinding page reaches the server under a name of its own, and gets 421.
- An unsafe method from a browser comes from one of the server's own origins: `Sec-Fetch-Site`
  is `same-origin` (or `none`: the person's own navigation) and `Origin` is exactly one of ours.
  `same-site` is refused too: a page on another port of 127.0.0.1 is same-site.

Every unsafe API call must also be JSON (`web.api.require_json`, after routing, so that a method
a route does not take is a 405 naming the ones it does).

Forms carry a signed token as well (`web.forms`); a request with neither browser header (curl, a
script) is judged by that token or by the JSON rule alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from unknot.web.problems import problem_response

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_PORTS = {"http": 80, "https": 443}
TRUSTED_FETCH_SITES = frozenset({"same-origin", "none"})


@dataclass(frozen=True, slots=True)
class Origin:
    """A scheme, host and port: what a browser's Origin header names."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = DEFAULT_PORTS.get(self.scheme)
        return f"{self.scheme}://{host}" + ("" if self.port == default else f":{self.port}")

    @property
    def authority(self) -> str:
        """The Host header that names it."""
        return str(self).split("://", 1)[1]


def parse_origin(value: str) -> Origin | None:
    """An Origin header (or a public URL) as an Origin; None for "null" or anything malformed."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return Origin(scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme])


def parse_host(value: str) -> tuple[str, int | None] | None:
    """A Host header as (host, port or None when it names none); None when malformed."""
    value = value.strip().lower()
    if not value or any(c in value for c in "/\\@?#% \t"):
        return None
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:]
    else:
        host, _, port_text = value.partition(":")
        if ":" in port_text:
            return None  # an IPv6 address must be bracketed
    if not host:
        return None
    if not port_text:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None
    return host, int(port_text)


def _is_loopback(address: str) -> bool:
    """Whether the address a connection arrived on is loopback. The server's own side of the
    connection, not the peer's (a proxy on this machine makes every peer 127.0.0.1) nor the
    Host header (the client's to choose). A name that is no address (an in-process test
    client's) is not a connection at all."""
    import ipaddress

    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return True


def arrived_on_loopback(scope: Scope) -> bool:
    """Whether this connection came in on a loopback address of this machine (the server's
    side of it: see `_is_loopback`)."""
    server = scope.get("server")
    return server is None or _is_loopback(str(server[0]))


def _origins(urls: Iterable[str]) -> tuple[Origin, ...]:
    return tuple(o for o in (parse_origin(u) for u in urls) if o is not None)


def accepted_hosts(public_urls: Iterable[str], port: int) -> list[str]:
    """The Host names answered on this port, as people would type them."""
    public = (parse_origin(u) for u in public_urls)
    return [Origin("http", h, port).authority for h in LOOPBACK_HOSTS] + [
        p.authority for p in public if p is not None
    ]


class SiteGuard:
    """ASGI middleware applying the three rules above; refusals are problem details."""

    def __init__(
        self,
        app: ASGIApp,
        public_urls: Iterable[str] = (),
        loopback_only: bool = False,
        listening: Callable[[], tuple[str, ...] | None] | None = None,
    ) -> None:
        self.app = app
        self.public = _origins(public_urls)
        self.loopback_only = loopback_only
        """The app serves without a sign-in (issue 21): a connection that arrived on an
        address other than loopback is refused, whoever started the server how."""
        self.listening = listening
        """The phones' addresses while the local app listens on the network from its Your data
        page (then network connections are answered, at those names), else None."""

    def own_origins(
        self, scheme: str, port: int | None, public: tuple[Origin, ...] = ()
    ) -> set[Origin]:
        """The origins this server is: loopback on its own port, and its public URLs."""
        own = set(public or self.public)
        if port is not None:
            own.update(Origin(scheme, host, port) for host in LOOPBACK_HOSTS)
        return own

    def accepts_host(
        self,
        host: tuple[str, int | None],
        scheme: str,
        port: int | None,
        public: tuple[Origin, ...] = (),
    ) -> bool:
        """Loopback names on the server's own port, or a public URL's host and port."""
        name, given = host
        if name in LOOPBACK_HOSTS and (
            port is None or (given or DEFAULT_PORTS.get(scheme)) == port
        ):
            return True
        # A loopback name on another port is accepted only as a public URL: a proxy on this
        # machine in front of it (the proxy test's https://localhost:PORT).
        # Behind a proxy the request may arrive as plain HTTP for an https public URL: a bare
        # name means the public URL's own default port, whatever the scheme seen here.
        return any(
            name == url.host and (given or DEFAULT_PORTS[url.scheme]) == url.port
            for url in public or self.public
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, title, detail = refusal
        await problem_response(Request(scope), status, title, detail)(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        """Why this request is refused (status, title, detail), or None to serve it."""
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        scheme = str(scope.get("scheme", "http"))
        server = scope.get("server")
        port = int(server[1]) if server and server[1] is not None else None
        listening = self.listening() if self.listening is not None else None
        public = self.public + _origins(listening) if listening else self.public
        if self.loopback_only and not listening and server and not _is_loopback(str(server[0])):
            return (
                403,
                "Not served on the network without pairing",
                "this unknot has no sign-in, so it answers only on this computer (127.0.0.1). "
                "To use it from a phone, start it with `unknot serve --pair`.",
            )
        raw_host = headers.get("host", "")
        host = parse_host(raw_host)
        if host is None or not self.accepts_host(host, scheme, port, public):
            names = ", ".join(
                accepted_hosts([str(p) for p in public], port or DEFAULT_PORTS[scheme])
            )
            return (
                421,
                "Unknown host name",
                f"this unknot answers only to {names}, not to {raw_host or 'no Host header'!r}; "
                "open it at one of those addresses, or add the address you use to "
                "UNKNOT_PUBLIC_URL",
            )
        if scope["method"] not in UNSAFE_METHODS:
            return None
        site = headers.get("sec-fetch-site", "").strip().lower() or None
        if site is not None and site not in TRUSTED_FETCH_SITES:
            return (
                403,
                "Refused from another site",
                f"a page on another site ({site}) tried to change your unknot data; nothing "
                "was changed. Use unknot from its own pages.",
            )
        origin_header = headers.get("origin")
        # `Referrer-Policy: no-referrer` makes Chromium send `Origin: null` with the app's own
        # form posts; `Sec-Fetch-Site: same-origin`, which no page can forge, vouches for those.
        if origin_header == "null" and site == "same-origin":
            origin_header = None
        if origin_header is not None:
            origin = parse_origin(origin_header)
            if origin is None or origin not in self.own_origins(scheme, port, public):
                return (
                    403,
                    "Refused from another origin",
                    f"a page from {origin_header!r} tried to change your unknot data; nothing "
                    "was changed. Use unknot from its own pages.",
                )
        return None
