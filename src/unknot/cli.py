"""The `unknot` command line (Typer).

Start-up matters here (issue 3: `unknot --help` and `unknot catalog --json` within 150 ms), so this
module imports only Typer and unknot's light modules at the top; each command imports what it
needs, and Rich formatting is off.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from unknot import __version__, services
from unknot.catalog.problems import CatalogError
from unknot.domain.vocabulary import AREAS, ITEMS, PHASES

app = typer.Typer(
    name="unknot",
    help="Guided, safety-first exercise for everyday neck and upper-back pain.",
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
catalog_app = typer.Typer(
    help="List the exercises, or check exercise files.",
    rich_markup_mode=None,
    invoke_without_command=True,
)
app.add_typer(catalog_app, name="catalog")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line to stderr and exit: 2 for bad input, 1 for a failed check."""
    print(f"unknot: {message}", file=sys.stderr)
    raise typer.Exit(code)


def choose(value: str | None, allowed: Sequence[str], what: str) -> str | None:
    """`value` if it is one of `allowed`, else exit 2 naming the bad value and the allowed ones."""
    if value is None or value in allowed:
        return value
    fail(f"unknown {what} {value!r}; choose from: {', '.join(allowed)}")


@contextmanager
def catalog_problems() -> Iterator[None]:
    """Turn broken exercise files into a readable message and exit 2."""
    try:
        yield
    except CatalogError as error:
        for problem in error.problems:
            print(f"unknot: {problem}", file=sys.stderr)
        fail("fix the exercise files above (check them with `unknot catalog check`)")


