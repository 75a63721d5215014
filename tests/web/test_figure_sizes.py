"""Figures that teach the movement (issue 18), measured in real Chromium: the player's figure
is big on a phone and opens full screen, the person drawn on Today and in the catalog is big
enough to make out, and every figure is the version the person does.

Sizes come from the figures themselves: each animated SVG's root says where the drawn body
(`data-content`) and the head (`data-head`) are in its viewBox, so the CSS pixels they take are
the element's box scaled as the SVG scales (`preserveAspectRatio` meet: the smaller ratio).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from tests.web.browsing import (
    begin_session,
    browser,
    figure_loaded,
    module_server,
    onboard,
    server,
)
from tests.web.serving import Server

__all__ = ["browser", "module_server", "server"]  # fixtures, used by name

SMALL_PHONE: ViewportSize = {"width": 360, "height": 640}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
# The least sizes a person can learn the movement from (issue 18).
PLAYER_BOX_PX = 160
CLOSE_UP_HEAD_PX = 40
PERSON_PX = 48

# For each element matched: its box, its figure's URL and the figure root's measurements.
MEASURE = """async (selector) => {
  const numbers = (root, name) =>
    (root.getAttribute(name) || "").trim().split(/[\\s,]+/).filter(Boolean).map(Number);
  const found = [];
  for (const element of document.querySelectorAll(selector)) {
    const url = element instanceof HTMLObjectElement
      ? element.data : element.currentSrc || element.src;
    const text = await (await fetch(url)).text();
    const root = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    const box = element.getBoundingClientRect();
    found.push({
      url: new URL(url).pathname + new URL(url).search,
      box: [box.width, box.height],
      viewBox: numbers(root, "viewBox"),
      content: numbers(root, "data-content"),
      head: numbers(root, "data-head"),
      crop: root.getAttribute("data-crop"),
    });
  }
  return found;
}"""


@dataclass(frozen=True)
class Shown:
    """One figure as the page shows it, in CSS pixels."""

    url: str
    box: tuple[float, float]
    scale: float
    """CSS px per viewBox unit."""
    person: tuple[float, float]
    """The drawn body's width and height over the whole loop."""
    head: tuple[float, float]
    close_up: bool

    @classmethod
    def of(cls, measured: dict[str, Any]) -> Shown:
        width, height = measured["box"]
        _x, _y, view_w, view_h = measured["viewBox"]
        scale = min(width / view_w, height / view_h)
        content, head = measured["content"], measured["head"]
        assert len(content) == 4, measured  # every animated figure says where its body is
        assert len(head) == 4, measured
        return cls(
            url=measured["url"],
            box=(width, height),
            scale=scale,
            person=(content[2] * scale, content[3] * scale),
            head=(head[2] * scale, head[3] * scale),
            close_up=measured["crop"] == "head",
        )


def shown(page: Page, selector: str) -> list[Shown]:
    return [Shown.of(m) for m in page.evaluate(MEASURE, selector)]


@pytest.fixture
def small_phone(browser: Browser) -> Iterator[Page]:
    """A small phone: 360 × 640 CSS px, touch, on the page clock."""
    context = browser.new_context(viewport=SMALL_PHONE, has_touch=True, is_mobile=True)
    opened = context.new_page()
    opened.clock.install()
    yield opened
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    opened.clock.install()
    yield opened
    context.close()


def with_exercise(server: Server, exercise_id: str) -> dict[str, Any]:
    """Today's planned item for `exercise_id`, swapped into the programme's place it fits
    when the planner chose another there."""
    plan = server.get("/api/v1/plan/today")
    for item in plan["items"]:
        if item["exercise_id"] == exercise_id:
            return dict(item)
    for item in plan["items"]:
        if item["part"] != "programme":
            continue
        choices = server.get(f"/api/v1/plan/today/swap/{item['exercise_id']}")
        if any(c["exercise_id"] == exercise_id for c in choices):
            plan = server.send(
                "POST",
                "/api/v1/plan/today/swap",
                {"exercise_id": item["exercise_id"], "replacement": exercise_id},
            )
            return dict(next(i for i in plan["items"] if i["exercise_id"] == exercise_id))
    raise AssertionError(f"{exercise_id} fits no place of today's plan: {plan['items']}")


