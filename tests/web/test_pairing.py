"""Pairing a phone for real (issue 21): `unknot serve --pair` on this machine's network address
over HTTPS with its own certificate authority, which Chromium trusts through an NSS database in
a temporary home folder (as a phone that installed it would), so the service worker registers.

The computer's browser signs in through the printed link and shows the QR code; the test reads
the code from a screenshot with zxing-cpp, as a phone's camera would; a phone-sized touch
context opens it, names itself, is admitted on the computer, and plays a session whose steps
land in the computer's database. Then the network listener's own protections: other hosts,
other sites, and the security headers."""

from __future__ import annotations

import io
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.conftest import IN_CI
from tests.web.browsing import ARGS, CHROMIUM, begin_session, under_service_worker, wait_saved
from tests.web.serving import free_port, wait_for_port
from unknot.config import Settings
from unknot.services.application import Application
from unknot.tls import authority_fingerprint, host_name, network_addresses

CERTUTIL = "/usr/bin/certutil"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/computer/[A-Za-z0-9_-]+")


def _require(path: str, package: str) -> None:
    if not Path(path).exists():
        message = f"{path} is missing (Debian package {package}); `make system-deps` installs it"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)


_require(CERTUTIL, "libnss3-tools")


@dataclass
class Paired:
    home: Path
    data: Path
    config: Path
    port: int
    pair_port: int
    address: str
    link: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def phone_url(self) -> str:
        return f"https://{self.address}:{self.pair_port}"

    @property
    def authority(self) -> Path:
        return self.data / "tls" / "ca.crt"

    def start(self) -> None:
        """`unknot serve --pair` on this machine's address; `link` is the one it prints."""
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "unknot",
                "serve",
                "--pair",
                "--port",
                str(self.port),
                "--pair-port",
                str(self.pair_port),
                "--address",
                self.address,
            ],
            env={
                **os.environ,
                "UNKNOT_DATA_DIR": str(self.data),
                "UNKNOT_CONFIG_DIR": str(self.config),
                "PYTHONUNBUFFERED": "1",
                "LANG": "en_GB.UTF-8",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdout is not None
        link = None
        deadline = time.monotonic() + 30
        while link is None and time.monotonic() < deadline:
            line = self.process.stdout.readline().decode()
            if not line:
                break
            match = LINK.search(line)
            link = match[0] if match else None
        assert link, "unknot serve --pair printed no sign-in link for the computer"
        self.link = link
        wait_for_port(self.port, "unknot serve --pair")
        wait_for_port(self.pair_port, "unknot serve --pair (network)")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            assert self.process.stdout is not None
            self.process.stdout.close()
            self.process = None


def trust_in_chromium(home: Path, authority: Path) -> None:
    """Chromium on Linux trusts what the NSS database in $HOME/.pki/nssdb trusts: as a phone
    that installed this computer's authority does."""
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run([CERTUTIL, "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True)
    subprocess.run(
        [CERTUTIL, "-A", "-d", f"sql:{nssdb}", "-n", "unknot", "-t", "C,,", "-i", str(authority)],
        check=True,
    )


@pytest.fixture(scope="module")
def paired(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Paired]:
    found = [a for a in network_addresses() if ":" not in a]
    if not found:
        message = "this machine has no IPv4 network address for a phone to reach"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("paired")
    data, config, home = root / "data", root / "config", root / "home"
    # Someone who has used unknot on this computer: screened and planned, so the phone plays.
    from tests.answers import answers_for

    application = Application.from_settings(Settings(data_dir=data, config_dir=config))
    you = application.local()
    you.submit_screening(answers_for(), country="GB")
    profile = you.profile()
    you.save_profile(profile.model_copy(update={"minutes": 10, "pain": {"neck": 5}}))
    application.close()
    running = Paired(home, data, config, free_port(), free_port(), found[0])
    running.start()
    trust_in_chromium(home, running.authority)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def trusting_browser(paired: Paired) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # The phone finds this computer by its .local name too (mDNS on a home network;
        # here a resolver rule).
        name = f"{host_name()}.local"
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*ARGS, f"--host-resolver-rules=MAP {name} {paired.address}"],
            env={**os.environ, "HOME": str(paired.home)},
        )
        yield launched
        launched.close()


def phone_context(browser: Browser) -> BrowserContext:
    return browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


def read_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, f"{len(found)} codes found in the screenshot"
    return str(found[0].text)


def test_a_phone_pairs_by_the_qr_code_and_plays_a_session_over_https(
    paired: Paired, trusting_browser: Browser
) -> None:
    desk_context = trusting_browser.new_context(viewport={"width": 1280, "height": 800})
    desk = desk_context.new_page()
    desk.goto(paired.link)
    assert desk.url.startswith(f"http://127.0.0.1:{paired.port}/")
    desk.goto(f"http://127.0.0.1:{paired.port}/devices")
    assert "This computer" in desk.locator("#devices").inner_text()
    # First the trust step: a code with no secret in it, for a phone new to this computer.
    trust_link = read_qr(desk.locator("#trust-qr").screenshot())
    assert trust_link == f"{paired.phone_url}/pair/trust"
    desk.click("#pair")
    link = read_qr(desk.locator("#qr").screenshot())
    assert link.startswith(f"{paired.phone_url}/join/")
    assert len(link.rsplit("/", 1)[1]) >= 22  # 128 random bits

    hand_context = phone_context(trusting_browser)
    hand = hand_context.new_page()
    hand.goto(trust_link)
    fingerprint = hand.locator("#fingerprint").inner_text().replace("\n", ":")
    assert fingerprint == authority_fingerprint(paired.authority.read_text())
    hand.goto(link)  # no certificate warning: the authority is trusted
    assert hand.evaluate("window.isSecureContext")
    hand.fill("input[name=name]", "Sam's phone")
    hand.tap("#join button")
    hand.wait_for_url("**/join/waiting")
    # The computer's page sees the name within its next poll, and the person admits it.
    desk.wait_for_selector("#asking-name", timeout=15_000)
    assert desk.locator("#asking-name").inner_text() == "Sam's phone"
    desk.click("#admit")
    desk.wait_for_selector("#paired")
    hand.wait_for_url(f"{paired.phone_url}/**", timeout=15_000)
    hand.wait_for_function("() => !location.pathname.startsWith('/join')", timeout=15_000)
    hand.goto(f"{paired.phone_url}/today")
    assert "which you rated 5/10" in hand.content()
    # Over HTTPS with a trusted certificate the service worker registers and takes control.
    under_service_worker(hand)

    player = hand_context.new_page()
    player.clock.install()
    player.goto(f"{paired.phone_url}/today")
    begin_session(player)
    player.clock.run_for(60_000)
    wait_saved(player)
    wake = player.locator("#player").get_attribute("data-wake-lock")
    assert wake in ("held", "refused"), wake  # asked for, over HTTPS; never "unsupported"
    # Offline: the computer goes away mid-session (the Wi-Fi drops); the phone plays on from
    # its service worker's cache and outbox, and everything lands when it is back.
    paired.stop()
    player.clock.run_for(90_000)
    offline_step = int(player.locator("#player").get_attribute("data-step") or "-1")
    assert int(player.locator("#player").get_attribute("data-pending") or "0") > 0
    paired.start()
    wait_saved(player)
    desk.goto(paired.link)  # the computer signs in again with the link printed this time
    assert int(player.locator("#player").get_attribute("data-step") or "-1") >= offline_step
    # The steps are in the computer's database, and the computer's own pages show them.
    history = desk.request.get(f"http://127.0.0.1:{paired.port}/api/v1/history").json()
    assert history
    assert history[0]["steps_done"] >= offline_step  # the offline steps too, each once
    devices = desk.goto(f"http://127.0.0.1:{paired.port}/devices")
    assert devices is not None
    assert "Sam's phone" in desk.locator("#devices").inner_text()

    # Signed out from the computer: the phone is out at its next request.
    desk.click('button[aria-label="Sign out Sam\'s phone"]')
    status = hand.evaluate("fetch('/api/v1/status', {cache: 'no-store'}).then(r => r.status)")
    assert status == 401
    hand_context.close()
    desk_context.close()


def _https(paired: Paired, path: str, **headers: str) -> tuple[int, Message]:
    context = ssl.create_default_context(cafile=str(paired.authority))
    request = urllib.request.Request(paired.phone_url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            return answer.status, answer.headers
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers


def test_the_network_listener_keeps_every_protection(paired: Paired) -> None:
    status, headers = _https(paired, "/join")
    assert status == 200
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    # A rebinding page's own host name is refused.
    status, _ = _https(paired, "/join", Host=f"evil.example:{paired.pair_port}")
    assert status == 421
    # A form posted from another site changes nothing.
    context = ssl.create_default_context(cafile=str(paired.authority))
    request = urllib.request.Request(
        paired.phone_url + "/join",
        data=b"code=AAAA-AAAA&name=x",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://evil.example",
            "Sec-Fetch-Site": "cross-site",
        },
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, context=context, timeout=10)
    refused.value.close()
    assert refused.value.code == 403
    # The certificate names this machine's address and host name, under the trusted authority.
    status, _ = _https(paired, "/api/v1/status")
    assert status == 401  # and nothing is served unsigned-in on the network


def test_at_a_host_name_a_paired_phone_adds_a_passkey_and_signs_in_with_it(
    paired: Paired, trusting_browser: Browser
) -> None:
    from tests.web.test_passkeys import with_authenticator

    name = f"{host_name()}.local"
    browser = trusting_browser
    desk = browser.new_context().new_page()
    # A new link for the computer, as `unknot link` prints it.
    printed = subprocess.run(
        [sys.executable, "-m", "unknot", "link", "--port", str(paired.port)],
        env={
            **os.environ,
            "UNKNOT_DATA_DIR": str(paired.data),
            "UNKNOT_CONFIG_DIR": str(paired.config),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    found = LINK.search(printed.stdout)
    assert found, printed.stdout
    desk.goto(found[0])
    desk.goto(f"http://127.0.0.1:{paired.port}/devices")
    desk.click("#pair")
    link = read_qr(desk.locator("#qr").screenshot())
    by_name = link.replace(paired.address, name)
    hand_context = phone_context(browser)
    hand = hand_context.new_page()
    with_authenticator(hand)
    hand.goto(by_name)
    hand.fill("input[name=name]", "Sam's phone")
    hand.tap("#join button")
    desk.wait_for_selector("#asking-name", timeout=15_000)
    desk.click("#admit")
    hand.wait_for_function("() => !location.pathname.startsWith('/join')", timeout=15_000)
    hand.goto(f"https://{name}:{paired.pair_port}/devices")
    assert hand.locator("#no-passkeys").count() == 0  # a host name over HTTPS: offered
    hand.click("#add-passkey")
    hand.wait_for_function(
        "() => document.getElementById('passkeys')?.textContent.includes(\"Sam's phone\")",
        timeout=15_000,
    )
    # Its sign-in ends (signed out from the computer); the passkey signs it in again,
    # as the same phone, with no pairing.
    desk.goto(f"http://127.0.0.1:{paired.port}/devices")
    desk.click('button[aria-label="Sign out Sam\'s phone"]')
    hand.goto(f"https://{name}:{paired.pair_port}/today")
    assert "/join" in hand.url
    hand.click("#passkey-sign-in")
    hand.wait_for_function("() => !location.pathname.startsWith('/join')", timeout=15_000)
    status = hand.evaluate("fetch('/api/v1/status', {cache: 'no-store'}).then(r => r.status)")
    assert status == 200
    desk.goto(f"http://127.0.0.1:{paired.port}/devices")
    assert "Sam's phone" in desk.locator("#devices").inner_text()
    # At the address, the same phone's page says why there is no passkey.
    hand.goto(f"{paired.phone_url}/join")
    assert hand.locator("#passkey-sign-in").count() == 0
    hand_context.close()
