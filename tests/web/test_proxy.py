"""The reverse-proxy example, for real (issue 20): Debian's nginx runs deploy/nginx/unknot.conf
on loopback with a certificate from a throwaway authority (trustme), in front of two
`unknot serve --server` processes. Through it, the forwarded host and scheme reach the app, the
sign-in cookie is Secure and host-only, and the origin check holds."""

from __future__ import annotations

import os
import re
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
import trustme

from tests.conftest import require
from tests.signing import add_account
from tests.web.serving import Server, free_port, wait_for_port
from unknot.clock import SystemClock
from unknot.config import Settings
from unknot.services.application import Application

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')
EXAMPLE = Path(__file__).parents[2] / "deploy" / "nginx" / "unknot.conf"


@dataclass
class Proxied:
    url: str
    http_port: int
    ca: Path
    servers: tuple[Server, Server]
    access_log: Path


def site(port: int, http_port: int, apps: tuple[int, int], cert: Path, key: Path, log: Path) -> str:
    """The example as it ships, with this machine's ports, certificate and log put in."""
    text = EXAMPLE.read_text()
    for shipped, here in (
        ("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("unknot.example.org", "localhost"),
        ("/etc/ssl/unknot/fullchain.pem", str(cert)),
        ("/etc/ssl/unknot/privkey.pem", str(key)),
        ("/var/log/nginx/unknot.access.log", str(log)),
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{apps[0]};"),
        ("server 127.0.0.1:8002;", f"server 127.0.0.1:{apps[1]};"),
    ):
        assert shipped in text, f"the example no longer has {shipped!r}"
        text = text.replace(shipped, here)
    return text


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[Proxied]:
    nginx = require("nginx", "Debian's nginx runs the proxy example; `make system-deps`")
    port, http_port = free_port(), free_port()
    public = f"https://localhost:{port}"
    authority = trustme.CA()
    issued = authority.issue_cert("localhost", "127.0.0.1")
    cert, key, ca = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    for extra in issued.cert_chain_pems[1:]:
        with cert.open("ab") as handle:
            handle.write(extra.bytes())
    issued.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca))
    settings = {
        "server": "1",
        "public_url": public,
        "trusted_proxies": "127.0.0.1",
        "database_url": f"sqlite:///{tmp_path / 'unknot.db'}",
    }
    application = Application.from_settings(
        Settings(
            server=True,
            public_url=public,
            database_url=settings["database_url"],
            data_dir=tmp_path / "data",
            config_dir=tmp_path / "config",
        ),
        SystemClock(),
    )
    accounts = application.accounts()
    made = accounts.create_first_administrator("Riverside", "admin@example.org", PASSWORD)
    add_account(accounts, made.organisation_id, "ann@example.org")
    application.close()
    servers = (
        Server(tmp_path / "data", tmp_path / "config", workers=1, **settings),
        Server(tmp_path / "data", tmp_path / "config", workers=1, **settings),
    )
    for server in servers:
        server.start()
    log = tmp_path / "access.log"
    (tmp_path / "site.conf").write_text(
        site(port, http_port, (servers[0].port, servers[1].port), cert, key, log)
    )
    main = tmp_path / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\nhttp {\n"
        + "".join(
            f"  {kind}_temp_path {tmp_path}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  access_log {tmp_path}/nginx-access.log;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    proxy = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(main)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # it logs to error.log beside its configuration
    )
    try:
        wait_for_port(port, "nginx")
        yield Proxied(public, http_port, ca, servers, log)
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        for server in servers:
            server.stop()


def test_through_nginx_cookies_are_secure_and_the_origin_check_holds(proxied: Proxied) -> None:
    with httpx.Client(
        verify=ssl.create_default_context(cafile=str(proxied.ca)),
        follow_redirects=False,
        timeout=20,
    ) as browser:
        page = browser.get(f"{proxied.url}/sign-in")
        assert page.status_code == 200
        assert page.headers["strict-transport-security"].startswith("max-age=")
        token = TOKEN.search(page.text)
        assert token
        # The app saw https and the public host through the proxy: the cookie is the
        # __Host- one, Secure, and the form's origin is accepted.
        signed = browser.post(
            f"{proxied.url}/sign-in",
            data={
                "email": "ann@example.org",
                "password": PASSWORD,
                "next": "/",
                "form_token": token[1],
            },
            headers={"Origin": proxied.url, "Sec-Fetch-Site": "same-origin"},
        )
        assert signed.status_code == 303, signed.text
        cookie = signed.headers["set-cookie"]
        assert cookie.startswith("__Host-unknot_session=")
        assert "secure" in cookie.lower()
        # Both app processes answer for the one sign-in (nginx takes them in turn).
        for _ in range(4):
            assert browser.get(f"{proxied.url}/api/v1/status").status_code == 200
        # Another site's form is refused, through the proxy as without it.
        forged = browser.post(
            f"{proxied.url}/api/v1/checkins",
            json={"moment": "before", "pain": {"neck": 3}},
            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert forged.status_code == 403
        same = browser.post(
            f"{proxied.url}/api/v1/checkins",
            json={"moment": "before", "pain": {"neck": 3}},
            headers={"Origin": proxied.url, "Sec-Fetch-Site": "same-origin"},
        )
        assert same.status_code == 201, same.text
        # A host name not ours, passed on by the proxy, is refused by the app.
        assert (
            browser.get(f"{proxied.url}/sign-in", headers={"Host": "evil.example"}).status_code
            == 421
        )
        # What a client claims in X-Forwarded-For is replaced by the proxy: the sign-in is
        # listed from the proxy's view of the client, not from the claimed address.
        account = browser.get(f"{proxied.url}/account", headers={"X-Forwarded-For": "203.0.113.66"})
        assert "from 127.0.0.1" in account.text
        assert "203.0.113.66" not in account.text
    # Plain HTTP is sent to HTTPS.
    moved = httpx.get(f"http://127.0.0.1:{proxied.http_port}/today", headers={"Host": "localhost"})
    assert moved.status_code == 301
    assert moved.headers["location"] == "https://localhost/today"
    # One process down: the other answers, and the sign-in holds.
    proxied.servers[0].stop()
    with httpx.Client(
        verify=ssl.create_default_context(cafile=str(proxied.ca)),
        follow_redirects=False,
        timeout=20,
    ) as browser:
        browser.cookies.set("__Host-unknot_session", cookie.split(";")[0].split("=", 1)[1])
        assert browser.get(f"{proxied.url}/api/v1/status").status_code == 200
        browser.get(f"{proxied.url}/progress?token=a-calendar-secret")
    # The proxy's log keeps paths, never query strings (a link's token would sit there).
    logged = proxied.access_log.read_text()
    assert '"GET /progress"' in logged
    assert "a-calendar-secret" not in logged