def skip(page: Page) -> None:
    """On to the next step, answering the effort question first if it is asked."""
    if page.locator("#effort-dialog").is_visible():
        page.locator("#effort-dialog button[value='1']").tap()
        page.wait_for_function("() => !document.getElementById('effort-dialog').open")
    page.locator("#skip").tap()


def figure_ready(page: Page) -> Shown:
    """The player's figure once its document has loaded and been set to the current step."""
    figure_loaded(page)
    (figure,) = shown(page, "#figure-obj")
    return figure


def test_the_player_shows_each_exercise_big_in_the_version_planned(
    small_phone: Page, server: Server
) -> None:
    """On a 360 × 640 phone every exercise's figure box is at least 160 px wide and most of the
    screen's width, a close-up's head at least 40 px tall; a person with a chair and no foam
    roller does the chair thoracic extension (version 1) and sees that version, prefetched
    with its key poses for offline use."""
    page = small_phone
    onboard(page, server, minutes=30)
    item = with_exercise(server, "thoracic-extension")
    assert item["alternative"] == 1, item  # a chair, no foam roller
    begin_session(page)
    steps = page.evaluate("fetch('/api/v1/sessions/active').then(r => r.json())")["steps"]
    assert {s["version"] for s in steps if s["exercise_id"] == "thoracic-extension"} == {1}
    seen: dict[str, Shown] = {}
    for _ in range(200):
        name = page.locator("#name").inner_text()
        if name not in seen:
            seen[name] = figure_ready(page)
        if len(seen) == len({s["item_index"] for s in steps}):
            break
        skip(page)
    assert len(seen) == len({s["item_index"] for s in steps}), sorted(seen)
    for name, figure in seen.items():
        assert figure.box[0] >= PLAYER_BOX_PX, (name, figure)
        assert figure.box[0] >= 0.8 * SMALL_PHONE["width"], (name, figure)  # most of the width
        if figure.close_up:
            assert figure.head[1] >= CLOSE_UP_HEAD_PX, (name, figure)
    thoracic = seen["Thoracic extension"]
    assert thoracic.url.startswith("/figures/thoracic-extension.svg?"), thoracic
    assert "version=1" in thoracic.url.split("?")[1].split("&"), thoracic
    cached = page.evaluate(
        "caches.open('unknot-shell-v1').then(c => c.keys()).then(ks => ks.map(k => k.url))"
    )
    paths = {url.removeprefix(server.url) for url in cached}
    assert "/figures/thoracic-extension-strip.svg?version=1" in paths
    assert any(p.startswith("/figures/thoracic-extension.svg?") and "version=1" in p for p in paths)
    assert not any(
        p.startswith("/figures/thoracic-extension") and "version" not in p for p in paths
    )


def test_reduced_motion_shows_the_key_poses_of_the_version_planned(
    small_phone: Page, server: Server
) -> None:
    page = small_phone
    page.emulate_media(reduced_motion="reduce")
    onboard(page, server, minutes=30)
    with_exercise(server, "thoracic-extension")
    begin_session(page)
    for _ in range(200):
        if page.locator("#name").inner_text() == "Thoracic extension":
            break
        skip(page)
    assert page.locator("#name").inner_text() == "Thoracic extension"
    page.wait_for_function(
        "() => document.getElementById('figure-obj')?.dataset.url"
        " === '/figures/thoracic-extension-strip.svg?version=1'"
    )
    label = page.locator("#figure-obj").get_attribute("aria-label") or ""
    assert label.endswith("key poses"), label


