"""The web app in real Chromium against a real `unknot serve` process (issue 7)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import IN_CI
from tests.web.browsing import (
    AXE,
    begin_session,
    browser,
    figure_loaded,
    module_server,
    onboard,
    page,
    server,
    step_now,
    wait_saved,
)
from tests.web.serving import Server

__all__ = ["browser", "module_server", "page", "server"]  # fixtures, used by name

# The pages of an onboarded person, for the checks that visit every page.
PAGES = (
    "/today",
    "/profile",
    "/progress",
    "/exercises",
    "/exercises/wall-angel",
    "/history",
    "/data",
    "/clearance",
)


def test_new_user_goes_end_to_end(page: Page, server: Server) -> None:
    onboard(page, server, minutes=10, by_hand=True)
    begin_session(page)
    assert step_now(page) == 0
    first = page.locator("#name").inner_text()
    page.clock.run_for(60_000)
    assert step_now(page) > 0
    assert page.locator("#captions li").count() > 0
    # The session pauses on each effort question (issue 17): answer each one as it comes.
    for _ in range(40):
        page.clock.run_for(30_000)
        if page.locator("#after").is_visible():
            break
        if page.locator("#effort-dialog").get_attribute("open") is not None:
            page.click("#effort-dialog button[value='1']")
            page.wait_for_function("() => !document.getElementById('effort-dialog').open")
    page.wait_for_selector("#after:not([hidden])")
    assert page.locator("#player").get_attribute("data-state") == "finished"
    page.select_option("#after-form select[name=neck]", "3")
    page.click("#after-form button")
    page.wait_for_selector("text=Saved. See you next time.")
    wait_saved(page)
    history = server.get("/api/v1/history")
    assert history[0]["status"] == "finished"
    assert history[0]["completion"] == 1.0
    progress = server.get("/api/v1/progress")
    assert progress["adherence"]["total_sessions"] == 1
    assert progress["before_after"][0]["before"] == 5
    assert progress["before_after"][0]["after"] == 3
    page.goto(server.url + "/progress")
    totals = page.locator("p.totals").inner_text()
    assert re.fullmatch(
        r"1 session, [\d.]+ minutes\. [01] weeks? in a row on plan; a 1-day streak\.", totals
    ), totals
    assert first


FIGURE_ANIMATIONS = "document.getElementById('figure-obj').contentDocument.getAnimations()"


def test_the_player_shows_the_figure_of_each_exercise(page: Page, server: Server) -> None:
    onboard(page, server)
    begin_session(page)
    first = figure_loaded(page)
    assert re.fullmatch(r"/figures/[a-z-]+\.svg(\?.*)?", first)
    assert page.locator("#figure").is_visible()
    assert "shown moving" in (page.locator("#figure-obj").get_attribute("aria-label") or "")
    assert page.evaluate(f"{FIGURE_ANIMATIONS}.length") > 0

    # The figure pauses and resumes with the player.
    page.click("#pause")
    assert set(page.evaluate(f"{FIGURE_ANIMATIONS}.map(a => a.playState)")) == {"paused"}
    page.click("#pause")
    assert set(page.evaluate(f"{FIGURE_ANIMATIONS}.map(a => a.playState)")) == {"running"}

    # Each step starts the loop again: a work step at its start, a hold with the pose reached
    # and a release as the hold ends. Go on until a new exercise and a release were seen.
    name = page.locator("#name").inner_text()
    seen: set[str] = set()
    for _ in range(80):
        page.click("#skip")
        figure_loaded(page)
        marks = page.evaluate(
            "document.getElementById('figure-obj').contentDocument.documentElement.dataset"
        )
        times = page.evaluate(f"{FIGURE_ANIMATIONS}.map(a => a.currentTime)")
        title = page.locator("#title").inner_text()
        mark = "hold" if ": hold" in title else "release" if ": release" in title else None
        offset = float(marks.get(mark, 0)) * 1000 if mark else 0.0
        assert all(offset <= t < offset + 1500 for t in times), (title, marks, times)
        seen.add(mark or "other")
        if page.locator("#name").inner_text() != name and "release" in seen:
            break
    assert {"hold", "release"} <= seen
    assert figure_loaded(page) != first
    cached = page.evaluate(
        "caches.open('unknot-shell-v1').then(c => c.keys()).then(ks => ks.map(k => k.url))"
    )
    assert any(url.endswith(first) for url in cached), "prefetched for offline use"


def test_figures_animate_in_chromium_and_stay_still_for_reduced_motion(
    browser: Browser, server: Server
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/figures/neck-roll.svg")
    timing = page.evaluate(
        "document.getAnimations().map(a => a.effect.getComputedTiming().duration)"
    )
    assert timing
    assert set(timing) == {16_000}
    pose_at = """(t) => { const all = document.getAnimations();
        all.forEach(a => { a.pause(); a.currentTime = t; });
        return all.map(a => getComputedStyle(a.effect.target).transform).join(' '); }"""
    assert page.evaluate(pose_at, 0) != page.evaluate(pose_at, 4000)
    context.close()
    still = browser.new_context(reduced_motion="reduce")
    page = still.new_page()
    page.goto(server.url + "/figures/neck-roll.svg")
    assert page.evaluate("document.getAnimations().length") == 0
    still.close()


def test_server_stopped_mid_session_loses_and_doubles_nothing(page: Page, server: Server) -> None:
    onboard(page, server, minutes=10)
    begin_session(page)
    page.clock.run_for(45_000)
    wait_saved(page)
    server.stop()
    page.clock.run_for(90_000)
    offline_step = step_now(page)
    assert int(page.locator("#player").get_attribute("data-pending") or "0") > 0
    server.start()
    wait_saved(page)
    # The session went on while the outbox caught up; what the page shows now is what is saved.
    showing = step_now(page)
    assert showing >= offline_step
    active = server.get("/api/v1/sessions/active")
    assert active["next_step"] == showing
    history = server.get("/api/v1/history")
    assert history[0]["steps_done"] == showing  # every index 0..n-1 once: none lost or doubled


def test_reload_resumes_at_the_same_step(page: Page, server: Server) -> None:
    onboard(page, server, minutes=10)
    begin_session(page)
    page.clock.run_for(100_000)
    wait_saved(page)
    before = step_now(page)
    assert before > 2
    page.reload()
    page.wait_for_selector("#stage:not([hidden])")
    assert page.locator("#player").get_attribute("data-resumed") == "true"
    assert step_now(page) == before


def test_hidden_page_pauses_and_says_so(page: Page, server: Server) -> None:
    onboard(page, server)
    begin_session(page)
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    page.wait_for_function("() => document.getElementById('player').dataset.state === 'paused'")
    held = step_now(page)
    page.clock.run_for(120_000)
    state = page.evaluate(
        "() => [document.getElementById('player').dataset.state,"
        " document.getElementById('notice').textContent]"
    )
    assert step_now(page) == held, state
    assert "Paused while the page was hidden" in state[1], state


def test_phone_layout_and_installable(browser: Browser, server: Server) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    onboard(phone, server)
    for path in ("/today", "/player", "/progress", "/exercises", "/history", "/data"):
        phone.goto(server.url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    scope = phone.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == server.url + "/"
    manifest = phone.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["display"] == "standalone"
    assert manifest["icons"]
    context.close()


def test_no_serious_accessibility_violations(browser: Browser, server: Server) -> None:
    if not AXE.exists():
        message = "axe-core is not installed; `make test` runs npm install"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    source = AXE.read_text(encoding="utf-8")
    # axe-core is injected as an inline script, which the pages' policy rightly refuses; the
    # policy has its own test.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.clock.install()
    page.goto(server.url + "/screening")
    found: dict[str, list[str]] = {}

    def check(path: str) -> None:
        page.add_script_tag(content=source)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if bad:
            found[path] = bad

    check("/screening")
    onboard(page, server)
    for path in PAGES:
        page.goto(server.url + path)
        check(path)
    page.goto(server.url + "/today")
    begin_session(page)
    check("/player")
    context.close()
    assert found == {}


def test_the_browser_moves_every_joint_where_the_skeleton_puts_it(
    browser: Browser, server: Server
) -> None:
    """At each key time of each version's loop, in each of its views, every joint drawn by the
    CSS animation sits where the Python skeleton computed it (within 0.5 cm): the two agree on
    rotation direction, order and interpolation end points."""
    from unknot.catalog.loader import validate_all
    from unknot.figures import skeleton
    from unknot.figures.motion import Drawn, build_loop, refined

    page = browser.new_page()
    joint_at = """(t) => {
        document.getAnimations().forEach(a => { a.pause(); a.currentTime = t; });
        const out = {};
        for (const g of document.querySelectorAll('[data-j]')) {
            const view = g.ownerSVGElement;
            const m = view.getScreenCTM().inverse().multiply(g.getScreenCTM());
            out[view.dataset.v + ':' + g.dataset.j] = [m.e, m.f];
        }
        return out;
    }"""
    worst = 0.0
    checked = 0
    for exercise in validate_all(None):
        for version in exercise.versions_drawn:
            figure = exercise.figure_for(version)
            assert figure is not None
            page.goto(f"{server.url}/figures/{exercise.id}.svg?version={version}")
            views = figure.views
            loops = [refined(build_loop(Drawn(exercise, v, version))).keys for v in views]
            keys = loops[0]
            for index in range(0, len(keys), max(1, len(keys) // 4)):
                seen = page.evaluate(joint_at, keys[index].t * 1000)
                assert seen, exercise.id
                for name, (x, y) in seen.items():
                    view_index, joint = name.split(":")
                    view = views[int(view_index)]
                    key = loops[int(view_index)][index]
                    expected = skeleton.place(view, key.angles, key.lifted).points[joint]
                    off = max(abs(x - expected[0]), abs(y - expected[1]))
                    worst = max(worst, off)
                    assert off < 0.5, (exercise.id, version, key.t, name, (x, y), expected)
                    checked += 1
    page.close()
    assert worst < 0.5
    assert checked > 1000


def test_forget_clears_what_the_browser_kept(page: Page, server: Server) -> None:
    """After `forget`, steps still queued in the browser must not reach the new session."""
    onboard(page, server)
    page.route("**/api/v1/sessions/*/steps", lambda route: route.abort())
    begin_session(page)
    page.clock.run_for(60_000)
    page.wait_for_function("() => Number(document.getElementById('player').dataset.pending) > 0")
    assert page.evaluate("localStorage.length") > 0
    page.goto(server.url + "/data")
    page.fill("input[name=confirm]", "forget me")
    page.click("form[action='/data/forget'] button")
    assert "Deleted:" in page.locator("[role=status]").inner_text()
    kept = """async () => [
        (await indexedDB.databases()).map((d) => d.name).filter((n) => n === "unknot"),
        await caches.keys(),
        localStorage.length,
    ]"""
    deadline = time.monotonic() + 15
    while page.evaluate(kept) != [[], [], 0] and time.monotonic() < deadline:
        time.sleep(0.1)  # the browser clears what Clear-Site-Data names as it can
    assert page.evaluate(kept) == [[], [], 0]
    page.unroute("**/api/v1/sessions/*/steps")
    page.clock.run_for(10_000)
    assert server.get("/api/v1/history") == []


def test_the_service_worker_keeps_only_what_the_player_needs(page: Page, server: Server) -> None:
    onboard(page, server)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now under the service worker's control
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)")
    for path in ("/progress", "/data", "/history", "/profile", "/player"):
        page.goto(server.url + path)
    page.evaluate("fetch('/api/v1/export').then(r => r.text())")
    cached = page.evaluate(
        "caches.open('unknot-shell-v1').then(c => c.keys()).then(ks => ks.map(k => k.url))"
    )
    paths = {url.removeprefix(server.url) for url in cached}
    assert "/player" in paths
    assert not paths & {"/progress", "/data", "/history", "/profile", "/api/v1/export"}


def test_no_page_breaks_the_content_security_policy(page: Page, server: Server) -> None:
    """Every page, the player with its figures, and /docs (offline: no CDN) run under the
    policy; any violation, in the page or a figure's document, fails the test."""
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    seen: dict[str, list[str]] = {}

    def check(path: str) -> None:
        for frame in page.frames:
            found = frame.evaluate("window.__violations || []")
            if found:
                seen[path] = [*seen.get(path, []), *found]

    onboard(page, server)
    for path in (*PAGES, "/screening", "/figures/neck-roll.svg"):
        page.goto(server.url + path)
        check(path)
    page.goto(server.url + "/docs")
    page.wait_for_selector(".swagger-ui .information-container")
    check("/docs")
    page.goto(server.url + "/today")
    begin_session(page)
    figure_loaded(page)
    check("/player")
    headers = page.evaluate("fetch('/today').then(r => Object.fromEntries(r.headers))")
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    assert seen == {}
    assert refused == []
