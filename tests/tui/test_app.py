"""The terminal player, driven by key presses through Textual's Pilot on a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from tests.answers import answers_for
from unknot.clock import FakeClock
from unknot.services.application import Application
from unknot.tui.app import (
    MessageScreen,
    PainScreen,
    PlayerScreen,
    ResumeScreen,
    ScreeningScreen,
    UnknotApp,
    create_app,
)


def play(app: UnknotApp, scenario: Callable[[Pilot[int]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await scenario(pilot)

    asyncio.run(main())


def player(app: UnknotApp) -> PlayerScreen:
    screen = app.screen
    assert isinstance(screen, PlayerScreen), type(screen)
    return screen


async def answer_all_no(pilot: Pilot[int]) -> None:
    assert isinstance(pilot.app.screen, ScreeningScreen)
    for _ in answers_for():
        await pilot.press("n")
    assert isinstance(pilot.app.screen, MessageScreen)
    await pilot.press("enter")


def test_new_person_is_screened_then_guided() -> None:
    clock = FakeClock()
    you = Application.from_environment(clock).local()
    app = create_app(you, tick_s=None)

    async def scenario(pilot: Pilot[int]) -> None:
        await answer_all_no(pilot)
        screen = player(app)
        controller = screen.controller
        assert controller.plan.minutes == 15  # defaults without a profile
        first = controller.current
        assert first is not None
        assert first.kind == "get_ready"
        assert str(screen.query_one("#exercise").render()) == first.name
        # Time passes on the fake clock only.
        assert first.duration_s is not None
        clock.advance(first.duration_s + 0.05)
        screen.tick()
        await pilot.pause()
        assert controller.state.index == 1
        assert any(first.name in c for c in screen.captions)
        # Space pauses: the countdown stands still however long the pause.
        await pilot.press("space")
        left = controller.remaining()
        clock.advance(120)
        screen.tick()
        assert controller.remaining() == left
        assert "PAUSED" in str(screen.query_one("#facts").render())
        await pilot.press("space")
        assert controller.state.status == "running"
        await pilot.press("n")
        assert controller.state.index == 2
        await pilot.press("b")
        assert controller.state.index == 1
        await pilot.press("q")

    play(app, scenario)
    store = you._store
    person = store.local_person()
    rows = store.step_records(store.sessions(person)[-1].id)
    assert [(r["step_index"], r["skipped"]) for r in rows] == [(0, False), (1, True)]
    assert store.sessions(person)[-1].status == "stopped"


def test_this_hurts_above_five_moves_on_and_marks_the_exercise() -> None:
    clock = FakeClock()
    you = Application.from_environment(clock).local()
    app = create_app(you, tick_s=None, minutes=10)

    async def scenario(pilot: Pilot[int]) -> None:
        await answer_all_no(pilot)
        controller = player(app).controller
        await pilot.press("n")  # into the first exercise
        hurting = controller.current
        assert hurting is not None
        await pilot.press("p")
        assert isinstance(app.screen, PainScreen)
        await pilot.press("7", "enter")
        assert isinstance(app.screen, PlayerScreen)
        assert controller.current is not None
        assert controller.current.item_index == hurting.item_index + 1
        assert hurting.exercise_id in you._store.aggravating(you.person_id)
        await pilot.press("q")

    play(app, scenario)


def test_an_urgent_answer_blocks_every_session() -> None:
    clock = FakeClock()
    you = Application.from_environment(clock).local()
    app = create_app(you, tick_s=None)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("y")  # chest pain
        for _ in list(answers_for("chest_pain"))[1:]:
            await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, MessageScreen)
        text = str(screen.query_one("#message").render())
        assert "Get help now" in text
        assert "Call 112 now" in text
        await pilot.press("enter")  # cannot go on
        assert app.screen is screen
        await pilot.press("q")

    play(app, scenario)
    again = create_app(you, tick_s=None)

    async def blocked(pilot: Pilot[int]) -> None:
        screen = again.screen
        assert isinstance(screen, MessageScreen)
        assert "Sessions wait until you record that a clinician has seen you" in str(
            screen.query_one("#message").render()
        )
        await pilot.press("q")

    play(again, blocked)


def test_an_unfinished_session_is_offered_for_resuming() -> None:
    clock = FakeClock()
    you = Application.from_environment(clock).local()
    first = create_app(you, tick_s=None)

    async def leave_early(pilot: Pilot[int]) -> None:
        await answer_all_no(pilot)
        for _ in range(3):
            await pilot.press("n")
        # The app dies here without stopping the session (as a crash would).

    play(first, leave_early)
    store = you._store
    session = store.sessions(store.local_person())[-1]
    session_id = session.id
    # leave_early ended the app, which the test harness closes without `q`: still active.
    assert session.status == "active"
    second = create_app(you, tick_s=None)

    async def resume(pilot: Pilot[int]) -> None:
        assert isinstance(second.screen, ResumeScreen)
        await pilot.press("r")
        controller = player(second).controller
        assert controller.session_id == session_id
        assert controller.state.index == 3
        await pilot.press("q")

    play(second, resume)


def test_fits_eighty_by_twenty_four() -> None:
    clock = FakeClock()
    app = create_app(Application.from_environment(clock).local(), tick_s=None)

    async def scenario(pilot: Pilot[int]) -> None:
        await answer_all_no(pilot)
        screen = player(app)
        for widget_id in (
            "#exercise",
            "#step-title",
            "#countdown",
            "#progress",
            "#next",
            "#captions",
        ):
            region = screen.query_one(widget_id).region
            assert region.width > 0, widget_id
            assert region.height > 0, widget_id
            assert region.bottom <= 24, widget_id
            assert region.right <= 80, widget_id
        await pilot.press("q")

    play(app, scenario)


def test_a_severe_day_says_so_before_the_gentle_routine() -> None:
    clock = FakeClock()
    you = Application.from_environment(clock).local()
    you.record_checkin("before", {"neck": 9}, None)
    app = create_app(you, tick_s=None)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        for _ in answers_for():
            await pilot.press("n")
        await pilot.press("enter")  # the clear result
        message = app.screen
        assert isinstance(message, MessageScreen)
        text = str(message.query_one("#message").render())
        assert text.startswith("A gentle day")
        assert "Your neck pain is 9/10 today" in text
        await pilot.press("enter")
        controller = player(app).controller
        assert controller.plan.gentle_day
        assert {i.exercise_id for i in controller.plan.items} <= {
            "chin-tuck",
            "shoulder-roll",
            "easy-walk",
            "relaxed-breathing",
        }
        await pilot.press("q")

    play(app, scenario)