def test_a_tap_shows_the_figure_full_screen_and_escape_or_close_return(
    small_phone: Page, server: Server
) -> None:
    page = small_phone
    onboard(page, server)
    begin_session(page)
    small = figure_ready(page)
    dialog = page.locator("#figure-dialog")
    assert not dialog.is_visible()
    page.locator("#figure-open").tap()
    page.wait_for_function(
        "() => document.getElementById('figure-big-obj')?.contentDocument"
        "?.documentElement?.nodeName === 'svg'"
    )
    assert dialog.is_visible()
    (big,) = shown(page, "#figure-big-obj")
    assert big.url == small.url
    assert big.scale > small.scale
    assert big.box[0] >= 0.9 * SMALL_PHONE["width"], big
    assert page.locator("#figure-close").is_visible()
    # The loop runs on in time with the step while it is open.
    assert page.evaluate(
        "document.getElementById('figure-big-obj').contentDocument.getAnimations()"
        ".every(a => a.playState === 'running')"
    )
    # Escape closes it, and only it: the session goes on, no stop question.
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('figure-dialog').open")
    assert not page.locator("#stop-dialog").is_visible()
    assert page.locator("#player").get_attribute("data-state") == "running"
    # From the keyboard: the figure is a button; the close button returns focus to it.
    page.focus("#figure-open")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('figure-dialog').open")
    assert page.evaluate("document.activeElement.id") == "figure-close"
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.getElementById('figure-dialog').open")
    assert page.evaluate("document.activeElement.id") == "figure-open"
    label = page.locator("#figure-open").get_attribute("aria-label") or ""
    assert label.endswith("show it full screen"), label


def test_the_desktop_player_figure_is_large(desktop: Page, server: Server) -> None:
    """At 1280 px the neck roll showed about 80 px wide: now the box is most of the column."""
    onboard(desktop, server)
    begin_session(desktop)
    figure = figure_ready(desktop)
    assert figure.box[0] >= 480, figure
    assert figure.box[1] >= 360, figure


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["phone", "desktop"])
def test_today_and_the_catalog_draw_the_person_big_enough(
    browser: Browser, server: Server, viewport: ViewportSize
) -> None:
    """The person drawn (not the figure's box) is at least 48 px wide on Today and on every
    catalog card, and Today shows the version planned."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        onboard(page, server, minutes=30)
        item = with_exercise(server, "thoracic-extension")
        page.goto(server.url + "/today")
        page.wait_for_function(
            "() => [...document.querySelectorAll('img.thumb')]"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
        today = shown(page, "img.thumb")
        plan = server.get("/api/v1/plan/today")
        assert len(today) == len(plan["items"])
        for figure in today:
            assert figure.person[0] >= PERSON_PX, figure
        thumb = page.locator("#item-thoracic-extension img.thumb").get_attribute("src")
        assert thumb == f"/figures/thoracic-extension.svg?version={item['alternative']}"
        page.goto(server.url + "/exercises")
        cards = shown(page, "img.thumb-card")
        assert len(cards) == len(server.get("/api/v1/catalog"))
        for figure in cards:
            assert figure.person[0] >= PERSON_PX, figure
    finally:
        context.close()


def test_the_exercise_page_shows_every_version_under_its_name(
    desktop: Page, server: Server
) -> None:
    page = desktop
    record = server.get("/api/v1/catalog/thoracic-extension")
    assert record["figure_versions"] == [0, 1]
    page.goto(server.url + "/exercises/thoracic-extension")
    versions = page.locator("section.version")
    assert versions.count() == 2
    for v in record["figure_versions"]:
        section = page.locator(f"#version-{v}")
        label = record["alternative_labels"][v]
        assert section.locator("figcaption.version-label").inner_text() == label.capitalize()
        query = f"?version={v}" if v else ""
        animated = section.locator(".version-figure img")
        assert animated.get_attribute("src") == f"/figures/thoracic-extension.svg{query}"
        strip = section.locator(".strip img")
        assert strip.get_attribute("src") == f"/figures/thoracic-extension-strip.svg{query}"
        png = section.locator(".strip a").get_attribute("href")
        assert png == f"/figures/thoracic-extension-strip.png{query}"
        answered = page.evaluate(
            "(url) => fetch(url).then(r => [r.status, r.headers.get('content-type')])", png
        )
        assert answered == [200, "image/png"]
    page.wait_for_function(
        "() => [...document.querySelectorAll('.version-figure img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    for figure in shown(page, ".version-figure img"):
        assert figure.person[0] >= PERSON_PX, figure
