"""Shared by the browser tests: Debian's Chromium, a real `unknot serve`, and onboarding.

Time in the page is Playwright's clock; the server keeps real time. Stopping the server is the
offline test (Playwright's offline switch misses service-worker traffic).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.answers import answers_for
from tests.conftest import IN_CI
from tests.web.serving import Server

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling test module without Chromium; under CI=true, fail it (issue 3)."""
    if not Path(CHROMIUM).exists():
        message = (
            "Chromium is not installed (Debian package chromium); `make system-deps` installs it"
        )
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)


require_chromium()

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright  # noqa: E402

PHONE: ViewportSize = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized touch page on the page clock."""
    context = browser.new_context(viewport=PHONE, has_touch=True)
    opened = context.new_page()
    opened.clock.install()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One `unknot serve` with one worker for a test module (issue 15: a two-worker server for
    each test took 1.5 to 2.4 s of set-up each)."""
    home = tmp_path_factory.mktemp("server")
    running = Server(home / "data", home / "config", workers=1)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def server(module_server: Server) -> Server:
    """The module's server with nothing stored, as on a first visit; restarted if a test
    before this one left it stopped. Each test has its own browser context, so nothing the
    browser kept carries over either."""
    if not module_server.running:
        module_server.start()
    module_server.forget()
    return module_server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    opened.clock.install()
    yield opened
    context.close()


def answer_screening(page: Page, *yes: str, country: str = "GB") -> None:
    """Answer the screening page as a person does: follow-ups appear only after a yes."""
    page.select_option("select[name=country]", country or "")
    for question_id, answer in answers_for(*yes).items():
        page.check(f"input[name={question_id}][value={'yes' if answer else 'no'}]")


def onboard(
    page: Page,
    server: Server,
    minutes: int = 10,
    *,
    by_hand: bool = False,
    profile_extra: dict[str, object] | None = None,
) -> None:
    """Screening, then the profile, then today's plan: through the pages `by_hand`, else
    through the API (the tests that are not about onboarding; it saves a second each), with
    `profile_extra` on top of the profile."""
    if not by_hand:
        server.send("POST", "/api/v1/screening", {"answers": answers_for(), "country": "GB"})
        profile = server.get("/api/v1/profile")
        profile.update(minutes=minutes, pain={"neck": 5}, **(profile_extra or {}))
        server.send("PUT", "/api/v1/profile", profile)
        page.goto(server.url + "/today")
        assert "which you rated 5/10" in page.content()
        under_service_worker(page)
        return
    page.goto(server.url + "/")
    assert page.url.endswith("/screening")
    answer_screening(page)
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "You can exercise"
    page.click("text=Continue")
    assert page.url.endswith("/profile")
    page.select_option("select[name=pain_neck]", "5")
    page.fill("input[name=minutes]", str(minutes))
    page.click("text=Save and plan today")
    assert page.url.endswith("/today")
    assert "which you rated 5/10" in page.content()
    under_service_worker(page)


def under_service_worker(page: Page, limit_s: float = 30) -> None:
    """Wait until the service worker controls the page, as it does for a person by the time they
    have answered the screening and the profile: what the player prefetches is then cached.

    Polled from here with Playwright's own wait (real time; the page's timers are Playwright's
    fake clock), up to a deadline a busy machine meets."""
    deadline = time.monotonic() + limit_s
    while not page.evaluate("navigator.serviceWorker.controller !== null"):
        assert time.monotonic() < deadline, "the service worker never took control of the page"
        page.wait_for_timeout(50)


def begin_session(page: Page, neck: int = 5) -> None:
    page.click("#start")
    page.wait_for_selector("#before-form")
    page.select_option("#before-form select[name=neck]", str(neck))
    page.click("#before-form button")
    page.wait_for_selector("#stage:not([hidden])")


def step_now(page: Page) -> int:
    return int(page.locator("#player").get_attribute("data-step") or "-1")


def wait_saved(page: Page) -> None:
    """Let the outbox deliver everything (its retries run on the page clock)."""
    for _ in range(60):
        page.clock.run_for(3500)
        if page.locator("#status-line").inner_text() == "Everything is saved.":
            return
        time.sleep(0.25)
    raise AssertionError(page.locator("#status-line").inner_text())


def figure_loaded(page: Page) -> str:
    """The figure's URL once its document has loaded and been set to the current step."""
    page.wait_for_function(
        # A new <object>'s document exists before it has a root element: every link of the
        # chain may still be null, and the wait must keep polling rather than throw.
        # A function, not an expression: the page's policy forbids evaluating strings.
        "() => { const o = document.getElementById('figure-obj');"
        " const d = o?.contentDocument;"
        " return Boolean(o?.dataset.url && d?.documentElement?.nodeName === 'svg'"
        " && d.URL.endsWith(o.dataset.url)"
        " && o.dataset.step === document.getElementById('player')?.dataset.step); }"
    )
    return page.locator("#figure-obj").get_attribute("data-url") or ""
