"""A line-by-line player: for pipes, screen readers, and tests that drive a real process.

Commands are typed as lines: `p` pause/resume, `n` skip, `b` back, `d` done, `q` quit,
`pain AREA N [SYMPTOM ...]` report pain, `e N` effort (reps in reserve).
"""

from __future__ import annotations

import select
import sys
import time
from collections.abc import Callable
from typing import IO

from unknot.services import models as engine
from unknot.services.live import SessionController
from unknot.services.vocabulary import parse_score
from unknot.voice import Voice

HELP = (
    "Commands (type, then Enter): p pause/resume, n skip, b back, d done, q quit, "
    "pain AREA N [SYMPTOM...], e N (reps in reserve)."
)


def parse_command(line: str, paused: bool) -> engine.Event | str:
    """A typed line as an engine event, or a message saying what was wrong."""
    words = line.strip().split()
    if not words:
        return engine.Resume() if paused else engine.Pause()
    head = words[0].lower()
    simple: dict[str, engine.Event] = {
        "n": engine.Skip(),
        "b": engine.Back(),
        "d": engine.Done(),
        "q": engine.Stop(),
    }
    if head in ("p", " "):
        return engine.Resume() if paused else engine.Pause()
    if head in simple:
        return simple[head]
    if head == "e" and len(words) == 2 and (reserve := parse_score(words[1])) is not None:
        return engine.ReportEffort(reserve)
    if head == "pain" and len(words) >= 3 and parse_score(words[2]) is not None:
        symptoms = [w for w in words[3:] if w in engine.SYMPTOMS]
        unknown = [w for w in words[3:] if w not in engine.SYMPTOMS]
        if unknown:
            return f"unknown symptom {unknown[0]!r}; choose from: {', '.join(engine.SYMPTOMS)}"
        return engine.ReportPain(words[1], int(words[2]), frozenset(symptoms))
    return f"unknown command {line.strip()!r}. {HELP}"


def describe(effect: engine.Effect, controller: SessionController) -> str | None:
    """One line of output for an effect, or None for effects that are only saved."""
    if isinstance(effect, engine.ShowStep):
        step = controller.state.timeline[effect.index]
        total = len(controller.state.timeline)
        length = f"{step.duration_s:g} s" if step.duration_s is not None else "tap d when done"
        return (
            f"[step {effect.index + 1}/{total}] {step.counter}: {step.title} ({length}). "
            f"{step.detail}"
        )
    if isinstance(effect, engine.Announce):
        return f"» {effect.text}"
    if isinstance(effect, engine.Beep):
        return f"  {effect.count}…"
    if isinstance(effect, engine.AskEffort):
        return "How many more good repetitions could you have done? Type e 0, e 1 or e 3."
    if isinstance(effect, engine.SafetyStop):
        return f"!! {effect.message}"
    if isinstance(effect, engine.MarkAggravating):
        return "Noted: next time this exercise is left out or made easier."
    return None


def run(
    controller: SessionController,
    *,
    out: IO[str],
    commands: IO[str] | None,
    voice: Voice | None,
    poll_s: float = 0.02,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Play the session to its end; True when it finished, False when stopped."""
    finished = False

    def show(effects: tuple[engine.Effect, ...]) -> None:
        nonlocal finished
        for effect in effects:
            line = describe(effect, controller)
            if line:
                print(line, file=out, flush=True)
            if isinstance(effect, engine.Announce) and voice is not None:
                voice.say(effect.text)
            if isinstance(effect, engine.Beep):
                print("\a", end="", file=sys.stderr, flush=True)
            if isinstance(effect, engine.SessionEnded):
                finished = effect.finished

    print(HELP, file=out, flush=True)
    show(controller.send(engine.Start()))
    open_input = commands
    while controller.state.status in ("running", "paused"):
        if open_input is not None and _ready(open_input):
            line = open_input.readline()
            if line == "":
                open_input = None  # end of input: keep playing on the clock alone
            else:
                event = parse_command(line, controller.state.status == "paused")
                if isinstance(event, str):
                    print(event, file=out, flush=True)
                else:
                    show(controller.send(event))
        show(controller.tick())
        sleep(poll_s)
    return finished


def _ready(stream: IO[str]) -> bool:
    try:
        readable, _, _ = select.select([stream], [], [], 0)
    except (ValueError, OSError, TypeError):
        return False
    return bool(readable)
