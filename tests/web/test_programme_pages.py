"""The programme on a phone (issue 17), in real Chromium against a real `unknot serve`: swap
offers the exercises that fit the place and changes nothing else, and the end of a session
shows what was done and when the next session is, as does the today page afterwards."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from playwright.sync_api import Page

from tests.web.browsing import (
    PHONE,
    begin_session,
    browser,
    module_server,
    onboard,
    phone,
    server,
)
from tests.web.serving import Server

__all__ = ["browser", "module_server", "phone", "server"]  # fixtures, used by name


def planned(server: Server) -> list[str]:
    plan: dict[str, Any] = server.get("/api/v1/plan/today")
    return [str(i["exercise_id"]) for i in plan["items"]]


def shown(page: Page) -> list[str]:
    ids = page.eval_on_selector_all("li.item[id^=item-]", "items => items.map(i => i.id)")
    return [str(i).removeprefix("item-") for i in ids]


def test_swap_offers_a_choice_and_nothing_else_changes(phone: Page, server: Server) -> None:
    """Swapping the neck roll added a static stretch and moved another, and the next swap
    removed an unrelated exercise (issue 17)."""
    onboard(phone, server, minutes=20)
    before = planned(server)
    assert shown(phone) == before
    plan = server.get("/api/v1/plan/today")
    stretch = next(i for i in plan["items"] if i["part"] == "programme" and i["block"] == "static")
    choices = server.get(f"/api/v1/plan/today/swap/{stretch['exercise_id']}")
    assert len(choices) >= 2
    phone.click(f"#item-{stretch['exercise_id']} a.button")
    assert phone.url.endswith(f"?swap={stretch['exercise_id']}#item-{stretch['exercise_id']}")
    offered = phone.eval_on_selector_all(
        ".swap-choice input[name=replacement]", "inputs => inputs.map(i => i.value)"
    )
    assert offered == [c["exercise_id"] for c in choices]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    chosen = choices[1]["exercise_id"]
    phone.check(f".swap-choice input[value='{chosen}']")
    phone.click(".swap-choice button[type=submit]")
    phone.wait_for_url(re.compile(rf"/today#item-{re.escape(chosen)}$"))
    after = [chosen if e == stretch["exercise_id"] else e for e in before]
    assert shown(phone) == after
    assert planned(server) == after
    # The page stays where it was: at the exercise now in that place.
    top = phone.evaluate(f"document.getElementById('item-{chosen}').getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"]
    # A reload, and the programme itself, keep the swap.
    phone.reload()
    assert shown(phone) == after
    assert stretch["exercise_id"] not in str(server.get("/api/v1/plan/today")["programme"])


def finish(page: Page) -> None:
    """Play to the end on the page clock, answering each effort question as it comes."""
    for _ in range(80):
        if page.locator("#after").is_visible():
            return
        if page.locator("#effort-dialog").get_attribute("open") is not None:
            page.click("#effort-dialog button[value='1']")
            page.wait_for_function("() => !document.getElementById('effort-dialog').open")
            continue
        page.clock.run_for(30_000)
    page.wait_for_selector("#after:not([hidden])")


def test_the_end_of_a_session_shows_a_summary_and_today_is_done(
    phone: Page, server: Server
) -> None:
    onboard(phone, server, minutes=5)
    begin_session(phone, neck=4)
    finish(phone)
    phone.select_option("#after-form select[name=neck]", "2")
    phone.click("#after-form button")
    phone.wait_for_selector("text=Saved. See you next time.")
    for _ in range(40):
        phone.clock.run_for(3500)
        if server.get("/api/v1/progress")["before_after"]:
            break
    link = phone.locator("#summary-link")
    session = server.get("/api/v1/history")[0]
    assert link.get_attribute("href") == f"/sessions/{session['id']}/summary"
    link.click()
    phone.wait_for_url(re.compile(r"/sessions/\d+/summary$"))
    text = phone.locator("main").inner_text()
    assert "Session done in" in text
    assert "Pain in your neck: 4/10 before, 2/10 after." in text
    summary = server.get(f"/api/v1/sessions/{session['id']}/summary")
    assert summary["status"] == "finished"
    assert all(e["completed"] for e in summary["exercises"])
    next_day = dt.date.fromisoformat(summary["next_session"])
    assert next_day > dt.date.fromisoformat(summary["day"])
    assert f"{next_day:%A} {next_day.day} {next_day:%B}" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Today then says done for today and names the next session day; the plan waits.
    phone.goto(server.url + "/today")
    done = phone.locator("#done-today").inner_text()
    assert "Done for today" in done
    assert f"{next_day:%A} {next_day.day} {next_day:%B}" in done
    assert phone.locator("#start").count() == 0
    phone.click("text=Do another session today anyway")
    assert phone.locator("#start").count() == 1
