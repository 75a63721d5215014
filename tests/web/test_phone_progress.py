"""The progress page, its charts and the header at phone width, in real Chromium (issue 17).

Eight weeks of history are written into the server's own database; the page is then read as a
360 px phone shows it. Screenshots of each page at 360 and 1280 px go to $UNKNOT_SHOTS when it
is set (to look at by eye)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from tests.history_fixture import eight_weeks
from tests.web.browsing import browser, module_server, onboard, server
from tests.web.serving import Server
from unknot.services.workspace import Workspace

__all__ = ["browser", "module_server", "server"]  # fixtures, used by name

PHONE: ViewportSize = {"width": 360, "height": 740}
PAGES = ("/today", "/progress", "/profile", "/screening", "/history", "/data", "/exercises")


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    opened = context.new_page()
    yield opened
    context.close()


def with_history(server: Server, page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """Onboarded, with eight weeks of sessions and check-ins before and after each one."""
    onboard(page, server)
    monkeypatch.setenv("UNKNOT_DATA_DIR", server.env["UNKNOT_DATA_DIR"])
    monkeypatch.setenv("UNKNOT_CONFIG_DIR", server.env["UNKNOT_CONFIG_DIR"])
    eight_weeks(Workspace.from_environment().open_store(), "improving", dt.date.today())


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("UNKNOT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


# Every chart <text>'s rendered size: its font size times the drawing's scale on the page.
TEXT_SIZES = """() => [...document.querySelectorAll('figure.chart svg text')].map(t => {
  const svg = t.ownerSVGElement;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale];
})"""


def test_the_progress_page_fits_a_phone(
    phone: Page, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_history(server, phone, monkeypatch)
    phone.goto(server.url + "/progress")
    assert phone.locator("main table").last.locator("tbody tr").count() >= 8  # weeks shown
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    sizes = phone.evaluate(TEXT_SIZES)
    assert len(sizes) > 20
    small = [(text, round(size, 1)) for text, size in sizes if size < 12]
    assert not small, small
    shoot(phone, "progress-360")


def test_before_and_after_are_two_series_named_in_words(
    phone: Page, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_history(server, phone, monkeypatch)
    phone.goto(server.url + "/progress")
    chart = phone.locator("figure.chart svg").nth(1)
    assert "before and after" in (chart.locator("title").text_content() or "")
    series = chart.locator("g.series")
    assert series.count() == 2
    names = [series.nth(n).get_attribute("data-series") for n in range(2)]
    assert names == ["before a session", "after it"]
    before, after = (series.nth(n) for n in range(2))
    sessions = phone.evaluate("fetch('/api/v1/progress').then(r => r.json())")["before_after"]
    assert before.locator("circle").count() == len(sessions) == after.locator("polygon").count()
    # Each series has its own line; neither line joins a session's before to its after.
    assert before.locator("polyline").get_attribute("stroke-dasharray") is None
    assert after.locator("polyline").get_attribute("stroke-dasharray")
    legend = chart.locator("g.legend-entry text").all_text_contents()
    assert legend == ["before a session", "after it"]


def test_the_header_is_one_row_on_every_page(phone: Page, server: Server) -> None:
    onboard(phone, server)
    for path in PAGES:
        phone.goto(server.url + path)
        header = phone.locator("header.top")
        box = header.bounding_box()
        assert box is not None
        assert box["height"] < 60, (path, box)
        tops = phone.evaluate(
            """() => [...document.querySelectorAll('header.top > *')]
                .filter(e => e.getBoundingClientRect().height > 0)
                .map(e => Math.round(e.getBoundingClientRect().top))"""
        )
        assert len(tops) >= 2, (path, tops)
        assert len(set(tops)) == 1, (path, tops)
    # Every link is one tap away: the menu opens over the page, and closes on Escape.
    phone.goto(server.url + "/progress")
    assert not phone.locator("nav[aria-label=Main] a[href='/history']").is_visible()
    phone.click("header.top .menu-button")
    link = phone.locator("nav[aria-label=Main] a[href='/history']")
    assert link.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.keyboard.press("Escape")
    assert not link.is_visible()
    phone.click("header.top .menu-button")
    phone.click("nav[aria-label=Main] a[href='/history']")
    phone.wait_for_url("**/history")


def test_screenshots_at_phone_and_desktop_width(
    browser: Browser, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wide header shows its links and no menu button; pages shot for looking at."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    wide = context.new_page()
    with_history(server, wide, monkeypatch)
    for path in ("/progress", "/profile", "/screening"):
        wide.goto(server.url + path)
        assert wide.locator("nav[aria-label=Main] a[href='/history']").is_visible()
        assert not wide.locator("header.top .menu-button").is_visible()
        assert wide.locator("header.top").bounding_box()["height"] < 70  # type: ignore[index]
        shoot(wide, f"{path.strip('/')}-1280")
    context.close()
    narrow = browser.new_context(viewport=PHONE, is_mobile=True)
    small = narrow.new_page()
    for path in ("/progress", "/profile", "/screening"):
        small.goto(server.url + path)
        assert small.evaluate("document.documentElement.scrollWidth") <= 360, path
        shoot(small, f"{path.strip('/')}-360")
    small.goto(server.url + "/progress")
    small.click("header.top .menu-button")
    shoot(small, "menu-open-360")
    narrow.close()