def version_callback(value: bool) -> None:
    if value:
        print(f"unknot {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Guided, safety-first exercise for everyday neck and upper-back pain.

    unknot does not assess, diagnose or treat. Its warning-sign questions only tell you when to
    get care; when unsure, they send you to a clinician.
    """


@catalog_app.callback()
def catalog(
    ctx: typer.Context,
    phase: Annotated[
        str | None, typer.Option(help=f"Only this phase: {', '.join(PHASES)}.")
    ] = None,
    target: Annotated[
        str | None, typer.Option(help=f"Only exercises for this area: {', '.join(AREAS)}.")
    ] = None,
    equipment: Annotated[
        list[str] | None,
        typer.Option(
            help="Only what can be done with these items (repeat per item); "
            f"items: {', '.join(ITEMS)}."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List the exercises, grouped by phase (or as JSON)."""
    if ctx.invoked_subcommand is not None:
        return
    choose(phase, PHASES, "phase")
    choose(target, AREAS, "target")
    for item in equipment or []:
        choose(item, ITEMS, "equipment item")
    workspace = services.Workspace.from_environment()
    with catalog_problems():
        records = services.catalog_records(
            workspace, phase=phase, target=target, equipment=equipment
        )
    if as_json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    from unknot.text import catalog_table

    if not records:
        print("No exercise matches those filters.")
        return
    print(catalog_table(records))
    print(f"\n{len(records)} exercises. `unknot show ID` shows one in full.")


@catalog_app.command("check")
def catalog_check(
    path: Annotated[
        Path | None,
        typer.Argument(help="Folder of exercise files (default: shipped and your own)."),
    ] = None,
) -> None:
    """Fully validate exercise files; exit 1 when any is broken."""
    if path is not None and not path.is_dir():
        fail(f"{path} is not a folder that can be read; give a folder of .yaml exercise files")
    workspace = services.Workspace.from_environment()
    report = services.check_catalog(workspace, path)
    for problem in report.problems:
        print(problem)
    if report.problems:
        print(f"{len(report.problems)} problem(s) in {report.checked} file(s).", file=sys.stderr)
        raise typer.Exit(1)
    print(f"ok: {report.valid} exercise file(s) valid.")


@catalog_app.command("schema")
def catalog_schema() -> None:
    """Print the JSON Schema of an exercise file."""
    print(json.dumps(services.catalog_schema(), indent=2))


@app.command()
def show(
    exercise_id: Annotated[str, typer.Argument(metavar="ID", help="An exercise id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one exercise's whole card."""
    workspace = services.Workspace.from_environment()
    with catalog_problems():
        try:
            record = services.exercise_record(workspace, exercise_id)
        except services.UnknownExercise as error:
            fail(str(error))
    if as_json:
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return
    from unknot.text import exercise_card

    print(exercise_card(record))


@app.command()
def plan(
    minutes: Annotated[
        int | None, typer.Option(help="Minutes for the session, 5 to 60 (default 15).")
    ] = None,
    equipment: Annotated[
        list[str] | None,
        typer.Option(
            help="An item you have, beyond a chair, a wall and a doorway (repeat per item)."
        ),
    ] = None,
    avoid: Annotated[
        list[str] | None,
        typer.Option(
            help="A position to avoid (floor, kneeling, standing) or an exercise id (repeat)."
        ),
    ] = None,
    pain: Annotated[
        list[str] | None,
        typer.Option(help="Pain now as AREA=N, 0-10, e.g. neck=6 (repeat per area)."),
    ] = None,
    restriction: Annotated[
        list[str] | None,
        typer.Option(help="A restriction from screening or your clinician (repeat)."),
    ] = None,
    sessions: Annotated[
        int | None, typer.Option(help="Sessions per week, 2 to 7 (default 3).")
    ] = None,
    experience: Annotated[
        str | None, typer.Option(help="new, returning or regular (default new).")
    ] = None,
    goal: Annotated[
        list[str] | None, typer.Option(help="relief, strength or desk_breaks (repeat).")
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="The day to plan, YYYY-MM-DD (default today).")
    ] = None,
    week: Annotated[bool, typer.Option("--week", help="Plan seven days from the date.")] = False,
    seed: Annotated[int, typer.Option(help="Seed for varying the choice of exercises.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    profile_file: Annotated[
        Path | None,
        typer.Option("--profile", help="A TOML or JSON file with your profile's fields."),
    ] = None,
) -> None:
    """Plan today's session (or a week) from your profile, with the reasons for each choice."""
    import datetime as dt

    from unknot.domain.plan import PlanImpossible
    from unknot.domain.profile import EXPERIENCES, GOALS, RESTRICTIONS
    from unknot.domain.vocabulary import PAIN_AREAS, POSITION_AVOIDANCES

    for item in equipment or []:
        choose(item, ITEMS, "equipment item")
    for value in restriction or []:
        choose(value, RESTRICTIONS, "restriction")
    for value in goal or []:
        choose(value, GOALS, "goal")
    choose(experience, EXPERIENCES, "experience")
    pain_by_area: dict[str, int] = {}
    for entry in pain or []:
        area, _, score = entry.partition("=")
        choose(area, PAIN_AREAS, "pain area")
        if not score.isdigit() or int(score) > 10:
            fail(f"pain {entry!r} needs a score from 0 to 10 after '=', e.g. {area}=6")
        pain_by_area[area] = int(score)
    workspace = services.Workspace.from_environment()
    positions: list[str] = []
    exercise_ids: list[str] = []
    with catalog_problems():
        for value in avoid or []:
            if value in POSITION_AVOIDANCES:
                positions.append(value)
                continue
            try:
                exercise_ids.append(services.exercise_record(workspace, value)["id"])
            except services.UnknownExercise as error:
                fail(f"--avoid {value!r} is not a position (floor, kneeling, standing) and {error}")
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        fail(f"date {date!r} is not a date; write it as YYYY-MM-DD")
    overrides: dict[str, object] = {
        "minutes": minutes,
        "sessions_per_week": sessions,
        "experience": experience,
        "equipment": equipment,
        "pain": pain_by_area or None,
        "avoid_positions": positions or None,
        "avoid_exercises": exercise_ids or None,
        "restrictions": restriction,
        "goals": goal,
    }
    try:
        profile = services.read_profile(profile_file, overrides)
    except services.ProfileProblem as error:
        fail(str(error))
    with catalog_problems():
        try:
            result = (
                services.make_week(workspace, profile, start=day, seed=seed)
                if week
                else services.make_plan(workspace, profile, day=day, seed=seed)
            )
        except PlanImpossible as error:
            fail(str(error), code=1)
    data = result.model_dump(mode="json")
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from unknot.text import session_text, week_text

    print(week_text(data) if week else session_text(data))


def main() -> None:
    """Console-script entry point."""
    app(prog_name="unknot")
