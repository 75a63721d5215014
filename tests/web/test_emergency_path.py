"""The emergency path in Chromium, as a frightened person meets it (issue 14): one emergency
answer; the message with a number to tap; start refused; the questions answered "no" again and
still locked; a clinician's clearance recorded; unlocked. And the follow-up questions that show
only after a yes."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from tests.web.browsing import (
    answer_screening,
    browser,
    module_server,
    onboard,
    page,
    server,
)
from tests.web.serving import Server

__all__ = ["browser", "module_server", "page", "server"]  # fixtures


def test_one_emergency_answer_locks_until_a_clinician_clears(page: Page, server: Server) -> None:
    onboard(page, server)
    page.goto(server.url + "/screening")
    answer_screening(page, "chest_pain", country="US")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Get help now"
    advice = page.locator(".advice[role=alert]")
    assert advice.inner_text().startswith("Call 911 now")
    assert "chest pain or pressure that is there now" in advice.inner_text()
    call = page.locator("a.button.call")
    assert call.get_attribute("href") == "tel:911"
    assert call.inner_text() == "Call 911 now"
    assert page.locator("text=Continue").count() == 0

    # Start is refused: today says why, with the number again; the player will not begin.
    page.goto(server.url + "/today")
    assert page.locator("#start").count() == 0
    assert "Call 911 now" in page.locator(".advice[role=alert]").inner_text()
    assert page.locator("a.button.call").get_attribute("href") == "tel:911"
    page.goto(server.url + "/player")
    page.wait_for_selector("#stopped:not([hidden])")
    assert page.locator("#stopped-call").get_attribute("href") == "tel:911"

    # Answering "no" to everything lifts nothing.
    page.goto(server.url + "/screening")
    answer_screening(page, country="US")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Get help now"
    assert "an earlier screening's warning still stands" in page.content()
    page.goto(server.url + "/today")
    assert page.locator("#start").count() == 0

    # A clinician's clearance, recorded: unlocked.
    page.click("text=A clinician has seen me and cleared me")
    page.fill("input[name=seen_by]", "Dr Rao, emergency department")
    page.check("input[name=confirm]")
    page.click("button[type=submit]")
    page.goto(server.url + "/today")
    assert page.locator("#start").is_visible()


def test_follow_up_questions_show_only_after_a_yes(page: Page, server: Server) -> None:
    page.goto(server.url + "/screening")
    # The country defaults from the browser's language (en-US here).
    assert page.locator("select[name=country]").input_value() == "US"
    follow_up = page.locator("fieldset[data-ask-if=injury_7_days]").first
    assert not follow_up.is_visible()
    page.check("input[name=injury_7_days][value=yes]")
    assert follow_up.is_visible()
    page.check("input[name=injury_7_days][value=no]")
    assert not follow_up.is_visible()


def test_without_a_country_the_number_is_a_guess_to_check(browser: Browser, server: Server) -> None:
    context = browser.new_context(locale="fr")  # a language without a country
    page = context.new_page()
    page.goto(server.url + "/screening")
    assert page.locator("select[name=country]").input_value() == ""
    answer_screening(page, "injury_7_days", "age_65_plus", country="")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "See a doctor today"
    assert "a neck injury in the last 7 days at 65 or over" in page.content()
    assert "Check your local emergency number" in page.content()
    context.close()
