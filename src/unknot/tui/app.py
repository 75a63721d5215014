"""The full-screen terminal player (Textual): screening, resume, and the guided session.

`create_app` is the factory tests reuse: they pass a fake clock and call `PlayerScreen.tick`
themselves (tick_s=None), so no test waits on real time.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, Digits, Footer, Input, Label, ProgressBar, RichLog, Static

from unknot.services import errors
from unknot.services import models as engine
from unknot.services.actor import Actor
from unknot.services.live import SessionController
from unknot.services.models import TIER_TITLES, Question, asked, next_question
from unknot.services.screening import Situation
from unknot.services.vocabulary import PAIN_AREAS, parse_score
from unknot.services.wording import words
from unknot.tui.layout import summary_text
from unknot.voice import Voice

CSS = """
Screen { layout: vertical; }
#exercise { text-style: bold; color: $accent; height: 1; }
#step-title { height: 1; }
#counter-row { height: 5; }
#countdown { width: 14; }
#facts { padding: 0 2; }
#next { height: 1; color: $text-muted; }
#card { height: 1fr; border: round $primary; padding: 0 1; }
#captions { height: 4; border: round $secondary; }
.question { padding: 1 2; }
.advice { padding: 1 2; }
ModalScreen { align: center middle; }
.dialog { width: 60; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
"""


def clock_text(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    whole = int(seconds + 0.999)
    return f"{whole // 60}:{whole % 60:02d}"


class ScreeningScreen(Screen[dict[str, bool]]):
    """One warning-sign question at a time: y or n."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, questions: tuple[Question, ...], reason: str) -> None:
        super().__init__()
        self.questions = questions
        self.reason = reason
        self.answers: dict[str, bool] = {}

    def compose(self) -> ComposeResult:
        yield Static(
            f"{self.reason}\nWarning-sign questions. unknot does not diagnose: these only tell "
            "you when to get care, and when unsure they send you to a clinician.",
            classes="advice",
        )
        yield Label("", id="progress")
        yield Static("", id="question", classes="question")
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        question = next_question(self.answers)
        assert question is not None
        number = len(self.answers) + 1
        total = max(len(asked(self.answers)), number)
        self.query_one("#progress", Label).update(f"Question {number} of {total}")
        self.query_one("#question", Static).update(question.text)

    def action_answer(self, yes: bool) -> None:
        question = next_question(self.answers)
        if question is None:
            return
        self.answers[question.id] = yes
        if next_question(self.answers) is None:
            self.dismiss(self.answers)
        else:
            self._show()


class MessageScreen(Screen[bool]):
    """Advice to read before going on (enter) or leaving (q)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "go_on", "Continue"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, text: str, can_continue: bool) -> None:
        super().__init__()
        self.text = text
        self.can_continue = can_continue

    def compose(self) -> ComposeResult:
        yield Static(self.text, id="message", classes="advice")
        hint = "Press enter to continue, q to quit." if self.can_continue else "Press q to quit."
        yield Label(hint)
        yield Footer()

    def action_go_on(self) -> None:
        if self.can_continue:
            self.dismiss(True)


class ResumeScreen(Screen[bool]):
    """An unfinished session was found: resume it (r) or start a new one (n)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose(True)", "Resume"),
        Binding("n", "choose(False)", "New session"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(self.text, id="resume-text", classes="advice")
        yield Footer()

    def action_choose(self, resume: bool) -> None:
        self.dismiss(resume)


class EffortScreen(ModalScreen[int | None]):
    """After a strength exercise: repetitions left in reserve."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("0", "pick(0)", "None left"),
        Binding("1", "pick(1)", "1-2 left"),
        Binding("3", "pick(3)", "3 or more"),
        Binding("escape", "pick(-1)", "Skip"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("How many more good repetitions could you have done?")
            yield Label("0: none   1: one or two   3: three or more   esc: skip")

    def action_pick(self, reserve: int) -> None:
        self.dismiss(None if reserve < 0 else reserve)


class PainScreen(ModalScreen[engine.ReportPain | None]):
    """Report pain: where, how much (0-10), and any symptom that ends the session."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default_area: str) -> None:
        super().__init__()
        self.default_area = default_area

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("This hurts: how much, 0 to 10? (enter to report, esc to cancel)")
            yield Input(placeholder="0-10", id="score", type="integer")
            yield Label("Where? " + ", ".join(PAIN_AREAS))
            yield Input(value=self.default_area, id="area")
            yield Label("Any of these? (they end the session)")
            for symptom in engine.SYMPTOMS:
                yield Checkbox(engine.SYMPTOM_WORDS[symptom], id=symptom)
            yield Label("", id="pain-error")

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        score_text = self.query_one("#score", Input).value.strip()
        area = self.query_one("#area", Input).value.strip()
        if parse_score(score_text) is None:
            self.query_one("#pain-error", Label).update("Give a number from 0 to 10.")
            return
        if area not in PAIN_AREAS:
            self.query_one("#pain-error", Label).update("Area: " + ", ".join(PAIN_AREAS))
            return
        symptoms = frozenset(s for s in engine.SYMPTOMS if self.query_one(f"#{s}", Checkbox).value)
        self.dismiss(engine.ReportPain(area, int(score_text), symptoms))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PlayerScreen(Screen[None]):
    """One step at a time: what to do, the countdown, what is next, captions of every cue."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "Pause/resume"),
        Binding("n", "send('skip')", "Skip"),
        Binding("b", "send('back')", "Back"),
        Binding("d", "send('done')", "Done"),
        Binding("p", "pain", "This hurts"),
        Binding("e", "effort", "Effort"),
        Binding("q", "quit_session", "Quit"),
    ]

    def __init__(
        self,
        controller: SessionController,
        voice: Voice | None,
        tick_s: float | None,
        default_area: str,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.voice = voice
        self.tick_s = tick_s
        self.default_area = default_area
        self.captions: list[str] = []
        self.ended: bool | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="exercise")
        yield Label("", id="step-title")
        with Horizontal(id="counter-row"):
            yield Digits("0:00", id="countdown")
            yield Static("", id="facts")
        yield ProgressBar(total=100, show_eta=False, id="progress")
        yield Label("", id="next")
        with VerticalScroll(id="card"):
            yield Static("", id="card-text")
        yield RichLog(id="captions", max_lines=50, wrap=True)
        yield Footer()

    def on_mount(self) -> None:
        self.handle(self.controller.send(engine.Start()))
        if self.tick_s is not None:
            self.set_interval(self.tick_s, self.tick)

    def tick(self) -> None:
        """Advance on the clock; cheap when nothing is due."""
        effects = self.controller.tick()
        if effects:
            self.handle(effects)
        self.refresh_countdown()

    def handle(self, effects: tuple[engine.Effect, ...]) -> None:
        for effect in effects:
            if isinstance(effect, engine.Announce):
                self.captions.append(effect.text)
                self.query_one("#captions", RichLog).write(effect.text)
                if self.voice is not None:
                    self.voice.say(effect.text)
            elif isinstance(effect, engine.Beep):
                self.app.bell()
            elif isinstance(effect, engine.AskEffort):
                self.app.push_screen(EffortScreen(), self._effort_given)
            elif isinstance(effect, engine.SafetyStop):
                self.app.push_screen(
                    MessageScreen(
                        effect.message + f"\nEmergency number: {self.controller.emergency_number}.",
                        can_continue=False,
                    )
                )
            elif isinstance(effect, engine.SessionEnded):
                self.ended = effect.finished
                self.app.outcome = 0 if effect.finished else 1  # type: ignore[attr-defined]
                if effect.finished:
                    done = self.app.you.session_summary(  # type: ignore[attr-defined]
                        self.controller.session_id
                    )
                    self.app.push_screen(
                        MessageScreen(
                            "Session complete: every step is saved. Well done.\n\n"
                            + summary_text(done)
                            + "\n\nIf your pain persists or worsens, see a healthcare "
                            "professional.",
                            can_continue=False,
                        )
                    )
        self.refresh_step()

    def refresh_step(self) -> None:
        step = self.controller.current
        if step is None:
            self.query_one("#exercise", Label).update("Session complete")
            self.query_one("#step-title", Label).update("")
            self.query_one("#next", Label).update("")
            return
        self.query_one("#exercise", Label).update(step.name)
        self.query_one("#step-title", Label).update(step.title)
        facts = [step.counter, step.detail]
        if step.direction:
            facts.append(f"Direction: {words(step.direction)}")
        if self.controller.state.status == "paused":
            facts.append("PAUSED: press space to go on")
        self.query_one("#facts", Static).update("\n".join(facts))
        following = self.controller.next_exercise()
        self.query_one("#next", Label).update(
            f"Next: {following.name}" if following else "Next: the end of the session"
        )
        card = self.controller.card()
        if card is not None:
            lines = [card["purpose"], ""]
            lines += [f"{n}. {s}" for n, s in enumerate(card["steps"], 1)]
            lines += ["", *(f"• {c}" for c in card["cues"])]
            lines += [f"⚠ {c}" for c in card["cautions"]]
            self.query_one("#card-text", Static).update("\n".join(lines))
        self.refresh_countdown()

    def refresh_countdown(self) -> None:
        left = self.controller.remaining()
        step = self.controller.current
        text = "done?" if step is not None and step.duration_s is None else clock_text(left)
        self.query_one("#countdown", Digits).update(text if text != "done?" else "--:--")
        self.query_one("#progress", ProgressBar).update(progress=self.controller.progress() * 100)

    def action_toggle_pause(self) -> None:
        paused = self.controller.state.status == "paused"
        self.handle(self.controller.send(engine.Resume() if paused else engine.Pause()))

    def action_send(self, name: str) -> None:
        events: dict[str, engine.Event] = {
            "skip": engine.Skip(),
            "back": engine.Back(),
            "done": engine.Done(),
        }
        event = events[name]
        self.handle(self.controller.send(event))

    def action_quit_session(self) -> None:
        if self.ended is None:
            self.handle(self.controller.send(engine.Stop()))
        self.app.exit(getattr(self.app, "outcome", 1))

    def action_pain(self) -> None:
        self.app.push_screen(PainScreen(self.default_area), self._pain_given)

    def action_effort(self) -> None:
        self.app.push_screen(EffortScreen(), self._effort_given)

    def _pain_given(self, report: engine.ReportPain | None) -> None:
        if report is not None:
            self.handle(self.controller.send(report))

    def _effort_given(self, reserve: int | None) -> None:
        if reserve is not None:
            self.handle(self.controller.send(engine.ReportEffort(reserve)))


class UnknotApp(App[int]):
    """Screening when due, then resume or start, then the player."""

    CSS = CSS
    TITLE = "unknot"

    def __init__(
        self,
        you: Actor,
        *,
        minutes: int | None,
        voice: Voice | None,
        paced: bool,
        resume: bool | None,
        tick_s: float | None,
    ) -> None:
        super().__init__()
        self.you = you
        self.minutes = minutes
        self.voice = voice
        self.paced = paced
        self.resume_choice = resume
        self.tick_s = tick_s
        self.outcome = 1
        """0 when the session finished, 1 when it was stopped or never started."""
        self.controller: SessionController | None = None

    def on_mount(self) -> None:
        self._next()

    def _next(self) -> None:
        now = self.you.situation(self.minutes)
        if now.readiness.needs_screening:
            self.push_screen(
                ScreeningScreen(self.you.questions(), now.readiness.reason), self._screened
            )
            return
        if now.held_back is not None:
            self.push_screen(MessageScreen(now.held_back, False))
            return
        if now.resumable is not None and self.resume_choice is None:
            row = now.resumable
            self.push_screen(
                ResumeScreen(
                    f"An unfinished session from {row.started_at:%Y-%m-%d %H:%M} stopped after "
                    f"{row.steps_done} of {row.steps_total} steps.\n"
                    f"Press r to resume at step {row.next_step + 1}, or n for a new session."
                ),
                lambda resume: self._begin(now, bool(resume)),
            )
            return
        self._begin(now, bool(self.resume_choice) and now.resumable is not None)

    def _screened(self, answers: dict[str, bool] | None) -> None:
        assert answers is not None
        outcome = self.you.submit_screening(answers)
        result = outcome.standing
        self.push_screen(
            MessageScreen(
                f"{TIER_TITLES[result.tier]}\n\n{outcome.standing_advice}",
                not result.holds_sessions,
            ),
            lambda _go: self._next(),
        )

    def _begin(self, now: Situation, resume: bool) -> None:
        try:
            if resume:
                controller = self.you.resume_session(now)
            else:
                controller = self.you.start_session(now, paced=self.paced)
        except (errors.NoSuchSession, errors.SessionsHeldBack):
            # The session ended, or a screening held sessions back, while this one waited.
            self._next()
            return
        self.controller = controller
        areas = now.profile.painful_areas
        player = PlayerScreen(controller, self.voice, self.tick_s, areas[0] if areas else "neck")
        if controller.plan.gentle_day:
            # A severe day: say so, and that rest is fine too, before the gentle routine.
            text = "A gentle day\n\n" + "\n\n".join(controller.plan.notes)
            self.push_screen(MessageScreen(text, True), lambda _go: self.push_screen(player))
        else:
            self.push_screen(player)


def create_app(
    you: Actor,
    *,
    minutes: int | None = None,
    voice: Voice | None = None,
    paced: bool = True,
    resume: bool | None = None,
    tick_s: float | None = 0.1,
) -> UnknotApp:
    """The terminal player for this person. `tick_s=None` leaves ticking to the caller (tests)."""
    return UnknotApp(you, minutes=minutes, voice=voice, paced=paced, resume=resume, tick_s=tick_s)
